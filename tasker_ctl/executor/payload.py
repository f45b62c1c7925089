"""The ``task_sequence_step`` payload a handler call receives (docs/run-semantics.md §6.1).

Shaped like the Rust ``TaskSequenceStep`` the worker pythonizes: ``task``
(``task.task.context`` is the task context), ``workflow_step`` (attempts before
the claim, max attempts, inputs, checkpoint, last results),
``step_definition`` (the template step with the ``production`` environment
overrides applied, as the worker's template cache serves it; its
``handler.callable`` selects the handler) and ``dependency_results`` (attached separately, see
:mod:`tasker_ctl.executor.deps`). Every piece is decoded from JSON text for
each call, so handlers that mutate what they receive never affect another call.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import uuid
from typing import TYPE_CHECKING, Any

from tasker_ctl.executor.entries import now_iso

if TYPE_CHECKING:
    from tasker_ctl.model import TaskTemplate


def _apply_production_overrides(template: TaskTemplate, name: str, dumped: dict[str, Any]) -> None:
    """Resolve ``environments.production`` for step ``name`` as the worker's template cache does.

    Only the definition handlers see is resolved (orchestration creates steps from
    the unresolved template): ``ALL`` hits every step, unknown names are ignored,
    ``handler.initialization`` is merged shallowly, ``timeout_seconds`` and the
    whole ``retry`` block are replaced, in the order the overrides are listed. Other
    environments are never applied.
    """
    environment = template.environments.get("production")
    if environment is None:
        return
    for override in environment.steps:
        if override.name not in ("ALL", name):
            continue
        if override.handler is not None and override.handler.initialization is not None:
            handler = dumped["handler"]
            handler["initialization"] = {
                **handler["initialization"],
                **override.handler.initialization,
            }
        if override.timeout_seconds is not None:
            dumped["timeout_seconds"] = override.timeout_seconds
        if override.retry is not None:
            dumped["retry"] = override.retry.model_dump(mode="json")


class IdSource:
    """Valid, unique UUID strings for one run (a random base plus a counter)."""

    def __init__(self) -> None:
        self._base = uuid.uuid4().int
        self._next = 0

    def new(self) -> str:
        """The next UUID string."""
        self._next += 1
        h = f"{(self._base + self._next) % (1 << 128):032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class TaskPayload:
    """The parts of every payload that the orchestrator knows before the run starts.

    ``task`` is the ``task`` object of the payload (its ``task.context`` is the
    task context) and ``definitions`` the step definitions as the worker's template
    cache serves them (production overrides applied), by template step name.
    """

    def __init__(self, template: TaskTemplate, context: dict[str, Any], ids: IdSource) -> None:
        self.task_uuid = ids.new()
        self.correlation_id = ids.new()
        created = now_iso()
        context_text = json.dumps(context, sort_keys=True)
        self.task: dict[str, Any] = {
            "task": {
                "task_uuid": self.task_uuid,
                "named_task_uuid": ids.new(),
                "complete": False,
                "requested_at": created,
                "initiator": "tasker-ctl",
                "source_system": "tasker-ctl run",
                "reason": "local run",
                "tags": [],
                "context": context,
                "identity_hash": hashlib.sha256(context_text.encode()).hexdigest(),
                "priority": 0,
                "created_at": created,
                "updated_at": created,
                "correlation_id": self.correlation_id,
                "parent_correlation_id": None,
            },
            "task_name": template.name,
            "task_version": template.version,
            "namespace_name": template.namespace_name,
        }
        self._template = template
        self._steps: dict[str, Any] = {}
        for step in template.steps:
            self._steps.setdefault(step.name, step)
        self._named_uuids: dict[str, str] = {}
        self._ids = ids

    def definition(self, name: str) -> dict[str, Any]:
        """Template step ``name`` as the worker's template cache serves it to handlers.

        Dumped one step at a time, when a step of it is first dispatched: dumping a whole
        10,000-step template at once costs pydantic far more than 10,000 small dumps.
        """
        dumped: dict[str, Any] = self._steps[name].model_dump(mode="json", by_alias=True)
        dumped.pop("composition", None)
        _apply_production_overrides(self._template, name, dumped)
        return dumped

    def named_step_uuid(self, template_step_name: str) -> str:
        """A stable ``named_step_uuid`` per template step."""
        found = self._named_uuids.get(template_step_name)
        if found is None:
            found = self._named_uuids[template_step_name] = self._ids.new()
        return found


class PayloadBuilder:
    """The worker's side: fresh ``task_sequence_step`` dicts for every call.

    The task and definitions are kept serialized (``marshal``: JSON values only, and
    several times faster to load than JSON text) and loaded afresh for each call, so a
    handler that mutates what it received never affects another call.
    """

    def __init__(self, task: dict[str, Any], definitions: dict[str, Any] | None = None) -> None:
        self._task = marshal.dumps(task)
        self.task_uuid: str = task["task"]["task_uuid"]
        self.correlation_id: str = task["task"]["correlation_id"]
        self._definitions = {name: marshal.dumps(d) for name, d in (definitions or {}).items()}

    def define(self, name: str, definition: dict[str, Any]) -> None:
        """Keep the step definition of template step ``name``."""
        self._definitions[name] = marshal.dumps(definition)

    def has(self, definition: str) -> bool:
        """Whether ``definition`` names a step definition of the task."""
        return definition in self._definitions

    def build(self, row: dict[str, Any], definition: str) -> dict[str, Any]:
        """A fresh payload (without ``dependency_results``) for one call.

        ``row`` holds the ``workflow_step`` fields the orchestrator sent, freshly
        decoded from the ``call`` message.
        """
        workflow_step = {
            "workflow_step_uuid": row["uuid"],
            "task_uuid": self.task_uuid,
            "named_step_uuid": row["named_step_uuid"],
            "name": row["name"],
            "template_step_name": row["template_step_name"],
            "retryable": row["retryable"],
            "max_attempts": row["max_attempts"],
            "in_process": False,
            "processed": False,
            "processed_at": None,
            "attempts": row["attempts"],
            "last_attempted_at": row["last_attempted_at"],
            "backoff_request_seconds": None,
            "inputs": row["inputs"],
            "results": row["results"],
            "checkpoint": row["checkpoint"],
            "created_at": row["created_at"],
            "updated_at": row["last_attempted_at"] or row["created_at"],
        }
        return {
            "task": marshal.loads(self._task),
            "workflow_step": workflow_step,
            "step_definition": marshal.loads(self._definitions[definition]),
        }
