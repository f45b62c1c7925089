"""``generate handler`` and ``generate scaffold``: the files, planned in memory.

A scaffold is upstream's three files in the output directory, named as
upstream names them: ``models.<ext>`` (the types, ``{Step}Result`` names),
``handlers.<ext>`` (one handler per step, importing the types) and
``tests.<ext>``; Python also gets ``__init__.py``, since the handlers import
``.models`` and ``tasker-ctl run`` imports the directory as a package.

``models`` is generated code ("Do not edit") and is refreshed on every run;
the handlers, tests and ``__init__.py`` are the developer's to edit, so the
command writes them only when they are missing (or with ``--force``).
"""

from __future__ import annotations

from dataclasses import dataclass

from tasker_ctl.codegen import NothingToGenerateError, build_named_types, ir, render
from tasker_ctl.codegen.emit_python_handlers import not_an_object
from tasker_ctl.codegen.handlers import ScaffoldPlan, plan_handlers
from tasker_ctl.errors import ParameterError
from tasker_ctl.model.template import TaskTemplate

__all__ = ["GeneratedFile", "HandlerOutput", "build_handlers", "build_scaffold", "check_style"]

EXTENSIONS = {"python": "py", "ruby": "rb", "typescript": "ts", "rust": "rs"}
SUPPORTED = ("python", "typescript", "ruby", "rust")
"""Languages whose handlers and tests are generated."""
STYLES = {
    "python": ("dsl", "class"),
    "typescript": ("dsl", "class"),
    "ruby": ("dsl", "class"),
    "rust": ("dsl",),
}
"""Rust's ``dsl`` is plain step functions wired up by a registry (upstream's shape)."""


@dataclass(frozen=True)
class GeneratedFile:
    """One file of a scaffold."""

    relpath: str
    content: str
    generated: bool
    """True for generated code that is always refreshed; False for the developer's files."""


@dataclass(frozen=True)
class HandlerOutput:
    """What ``generate handler`` prints or writes."""

    handlers: str
    tests: str | None
    notices: tuple[str, ...]


def check_style(language: str, style: str) -> str:
    """The SDK style, checked for ``language``; raise :class:`ParameterError` if unknown."""
    lowered = style.strip().lower()
    if lowered not in ("dsl", "class"):
        raise ParameterError(
            f"unknown handler style '{style}'",
            hint="choose dsl (decorated functions, the default) or class (StepHandler classes)",
        )
    if language not in SUPPORTED:
        raise ParameterError(
            f"handler generation for {language} is not available yet",
            hint="generate python, typescript, ruby or rust handlers, or `tasker-ctl generate "
            f"types` for {language} models",
        )
    if lowered not in STYLES[language]:
        raise ParameterError(
            f"--style {lowered} is not available for {language} yet",
            hint=f"use --style dsl for {language}",
        )
    return lowered


def _types(
    template: TaskTemplate, step: str | None, scaffold: bool
) -> tuple[ir.TypeModule | None, dict[str, str]]:
    try:
        module, names = build_named_types(template, step, scaffold=scaffold)
    except NothingToGenerateError:
        if step is not None and template.step(step) is None:
            raise
        return None, {}
    return module, names


def _unmet(entry: str) -> str:
    """``steps.a.result_schema.v (minItems)`` -> what the sample there may not meet."""
    path, _, keyword = entry.partition(" (")
    what = f"its {keyword.removesuffix(')')}" if keyword else "its schema"
    return f"the sample for {path} may not meet {what}: its handler's placeholder result may fail"


def _notices(module: ir.TypeModule | None, plan: ScaffoldPlan) -> tuple[str, ...]:
    found = (
        [n.message + f" (at {ir.format_path(n.path)})" for n in module.notices] if module else []
    )
    found += [_unmet(entry) for entry in plan.unmet]
    found += [
        f"steps.{h.step}.result_schema is not an object: the Python SDK accepts only object "
        "results, so its handler fails until the schema is an object (its test is xfail)"
        for h in plan.handlers
        if not_an_object(h)
    ]
    return tuple(found)


def build_handlers(
    template: TaskTemplate,
    language: str,
    style: str,
    step: str | None = None,
    *,
    with_tests: bool = False,
    module_name: str = "handlers",
) -> HandlerOutput:
    """Handlers (and tests) typed with ``generate types`` names, imported from ``.models``."""
    from tasker_ctl.codegen.emit_python_handlers import (
        render_python_handlers,
        render_python_tests,
    )

    style = check_style(language, style)
    module, names = _types(template, step, scaffold=False)
    plan = plan_handlers(template, names, step)
    _require_steps(plan, step)
    if language != "python":
        code, test_code = _other(language, plan, template.name, style, module_name)
        return HandlerOutput(code, test_code if with_tests else None, _notices(module, plan))
    models = ".models" if module is not None else None
    handlers = render_python_handlers(plan, template.name, style, models)
    tests = None
    if with_tests:
        tests = render_python_tests(
            plan,
            template.name,
            style,
            "from . import handlers"
            if module_name == "handlers"
            else f"from . import {module_name} as handlers",
            models,
        )
    return HandlerOutput(handlers, tests, _notices(module, plan))


def _require_steps(plan: ScaffoldPlan, step: str | None) -> None:
    if plan.handlers:
        return
    if step is not None:
        raise ParameterError(f"the template has no step named '{step}'")
    raise NothingToGenerateError(
        "the template has no steps, so there is no handler to generate",
        hint="add steps (each with a handler.callable) to the template",
    )


def _other(
    language: str, plan: ScaffoldPlan, task: str, style: str, module: str = "handlers"
) -> tuple[str, str]:
    from tasker_ctl.codegen import emit_other_handlers as other

    if language == "typescript":
        return (
            other.render_typescript_handlers(plan, task, style),
            other.render_typescript_tests(plan, task, module),
        )
    if language == "rust":
        from tasker_ctl.codegen import emit_rust_handlers as rust

        return rust.render_rust_handlers(plan, task), rust.render_rust_tests(plan, task, module)
    return (
        other.render_ruby_handlers(plan, task, style),
        other.render_ruby_tests(plan, task, module),
    )


def build_scaffold(
    template: TaskTemplate, language: str, style: str, step: str | None = None
) -> tuple[list[GeneratedFile], tuple[str, ...]]:
    """The scaffold's files and the warnings to show (schema parts, unmet patterns)."""
    from tasker_ctl.codegen.emit_python_handlers import (
        render_python_handlers,
        render_python_tests,
    )

    style = check_style(language, style)
    module, names = _types(template, step, scaffold=True)
    plan = plan_handlers(template, names, step)
    _require_steps(plan, step)
    models_text = render(module if module is not None else ir.TypeModule(), language)
    task = template.name
    if language != "python":
        ext = EXTENSIONS[language]
        handlers, tests = _other(language, plan, task, style)
        files = [
            GeneratedFile(f"models.{ext}", models_text, generated=True),
            GeneratedFile(f"handlers.{ext}", handlers, generated=False),
            GeneratedFile(f"tests.{ext}", tests, generated=False),
        ]
        return files, _notices(module, plan)
    files = [
        GeneratedFile(
            "__init__.py",
            f'"""Step handlers of the {task} task template (tasker-ctl scaffold)."""\n',
            generated=False,
        ),
        GeneratedFile("models.py", models_text, generated=True),
        GeneratedFile(
            "handlers.py", render_python_handlers(plan, task, style, ".models"), generated=False
        ),
        GeneratedFile(
            "tests.py",
            render_python_tests(plan, task, style, "from . import handlers", ".models"),
            generated=False,
        ),
    ]
    return files, _notices(module, plan)
