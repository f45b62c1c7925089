"""Lint settings from the ``[lint]`` table of ``.tasker-ctl.toml``.

Format::

    [lint]
    language = "python"            # handler language when it cannot be inferred

    [lint.rules]
    ORPHAN_STEP = "off"            # disable a rule
    UNKNOWN_KEY = "error"          # re-level it: "error", "warning" or "info"

    [lint.rules.UNKNOWN_RESOLVER]  # a table: a level and/or rule options
    level = "error"
    known = ["payments_resolver"]

An unknown rule ID, an unknown level, an unknown key or rule option, or an
option of the wrong type is a configuration error (exit 2) that names the file
(and, as far as it can be found, the line) and suggests the closest valid name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tasker_ctl.errors import ConfigError, Location
from tasker_ctl.suggest import close_matches
from tasker_ctl.toml_files import key_line
from tasker_ctl.validation.diagnostic import Severity

LEVELS = ("off", "error", "warning", "info")
LINT_KEYS = ("rules", "language")


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


RULE_OPTIONS: dict[str, dict[str, tuple[Callable[[Any], bool], str]]] = {
    "UNKNOWN_RESOLVER": {
        "known": (_is_str_list, 'a list of strings, e.g. known = ["payments_resolver"]'),
    },
}
"""Options a rule reads (besides ``level``): name -> (type check, expected type)."""


@dataclass(frozen=True)
class RuleSettings:
    """Per-rule levels (``None`` = off) and options."""

    levels: Mapping[str, Severity | None] = field(default_factory=dict)
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    language: str | None = None

    def enabled(self, rule_id: str) -> bool:
        """Whether the rule runs at all."""
        return self.levels.get(rule_id, _ON) is not None

    def severity(self, rule_id: str, default: Severity) -> Severity:
        """The configured severity of a rule, or its default."""
        level = self.levels.get(rule_id, default)
        return level if level is not None else default


_ON = Severity.INFO


def parse_rule_settings(raw: Mapping[str, Any], known_rules: Mapping[str, Any]) -> RuleSettings:
    """Validate the ``[lint]`` table; raise :class:`ConfigError` on anything unknown.

    ``raw`` may be a :class:`~tasker_ctl.toml_files.TomlTable`: its file is then
    named in every error.
    """
    where = _Where(getattr(raw, "source", None), getattr(raw, "key_path", ("lint",)))
    for key in raw:
        if key not in LINT_KEYS:
            raise where.error(
                f"unknown key '{key}' in [lint]{_close(key, LINT_KEYS)}",
                (key,),
                hint="valid keys: " + ", ".join(LINT_KEYS),
            )
    language = raw.get("language")
    if language is not None and not isinstance(language, str):
        raise where.error(
            f"[lint] language must be a string, not {_kind(language)}",
            ("language",),
            hint='write language = "python" (or ruby, typescript, rust)',
        )
    rules = raw.get("rules", {})
    if not isinstance(rules, Mapping):
        raise where.error('[lint.rules] must be a table of RULE_ID = "level"', ("rules",))
    levels: dict[str, Severity | None] = {}
    options: dict[str, Mapping[str, Any]] = {}
    for rule_id, value in rules.items():
        if rule_id not in known_rules:
            raise where.error(
                f"unknown rule '{rule_id}' in [lint.rules]{_close(rule_id, known_rules)}",
                ("rules", rule_id),
                hint="`tasker-ctl validate --list-rules` lists the rule IDs",
            )
        level = value
        if isinstance(value, Mapping):
            level = value.get("level")
            options[rule_id] = _rule_options(rule_id, value, where)
        if level is None and isinstance(value, Mapping):
            continue
        if not isinstance(level, str) or level.lower() not in LEVELS:
            keys = ("rules", rule_id, "level") if isinstance(value, Mapping) else ("rules", rule_id)
            raise where.error(
                f"[lint.rules] {rule_id} = {level!r} is not a level",
                keys,
                hint="use one of: " + ", ".join(f'"{x}"' for x in LEVELS),
            )
        lowered = level.lower()
        levels[rule_id] = None if lowered == "off" else Severity(lowered)
    return RuleSettings(levels, options, language)


@dataclass(frozen=True)
class _Where:
    """The configuration file the ``[lint]`` table came from, to name it in errors."""

    source: Path | None
    keys: tuple[str, ...]

    def error(self, message: str, keys: tuple[str, ...], hint: str | None = None) -> ConfigError:
        if self.source is None:
            return ConfigError(message, hint=hint)
        line = key_line(self.source, (*self.keys, *keys))
        return ConfigError(message, hint=hint, location=Location(self.source, line))


def _rule_options(rule_id: str, table: Mapping[str, Any], where: _Where) -> dict[str, Any]:
    known = RULE_OPTIONS.get(rule_id, {})
    options: dict[str, Any] = {}
    for name, value in table.items():
        if name == "level":
            continue
        spec = known.get(name)
        if spec is None:
            valid = ["level", *known]
            raise where.error(
                f"unknown option '{name}' in [lint.rules.{rule_id}]{_close(name, valid)}",
                ("rules", rule_id, name),
                hint=f"{rule_id} takes: " + ", ".join(valid),
            )
        check, expected = spec
        if not check(value):
            raise where.error(
                f"[lint.rules.{rule_id}] {name} must be {expected.split(', e.g.')[0]}, "
                f"not {_kind(value)}",
                ("rules", rule_id, name),
                hint=f"write {expected.split('e.g. ', 1)[-1]}",
            )
        options[name] = value
    return options


def _kind(value: Any) -> str:
    """How a TOML value is described in an error: its type and (short) value."""
    names = {bool: "a boolean", int: "an integer", float: "a float", str: "a string"}
    for python_type, name in names.items():
        if type(value) is python_type:
            text = repr(value)
            return f"{name} ({text if len(text) <= 40 else text[:37] + '...'})"
    if isinstance(value, list):
        return "a list holding a non-string" if value else "an empty list"
    if isinstance(value, Mapping):
        return "a table"
    return f"a {type(value).__name__}"


def _close(name: str, choices: Any) -> str:
    close = close_matches(name, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
