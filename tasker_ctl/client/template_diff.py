"""``template diff``: a local task template against the version the workers registered.

The worker API's ``GET /v1/templates/{namespace}/{name}/{version}`` answers a
``TemplateResponse`` whose ``template`` is upstream's ``ResolvedTaskTemplate``:
``{"template": <TaskTemplate>, "environment": "production", "resolved_at": ...}``,
the registered template with the environment's overrides applied
(``TaskTemplate::resolve_for_environment``).

Both sides are read through the same model (:class:`~tasker_ctl.model.template.TaskTemplate`,
serde's defaults and aliases), so a default written out on one side and left out on
the other is no difference, and the local side gets the deployed environment's
overrides applied first, as the worker did. Then the two are compared field by field;
steps are matched by name (``steps[charge_card].retry.max_attempts``), other lists
are compared as whole values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tasker_ctl.client.errors import InvalidArgumentError

__all__ = [
    "Change",
    "TemplateRef",
    "deployed_template",
    "diff_templates",
    "normalized",
    "parse_ref",
    "resolve_for_environment",
]

_MISSING: Any = object()


@dataclass(frozen=True)
class TemplateRef:
    """``NAMESPACE/NAME/VERSION``."""

    namespace: str
    name: str
    version: str

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name}/{self.version}"


def parse_ref(text: str) -> TemplateRef:
    """``NAMESPACE/NAME/VERSION`` as a :class:`TemplateRef`, or a usage error."""
    parts = text.strip().split("/")
    if len(parts) != 3 or not all(p.strip() for p in parts):
        shown = text if len(text) <= 80 else text[:77] + "..."
        raise InvalidArgumentError(
            f"{shown!r} is not NAMESPACE/NAME/VERSION",
            hint="e.g. ecommerce/process_order/1.0.0 (as namespace_name, name and version "
            "in the template), or leave it out to use the local template's own",
        )
    namespace, name, version = (p.strip() for p in parts)
    return TemplateRef(namespace, name, version)


@dataclass(frozen=True)
class Change:
    """One difference: ``kind`` is ``changed``, ``local_only`` or ``deployed_only``."""

    path: str
    kind: str
    local: Any
    deployed: Any

    def to_json(self) -> dict[str, Any]:
        """The change as a JSON object (an absent side is ``null``)."""
        return {
            "path": self.path,
            "change": self.kind,
            "local": None if self.local is _MISSING else self.local,
            "deployed": None if self.deployed is _MISSING else self.deployed,
        }


def deployed_template(answer: Any) -> tuple[dict[str, Any], str | None]:
    """The registered ``TaskTemplate`` and its environment, out of a ``TemplateResponse``.

    Raises:
        ValueError: ``template`` holds no task template.
    """
    outer = answer.get("template") if isinstance(answer, Mapping) else None
    if isinstance(outer, Mapping) and isinstance(outer.get("template"), Mapping):
        environment = outer.get("environment")
        return dict(outer["template"]), environment if isinstance(environment, str) else None
    if isinstance(outer, Mapping) and "steps" in outer and "name" in outer:
        return dict(outer), None  # a bare TaskTemplate, no resolution recorded
    raise ValueError("the answer's 'template' holds no task template (no name and steps)")


def resolve_for_environment(data: Mapping[str, Any], environment: str) -> dict[str, Any]:
    """``data`` (a template's JSON) with ``environments[environment]`` applied, as upstream.

    A step override named ``ALL`` applies to every step; ``handler.initialization``
    keys are merged in, ``timeout_seconds`` and ``retry`` replace the step's.
    """
    resolved = dict(data)
    environments = data.get("environments")
    override = environments.get(environment) if isinstance(environments, Mapping) else None
    overrides = override.get("steps") if isinstance(override, Mapping) else None
    steps = data.get("steps")
    if not isinstance(overrides, list) or not isinstance(steps, list):
        return resolved
    new_steps = [_copy_step(s) for s in steps]
    for step_override in overrides:
        if not isinstance(step_override, Mapping):
            continue
        target = step_override.get("name")
        for step in new_steps:
            if isinstance(step, dict) and (target == "ALL" or step.get("name") == target):
                _apply(step, step_override)
                if target != "ALL":
                    break
    resolved["steps"] = new_steps
    return resolved


def _copy_step(step: Any) -> Any:
    if not isinstance(step, Mapping):
        return step
    copy = dict(step)
    if isinstance(copy.get("handler"), Mapping):
        copy["handler"] = dict(copy["handler"])
    return copy


def _apply(step: dict[str, Any], override: Mapping[str, Any]) -> None:
    handler = override.get("handler")
    init = handler.get("initialization") if isinstance(handler, Mapping) else None
    if isinstance(init, Mapping) and isinstance(step.get("handler"), dict):
        current = step["handler"].get("initialization")
        merged = dict(current) if isinstance(current, Mapping) else {}
        merged.update(init)
        step["handler"]["initialization"] = merged
    if override.get("timeout_seconds") is not None:
        step["timeout_seconds"] = override["timeout_seconds"]
    if override.get("retry") is not None:
        step["retry"] = override["retry"]


def normalized(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` read as the Rust loader reads a template, then written out as JSON.

    Raises:
        pydantic.ValidationError: ``data`` is not a task template.
    """
    from tasker_ctl.model.template import TaskTemplate

    model = TaskTemplate.model_validate(dict(data))
    dumped: dict[str, Any] = model.model_dump(mode="json", by_alias=True)
    return dumped


def _keyed_steps(steps: Any) -> dict[str, Any] | None:
    if not isinstance(steps, list):
        return None
    keyed: dict[str, Any] = {}
    for step in steps:
        if not isinstance(step, Mapping) or not isinstance(step.get("name"), str):
            return None
        if step["name"] in keyed:
            return None  # repeated names: compare the lists as they are
        keyed[step["name"]] = step
    return keyed


def _walk(path: str, local: Any, deployed: Any, out: list[Change]) -> None:
    if local is _MISSING or deployed is _MISSING:
        kind = "local_only" if deployed is _MISSING else "deployed_only"
        out.append(Change(path, kind, local, deployed))
        return
    if isinstance(local, Mapping) and isinstance(deployed, Mapping):
        for key in [*local, *(k for k in deployed if k not in local)]:
            child = f"{path}.{key}" if path else str(key)
            _walk(child, local.get(key, _MISSING), deployed.get(key, _MISSING), out)
        return
    if path == "steps":
        mine, theirs = _keyed_steps(local), _keyed_steps(deployed)
        if mine is not None and theirs is not None:
            for name in [*mine, *(n for n in theirs if n not in mine)]:
                _walk(f"steps[{name}]", mine.get(name, _MISSING), theirs.get(name, _MISSING), out)
            if [n for n in mine if n in theirs] != [n for n in theirs if n in mine]:
                out.append(Change("steps (order)", "changed", list(mine), list(theirs)))
            return
    if not _same(local, deployed):
        out.append(Change(path, "changed", local, deployed))


def _same(a: Any, b: Any) -> bool:
    """JSON equality: 3 and 3.0 are one number, but true is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and bool(a == b)


def diff_templates(local: Mapping[str, Any], deployed: Mapping[str, Any]) -> list[Change]:
    """Every field where two normalized templates differ, in the local file's order."""
    changes: list[Change] = []
    _walk("", dict(local), dict(deployed), changes)
    return changes
