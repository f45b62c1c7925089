"""Reading ``template.toml`` and ``tasker-plugin.toml`` manifests.

Both formats are the real tasker-ctl's (see the spec): a template directory
holds ``template.toml`` with top-level ``name``/``description``,
``[[parameters]]`` (``name``, ``description``, ``required``, ``default``) and
``[[outputs]]`` (``template``, ``filename``, ``subdir``); a plugin directory
holds ``tasker-plugin.toml`` with a ``[plugin]`` table and ``[[templates]]``.

We accept two backward-compatible extensions on parameters, which the real
tool ignores: ``choices`` (a list of allowed values) and ``pattern`` (a
regular expression the value must match in full). A default must satisfy
both, since a template whose own default is refused cannot be generated.

Errors name the file and, where the table can be found in the text, the line
of the ``[[...]]`` entry (or of the offending key) at fault.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tasker_ctl.errors import Location, TemplateDefinitionError
from tasker_ctl.toml_files import read_toml

TEMPLATE_MANIFEST = "template.toml"
PLUGIN_MANIFEST = "tasker-plugin.toml"

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]\]?")


@dataclass(frozen=True)
class ParameterSpec:
    """One declared template parameter."""

    name: str
    description: str
    required: bool = False
    default: str | None = None
    choices: tuple[str, ...] = ()
    pattern: str | None = None

    @property
    def is_missing_when_absent(self) -> bool:
        """Whether leaving the parameter out is an error (required, no default)."""
        return self.required and self.default is None

    def problem(self, value: str) -> str | None:
        """Why ``value`` is not acceptable for this parameter, or ``None`` if it is."""
        if self.choices and value not in self.choices:
            return f"must be one of: {', '.join(self.choices)} (got '{value}')"
        if self.pattern and not re.fullmatch(self.pattern, value):
            return f"has an invalid value '{value}': {self.description}"
        return None


@dataclass(frozen=True)
class OutputSpec:
    """One file a template renders: the source template and its target path patterns."""

    template: str
    filename: str
    subdir: str | None = None
    line: int | None = None
    """Line of this ``[[outputs]]`` entry in ``template.toml``, if known."""


@dataclass(frozen=True)
class TemplateManifest:
    """A parsed ``template.toml``."""

    name: str
    description: str
    parameters: tuple[ParameterSpec, ...]
    outputs: tuple[OutputSpec, ...]
    directory: Path

    def parameter(self, name: str) -> ParameterSpec | None:
        """Return the parameter called ``name``, if declared."""
        return next((p for p in self.parameters if p.name == name), None)


@dataclass(frozen=True)
class PluginTemplateRef:
    """A ``[[templates]]`` entry of a plugin manifest."""

    name: str
    path: Path
    description: str


@dataclass(frozen=True)
class PluginManifest:
    """A parsed ``tasker-plugin.toml``; ``templates`` holds only the usable entries."""

    name: str
    description: str
    version: str
    language: str
    framework: str | None
    templates: tuple[PluginTemplateRef, ...]
    directory: Path
    warnings: tuple[str, ...] = ()
    """Entries that were left out (duplicate names, missing directories), one line each."""


class _Manifest:
    """A parsed TOML manifest that can point at the line of its tables and keys."""

    def __init__(self, path: Path, hint: str) -> None:
        self.path = path
        self.hint = hint
        self.data = read_toml(path, TemplateDefinitionError, hint=hint)
        self._lines = path.read_text(encoding="utf-8").splitlines()

    def line(self, table: str | None = None, index: int = 0, key: str | None = None) -> int | None:
        """The line of ``[table]`` (or the ``index``-th ``[[table]]``), or of ``key`` in it.

        ``table=None`` means the top level (then only a key has a line).
        ``None`` when the text does not show it (inline tables, for instance).
        """
        start = 0 if table is None else None
        seen = 0
        for number, text in enumerate(self._lines):
            header = _HEADER.match(text)
            if header:
                if start is not None:
                    break  # the table we were in has ended
                if header.group(2) == table:
                    if seen == index:
                        start = number
                    seen += 1
                continue
            if (
                start is not None
                and key is not None
                and re.match(rf"\s*['\"]?{re.escape(key)}['\"]?\s*=", text)
            ):
                return number + 1
        return None if start is None or table is None else start + 1

    def error(
        self,
        message: str,
        table: str | None = None,
        index: int = 0,
        key: str | None = None,
        hint: str | None = None,
    ) -> TemplateDefinitionError:
        """An error located at ``table``/``key`` (see :meth:`line`)."""
        return TemplateDefinitionError(
            message,
            location=Location(self.path, self.line(table, index, key)),
            hint=hint or self.hint,
        )

    def entries(self, key: str, *, required: bool = False) -> list[tuple[int, dict[str, Any]]]:
        """The ``[[key]]`` tables, numbered; refuse anything that is not a list of tables."""
        raw = self.data.get(key)
        if raw is None and not required:
            return []
        if not isinstance(raw, list):
            raise self.error(f"'{key}' must be an array of tables ([[{key}]])", key=key)
        for index, entry in enumerate(raw):
            if not isinstance(entry, dict):
                raise self.error(f"{key}[{index}] must be a table", key=key)
        return list(enumerate(raw))

    def required(self, table: dict[str, Any], key: str, where: tuple[str | None, int]) -> str:
        """``table[key]``, which must be a string; ``where`` is (table name, index)."""
        value = table.get(key)
        if isinstance(value, str):
            return value
        name, index = where
        label = f"{name}[{index}]: " if name else ""
        problem = "missing" if value is None else "not a string"
        raise self.error(f"{label}'{key}' is {problem}", name, index, key)

    def optional(
        self, table: dict[str, Any], key: str, where: tuple[str | None, int]
    ) -> str | None:
        """``table[key]`` if present, which must then be a string."""
        return None if table.get(key) is None else self.required(table, key, where)


_TEMPLATE_HINT = (
    "fix template.toml: top-level name and description, [[parameters]] with name and "
    "description, [[outputs]] with template (a file next to template.toml) and filename"
)
_PLUGIN_HINT = (
    "fix tasker-plugin.toml: a [plugin] table with name, description, version and language, "
    "and [[templates]] with name, path and description"
)


def _parse_parameter(doc: _Manifest, index: int, raw: dict[str, Any]) -> ParameterSpec:
    where = ("parameters", index)
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise doc.error(
            f"parameters[{index}]: 'required' must be true or false", *where, key="required"
        )
    choices = raw.get("choices", [])
    if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
        raise doc.error(
            f"parameters[{index}]: 'choices' must be a list of strings", *where, key="choices"
        )
    pattern = doc.optional(raw, "pattern", where)
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise doc.error(
                f"parameters[{index}]: invalid 'pattern': {exc}", *where, key="pattern"
            ) from exc
    spec = ParameterSpec(
        name=doc.required(raw, "name", where),
        description=doc.required(raw, "description", where),
        required=required,
        default=doc.optional(raw, "default", where),
        choices=tuple(choices),
        pattern=pattern,
    )
    problem = None if spec.default is None else spec.problem(spec.default)
    if problem is not None:
        raise doc.error(
            f"parameter '{spec.name}': its own default {problem}",
            *where,
            key="default",
            hint="make the default satisfy the parameter's choices and pattern, or remove it",
        )
    return spec


def load_template_manifest(directory: Path) -> TemplateManifest:
    """Parse ``directory/template.toml``; raise :class:`TemplateDefinitionError` if broken."""
    doc = _Manifest(directory / TEMPLATE_MANIFEST, _TEMPLATE_HINT)
    if "outputs" not in doc.data:
        raise doc.error(
            "missing '[[outputs]]': a template must declare the files it writes",
            hint="add [[outputs]] tables with template and filename",
        )
    parameters = tuple(_parse_parameter(doc, i, raw) for i, raw in doc.entries("parameters"))
    seen: set[str] = set()
    for index, spec in enumerate(parameters):
        if spec.name in seen:
            raise doc.error(f"parameter '{spec.name}' is declared twice", "parameters", index)
        seen.add(spec.name)
    outputs = tuple(
        OutputSpec(
            template=doc.required(raw, "template", ("outputs", index)),
            filename=doc.required(raw, "filename", ("outputs", index)),
            subdir=doc.optional(raw, "subdir", ("outputs", index)),
            line=doc.line("outputs", index),
        )
        for index, raw in doc.entries("outputs", required=True)
    )
    return TemplateManifest(
        name=doc.required(doc.data, "name", (None, 0)),
        description=doc.required(doc.data, "description", (None, 0)),
        parameters=parameters,
        outputs=outputs,
        directory=directory,
    )


def load_plugin_manifest(directory: Path) -> PluginManifest:
    """Parse ``directory/tasker-plugin.toml``; raise :class:`TemplateDefinitionError` if broken.

    Entries that cannot be used (a name declared before, case-insensitively,
    or a ``path`` that is not a directory) are left out with a warning.
    """
    doc = _Manifest(directory / PLUGIN_MANIFEST, _PLUGIN_HINT)
    plugin = doc.data.get("plugin")
    if not isinstance(plugin, dict):
        raise doc.error("missing [plugin] table")
    where = ("plugin", 0)
    name = doc.required(plugin, "name", where)
    language = doc.required(plugin, "language", where)
    if not name.strip() or not language.strip():
        raise doc.error("[plugin] 'name' and 'language' must not be empty", "plugin")
    templates: list[PluginTemplateRef] = []
    warnings: list[str] = []
    for index, raw in doc.entries("templates"):
        entry = ("templates", index)
        ref = PluginTemplateRef(
            name=doc.required(raw, "name", entry),
            path=directory / doc.required(raw, "path", entry),
            description=doc.required(raw, "description", entry),
        )
        at = Location(doc.path, doc.line("templates", index))
        if any(t.name.lower() == ref.name.lower() for t in templates):
            warnings.append(
                f"{at}: plugin {name} declares template '{ref.name}' twice; "
                "the first declaration is used"
            )
        elif not ref.path.is_dir():
            warnings.append(
                f"{at}: plugin {name}: template '{ref.name}' directory {ref.path} "
                "does not exist; skipped"
            )
        else:
            templates.append(ref)
    return PluginManifest(
        name=name,
        description=doc.required(plugin, "description", where),
        version=doc.required(plugin, "version", where),
        language=language,
        framework=doc.optional(plugin, "framework", where),
        templates=tuple(templates),
        directory=directory,
        warnings=tuple(warnings),
    )
