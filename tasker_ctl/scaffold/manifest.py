"""Reading ``template.toml`` and ``tasker-plugin.toml`` manifests.

Both formats are the real tasker-ctl's (see the spec): a template directory
holds ``template.toml`` with top-level ``name``/``description``,
``[[parameters]]`` (``name``, ``description``, ``required``, ``default``) and
``[[outputs]]`` (``template``, ``filename``, ``subdir``); a plugin directory
holds ``tasker-plugin.toml`` with a ``[plugin]`` table and ``[[templates]]``.

We accept two backward-compatible extensions on parameters, which the real
tool ignores: ``choices`` (a list of allowed values) and ``pattern`` (a
regular expression the value must match in full).
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


@dataclass(frozen=True)
class OutputSpec:
    """One file a template renders: the source template and its target path patterns."""

    template: str
    filename: str
    subdir: str | None = None


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
    """A parsed ``tasker-plugin.toml``."""

    name: str
    description: str
    version: str
    language: str
    framework: str | None
    templates: tuple[PluginTemplateRef, ...]
    directory: Path


def _load_toml(path: Path) -> dict[str, Any]:
    return read_toml(path, TemplateDefinitionError)


def _req_str(table: dict[str, Any], key: str, path: Path, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str):
        raise TemplateDefinitionError(
            f"{where}: missing or non-string '{key}'", location=Location(path)
        )
    return value


def _opt_str(table: dict[str, Any], key: str, path: Path, where: str) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise TemplateDefinitionError(f"{where}: '{key}' must be a string", location=Location(path))
    return value


def _parse_parameter(raw: Any, index: int, path: Path) -> ParameterSpec:
    where = f"parameters[{index}]"
    if not isinstance(raw, dict):
        raise TemplateDefinitionError(f"{where} must be a table", location=Location(path))
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise TemplateDefinitionError(
            f"{where}: 'required' must be true or false", location=Location(path)
        )
    choices_raw = raw.get("choices", [])
    if not isinstance(choices_raw, list) or not all(isinstance(c, str) for c in choices_raw):
        raise TemplateDefinitionError(
            f"{where}: 'choices' must be a list of strings", location=Location(path)
        )
    pattern = _opt_str(raw, "pattern", path, where)
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise TemplateDefinitionError(
                f"{where}: invalid 'pattern': {exc}", location=Location(path)
            ) from exc
    spec = ParameterSpec(
        name=_req_str(raw, "name", path, where),
        description=_req_str(raw, "description", path, where),
        required=required,
        default=_opt_str(raw, "default", path, where),
        choices=tuple(choices_raw),
        pattern=pattern,
    )
    if spec.choices and spec.default is not None and spec.default not in spec.choices:
        raise TemplateDefinitionError(
            f"{where}: default '{spec.default}' is not one of its choices", location=Location(path)
        )
    return spec


def load_template_manifest(directory: Path) -> TemplateManifest:
    """Parse ``directory/template.toml``; raise :class:`TemplateDefinitionError` if broken."""
    path = directory / TEMPLATE_MANIFEST
    data = _load_toml(path)
    params_raw = data.get("parameters", [])
    if not isinstance(params_raw, list):
        raise TemplateDefinitionError("'parameters' must be an array", location=Location(path))
    outputs_raw = data.get("outputs")
    if not isinstance(outputs_raw, list):
        raise TemplateDefinitionError(
            "missing '[[outputs]]': a template must declare the files it writes",
            location=Location(path),
        )
    parameters = tuple(_parse_parameter(p, i, path) for i, p in enumerate(params_raw))
    names = [p.name for p in parameters]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise TemplateDefinitionError(
            f"parameter declared twice: {', '.join(duplicates)}", location=Location(path)
        )
    outputs = []
    for index, raw in enumerate(outputs_raw):
        where = f"outputs[{index}]"
        if not isinstance(raw, dict):
            raise TemplateDefinitionError(f"{where} must be a table", location=Location(path))
        outputs.append(
            OutputSpec(
                template=_req_str(raw, "template", path, where),
                filename=_req_str(raw, "filename", path, where),
                subdir=_opt_str(raw, "subdir", path, where),
            )
        )
    return TemplateManifest(
        name=_req_str(data, "name", path, "template"),
        description=_req_str(data, "description", path, "template"),
        parameters=parameters,
        outputs=tuple(outputs),
        directory=directory,
    )


def load_plugin_manifest(directory: Path) -> PluginManifest:
    """Parse ``directory/tasker-plugin.toml``; raise :class:`TemplateDefinitionError` if broken."""
    path = directory / PLUGIN_MANIFEST
    data = _load_toml(path)
    plugin = data.get("plugin")
    if not isinstance(plugin, dict):
        raise TemplateDefinitionError("missing [plugin] table", location=Location(path))
    templates_raw = data.get("templates", [])
    if not isinstance(templates_raw, list):
        raise TemplateDefinitionError("'templates' must be an array", location=Location(path))
    templates = []
    for index, raw in enumerate(templates_raw):
        where = f"templates[{index}]"
        if not isinstance(raw, dict):
            raise TemplateDefinitionError(f"{where} must be a table", location=Location(path))
        templates.append(
            PluginTemplateRef(
                name=_req_str(raw, "name", path, where),
                path=directory / _req_str(raw, "path", path, where),
                description=_req_str(raw, "description", path, where),
            )
        )
    name = _req_str(plugin, "name", path, "[plugin]")
    language = _req_str(plugin, "language", path, "[plugin]")
    if not name.strip() or not language.strip():
        raise TemplateDefinitionError(
            "[plugin] 'name' and 'language' must not be empty", location=Location(path)
        )
    return PluginManifest(
        name=name,
        description=_req_str(plugin, "description", path, "[plugin]"),
        version=_req_str(plugin, "version", path, "[plugin]"),
        language=language,
        framework=_opt_str(plugin, "framework", path, "[plugin]"),
        templates=tuple(templates),
        directory=directory,
    )
