"""Typed models from a task template's ``input_schema`` and steps' ``result_schema``.

Two stages, so later generators (handlers, scaffolds) can reuse the first:

1. :func:`build_types` reads the schemas into a :class:`~tasker_ctl.codegen.ir.TypeModule`
   (named models and aliases, dependencies first, plus notices for what the
   targets cannot express), named as upstream's ``tasker-ctl generate types``
   names them (``docs/codegen.md``).
2. :func:`render` turns a module into the source of one language: ``python``
   (pydantic), ``ruby`` (Dry::Struct), ``typescript`` (zod) or ``rust`` (serde).

:func:`load_template` reads a template file through the linter's loader and
gives the template plus a way to turn a schema path into a line and column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tasker_ctl.codegen import ir
from tasker_ctl.codegen.naming import input_type_name, result_type_name
from tasker_ctl.errors import InputFileError, Location, ParameterError
from tasker_ctl.model.template import TaskTemplate

__all__ = [
    "LANGUAGES",
    "LoadedTemplate",
    "NothingToGenerateError",
    "build_named_types",
    "build_types",
    "load_template",
    "normalize_language",
    "render",
]

LANGUAGES: dict[str, tuple[str, ...]] = {
    "python": ("python", "py"),
    "ruby": ("ruby", "rb"),
    "typescript": ("typescript", "ts"),
    "rust": ("rust", "rs"),
}
"""Each target language and the spellings ``--language`` accepts (upstream's)."""


class NothingToGenerateError(InputFileError):
    """The template (or the chosen step) has no schema to generate types from."""


def normalize_language(value: str) -> str:
    """``PY`` -> ``python``; raise :class:`ParameterError` for an unknown language."""
    lowered = value.strip().lower()
    for language, spellings in LANGUAGES.items():
        if lowered in spellings:
            return language
    raise ParameterError(
        f"unsupported language '{value}'",
        hint="choose python (py), ruby (rb), typescript (ts) or rust (rs)",
    )


def build_types(template: TaskTemplate, step: str | None = None) -> ir.TypeModule:
    """The types of ``template``: its input (unless ``step`` is given), then each step's result.

    Raise :class:`ParameterError` if ``step`` names no step of the template and
    :class:`NothingToGenerateError` if there is no schema to read.
    """
    return build_named_types(template, step)[0]


def build_named_types(
    template: TaskTemplate, step: str | None = None, *, scaffold: bool = False
) -> tuple[ir.TypeModule, dict[str, str]]:
    """:func:`build_types`, and the name each step's result type got.

    ``scaffold`` names results as upstream's ``generate scaffold`` does:
    ``{Step}Result``, without the namespace (``generate types`` adds it).
    """
    from tasker_ctl.codegen.naming import pascal_case
    from tasker_ctl.codegen.schema import SchemaBuilder

    builder = SchemaBuilder()
    names: dict[str, str] = {}
    if step is not None and template.step(step) is None:
        from tasker_ctl.suggest import did_you_mean

        steps = [s.name for s in template.steps]
        raise ParameterError(
            f"the template has no step named '{step}'",
            hint=did_you_mean(step, steps) or f"steps: {', '.join(steps) or '(none)'}",
        )
    if step is None and template.input_schema is not None:
        builder.add_root(input_type_name(template.name), template.input_schema, ("input_schema",))
    for index, definition in enumerate(template.steps):
        if step is not None and definition.name != step:
            continue
        if definition.result_schema is not None:
            name = (
                _identifier(pascal_case(definition.name)) + "Result"
                if scaffold
                else result_type_name(template.namespace_name, definition.name)
            )
            names[definition.name] = builder.add_root(
                name, definition.result_schema, ("steps", index, "result_schema")
            )
    if not builder.module.roots:
        what = (
            f"step '{step}' has no result_schema"
            if step
            else ("the template has no input_schema and no step with a result_schema")
        )
        raise NothingToGenerateError(
            what, hint="add a JSON Schema under input_schema or a step's result_schema"
        )
    return builder.module, names


def _identifier(pascal: str) -> str:
    """A type-name stem that starts with a letter (``2fa`` -> ``Step2fa``), ASCII only."""
    stem = "".join(ch for ch in pascal if ch.isascii())
    return stem if stem[:1].isalpha() else "Step" + stem


def render(module: ir.TypeModule, language: str) -> str:
    """The source text of ``module`` in ``language`` (see :data:`LANGUAGES`)."""
    language = normalize_language(language)
    if language == "python":
        from tasker_ctl.codegen.emit_python import render_python

        return render_python(module)
    if language == "typescript":
        from tasker_ctl.codegen.emit_typescript import render_typescript

        return render_typescript(module)
    if language == "ruby":
        from tasker_ctl.codegen.emit_ruby import render_ruby

        return render_ruby(module)
    from tasker_ctl.codegen.emit_rust import render_rust

    return render_rust(module)


@dataclass(frozen=True)
class LoadedTemplate:
    """A task template read for code generation, and where its parts are in the file."""

    path: Path
    template: TaskTemplate
    locate: Callable[[ir.SchemaPath], Location]


def load_template(path: Path) -> LoadedTemplate:
    """Read ``path`` as the linter does; raise :class:`InputFileError` if it does not load."""
    from tasker_ctl.validation import load_template as load_checked

    result = load_checked(path)  # the loader validate, run and visualize use
    template = result.template
    if template is None:
        first = result.errors[0]
        raise InputFileError(
            f"cannot generate types from {path}: {first.message}",
            location=Location(path, first.location.line, first.location.column),
            hint=f"run `tasker-ctl validate {path}` for every problem",
        )
    root = result.root  # the loader's own node tree: the file is parsed once

    def locate(schema_path: ir.SchemaPath) -> Location:
        line, column = _position(root, schema_path)
        return Location(path, line, column)

    return LoadedTemplate(path, template, locate)


def _position(root: Any, schema_path: ir.SchemaPath) -> tuple[int | None, int | None]:
    """The line and column of the deepest node of ``schema_path`` found in the YAML tree."""
    from tasker_ctl.validation.yaml_nodes import Mapping, Scalar, Sequence

    node = root
    best: tuple[int | None, int | None] = (None, None)
    if node is not None:
        best = (node.line, node.column)
    for part in schema_path:
        if isinstance(node, Mapping) and isinstance(part, str):
            match = [(k, v) for k, v in node.pairs if isinstance(k, Scalar) and k.value == part]
            if not match:
                break
            key, node = match[-1]
            best = (key.line, key.column)
        elif isinstance(node, Sequence) and isinstance(part, int) and part < len(node.items):
            node = node.items[part]
            best = (node.line, node.column)
        else:
            break
    return best
