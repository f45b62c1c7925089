"""Checking an invocation's ``config`` against its capability's ``config_schema``.

The catalogue's schemas use three keywords only (``type``, ``required``,
``properties``), so this module interprets exactly those instead of importing
``jsonschema`` (about 70 ms, paid by every ``validate`` that meets a
composition). ``tests/validation/test_composition_units.py`` holds its verdicts
equal to ``jsonschema``'s on generated configs, and fails if the catalogue ever
uses another keyword.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

SUPPORTED_KEYWORDS = frozenset({"type", "required", "properties"})


@dataclass(frozen=True)
class ConfigProblem:
    """One way a config breaks its schema."""

    path: tuple[str, ...]
    """Where, as keys from ``config`` down (empty: ``config`` itself)."""
    message: str
    missing: str | None = None
    """The required key that is absent (then ``path`` is the mapping that lacks it)."""


def json_type(value: Any) -> str:
    """The JSON type name of a value read from YAML."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _is_type(value: Any, name: str) -> bool:
    actual = json_type(value)
    if name == "number":
        return actual in ("integer", "number")
    if name == "integer":
        return actual == "integer" or (actual == "number" and float(value).is_integer())
    return actual == name


def config_problems(
    config: Any, schema: dict[str, Any], path: tuple[str, ...] = ()
) -> Iterator[ConfigProblem]:
    """Every violation of ``schema`` by ``config`` (the keywords above; others are refused)."""
    unknown = set(schema) - SUPPORTED_KEYWORDS
    if unknown:  # pragma: no cover - guarded by a test over the catalogue
        raise ValueError(f"unsupported config_schema keyword(s): {sorted(unknown)}")
    expected = schema.get("type")
    if expected is not None:
        names = [expected] if isinstance(expected, str) else list(expected)
        if not any(_is_type(config, name) for name in names):
            yield ConfigProblem(
                path, f"is {_describe(config)}, expected {' or '.join(_an(n) for n in names)}"
            )
            return
    if not isinstance(config, dict):
        return
    for key in schema.get("required", ()):
        if key not in config:
            yield ConfigProblem(path, f"lacks the required key `{key}`", missing=key)
    for key, sub in schema.get("properties", {}).items():
        if key in config:
            yield from config_problems(config[key], sub, (*path, key))


def _an(type_name: str) -> str:
    article = "an" if type_name[0] in "aeiou" else "a"
    return f"{article} {type_name}"


def _describe(value: Any) -> str:
    kind = json_type(value)
    if kind in ("object", "array", "null"):
        return "null" if kind == "null" else _an(kind if kind == "array" else "mapping")
    text = repr(value) if kind == "string" else str(value).lower()
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{_an(kind)} ({text})"
