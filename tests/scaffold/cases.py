"""The canonical generation cases: every built-in (language, kind, style)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tasker_ctl.scaffold import ConflictPolicy, GenerateRequest, generate
from tasker_ctl.scaffold.catalog import builtin_templates
from tasker_ctl.scaffold.manifest import load_template_manifest

CANONICAL_NAMES = {
    "step_handler": "ProcessOrder",
    "step_handler_api": "FetchUser",
    "step_handler_decision": "RouteOrder",
    "step_handler_batchable": "ProcessCsv",
    "task_template": "ProcessOrder",
}

TASK_CALLABLES = {
    "python": "handlers.process_order_handler.process_order",
    "ruby": "Handlers::ProcessOrderHandler",
    "typescript": "Handlers.ProcessOrderHandler",
    "rust": "process_order",
}


@dataclass(frozen=True)
class Case:
    """One generation: a built-in template with a fixed set of parameters."""

    language: str
    kind: str
    style: str | None

    @property
    def id(self) -> str:
        return f"{self.language}-{self.kind}" + (f"-{self.style}" if self.style else "")

    @property
    def params(self) -> dict[str, str]:
        params = {"name": CANONICAL_NAMES[self.kind]}
        if self.kind == "task_template":
            params["handler_callable"] = TASK_CALLABLES[self.language]
        if self.style is not None:
            params["style"] = self.style
        return params

    @property
    def param_args(self) -> list[str]:
        args: list[str] = []
        for key, value in self.params.items():
            args += ["--param", f"{key}={value}"]
        return args


def all_cases() -> list[Case]:
    """Every built-in template, once per declared style."""
    cases = []
    for source in builtin_templates():
        manifest = load_template_manifest(source.directory)
        style = manifest.parameter("style")
        styles: tuple[str | None, ...] = style.choices if style and style.choices else (None,)
        cases.extend(Case(source.language, source.name, s) for s in styles)
    return cases


def render(case: Case, out: Path, **extra: str) -> list[Path]:
    """Generate ``case`` (with ``extra`` parameters) into ``out``; return the files."""
    request = GenerateRequest(
        kind=case.kind,
        language=case.language,
        params={**case.params, **extra},
        output_dir=out,
        policy=ConflictPolicy.ERROR,
    )
    return [w.target for w in generate(request).plan.writes]
