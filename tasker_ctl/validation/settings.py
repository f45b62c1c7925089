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

An unknown rule ID, an unknown level or an unknown key is a configuration error
(exit 2) that suggests the closest valid name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tasker_ctl.errors import ConfigError
from tasker_ctl.suggest import close_matches
from tasker_ctl.validation.diagnostic import Severity

LEVELS = ("off", "error", "warning", "info")
LINT_KEYS = ("rules", "language")


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
    """Validate the ``[lint]`` table; raise :class:`ConfigError` on anything unknown."""
    for key in raw:
        if key not in LINT_KEYS:
            raise ConfigError(
                f"unknown key '{key}' in [lint]{_close(key, LINT_KEYS)}",
                hint="valid keys: " + ", ".join(LINT_KEYS),
            )
    language = raw.get("language")
    if language is not None and not isinstance(language, str):
        raise ConfigError('[lint] language must be a string such as "python"')
    rules = raw.get("rules", {})
    if not isinstance(rules, Mapping):
        raise ConfigError('[lint.rules] must be a table of RULE_ID = "level"')
    levels: dict[str, Severity | None] = {}
    options: dict[str, Mapping[str, Any]] = {}
    for rule_id, value in rules.items():
        if rule_id not in known_rules:
            raise ConfigError(
                f"unknown rule '{rule_id}' in [lint.rules]{_close(rule_id, known_rules)}",
                hint="`tasker-ctl validate --list-rules` lists the rule IDs",
            )
        level = value
        if isinstance(value, Mapping):
            level = value.get("level")
            options[rule_id] = {k: v for k, v in value.items() if k != "level"}
        if level is None and isinstance(value, Mapping):
            continue
        if not isinstance(level, str) or level.lower() not in LEVELS:
            raise ConfigError(
                f"[lint.rules] {rule_id} = {level!r} is not a level",
                hint="use one of: " + ", ".join(f'"{x}"' for x in LEVELS),
            )
        lowered = level.lower()
        levels[rule_id] = None if lowered == "off" else Severity(lowered)
    return RuleSettings(levels, options, language)


def _close(name: str, choices: Any) -> str:
    close = close_matches(name, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
