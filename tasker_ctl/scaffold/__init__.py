"""Scaffolding: find a template, render it in memory, then write it safely.

The flow is ``build_catalog`` -> ``Catalog.find`` -> ``load_template_manifest``
-> ``resolve_parameters`` -> ``render_template`` -> ``plan_writes`` ->
``apply_plan``; :func:`generate` runs it for the CLI. Nothing touches the disk
before the whole plan has been checked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tasker_ctl.scaffold.catalog import Catalog, Selection, TemplateSource, build_catalog
from tasker_ctl.scaffold.filters import pascal_case, snake_case
from tasker_ctl.scaffold.manifest import TemplateManifest, load_template_manifest
from tasker_ctl.scaffold.writer import (
    Action,
    ConflictPolicy,
    PlannedWrite,
    WritePlan,
    apply_plan,
    plan_writes,
)

if TYPE_CHECKING:
    from tasker_ctl.scaffold.render import (
        RenderedFile,
        parse_param_args,
        render_template,
        resolve_parameters,
    )

_RENDER_NAMES = frozenset(
    {"RenderedFile", "parse_param_args", "render_template", "resolve_parameters"}
)


def __getattr__(name: str) -> Any:
    """Import rendering (Jinja and our Tera engine) on first use.

    ``template list`` and ``info`` only read manifests, and start faster without it.
    """
    if name in _RENDER_NAMES:
        from tasker_ctl.scaffold import render

        return getattr(render, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Action",
    "Catalog",
    "ConflictPolicy",
    "GenerateRequest",
    "GenerateResult",
    "PlannedWrite",
    "RenderedFile",
    "Selection",
    "TemplateManifest",
    "TemplateSource",
    "WritePlan",
    "build_catalog",
    "generate",
    "load_template_manifest",
    "parse_param_args",
    "render_template",
    "resolve_parameters",
]


@dataclass(frozen=True)
class GenerateRequest:
    """Everything ``template generate`` needs, already parsed."""

    kind: str
    params: Mapping[str, str]
    output_dir: Path
    language: str | None = None
    preferred_language: str | None = None
    plugin: str | None = None
    policy: ConflictPolicy = ConflictPolicy.ERROR
    dry_run: bool = False
    plugin_paths: Sequence[Path] = ()


@dataclass(frozen=True)
class GenerateResult:
    """What ``generate`` did (or, for a dry run, would do)."""

    selection: Selection
    params: Mapping[str, str]
    plan: WritePlan
    dry_run: bool
    notes: tuple[str, ...] = ()
    """Things worth knowing about the result (a name that doubles a suffix, say)."""


def _naming_notes(source: TemplateSource, values: Mapping[str, str]) -> tuple[str, ...]:
    """The built-in handler templates add ``Handler`` to the name: say so if it is there already."""
    name = values.get("name", "")
    shorter = pascal_case(name).removesuffix("Handler")
    if not source.builtin or not source.name.startswith("step_handler"):
        return ()
    if not snake_case(name).endswith("_handler") or not shorter:
        return ()
    return (
        f"name={name} already ends in 'Handler' and the generated names add another one; "
        f"pass name={shorter} to avoid the double suffix",
    )


def generate(request: GenerateRequest, catalog: Catalog | None = None) -> GenerateResult:
    """Render a template and write it (unless ``dry_run``), all-or-nothing."""
    catalog = catalog or build_catalog(request.plugin_paths)
    selection = catalog.find(
        request.kind,
        language=request.language,
        plugin=request.plugin,
        preferred_language=request.preferred_language,
    )
    manifest = load_template_manifest(selection.source.directory)
    from tasker_ctl.scaffold.render import render_template, resolve_parameters

    values = resolve_parameters(manifest, request.params, selection.source)
    files = render_template(selection.source, manifest, values)
    plan = plan_writes(
        files, request.output_dir, request.policy, refuse_conflicts=not request.dry_run
    )
    if not request.dry_run:
        apply_plan(plan)
    return GenerateResult(
        selection=selection,
        params=values,
        plan=plan,
        dry_run=request.dry_run,
        notes=_naming_notes(selection.source, values),
    )
