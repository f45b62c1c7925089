"""A fast structural check of JSON Schema documents (Draft 7 / 2020-12 keywords).

``jsonschema``'s metaschema validation costs a quarter of a second just to
import, which would dominate ``tasker-ctl validate`` on one file. The mistakes
found in task templates are structural (``type: obj``, ``required: true``,
``properties`` given as a list, a misspelt keyword, a regex that does not
compile), so this module checks keyword value types directly, recursing into
sub-schemas, and yields ``(json_pointer_suffix, message)`` pairs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tasker_ctl.suggest import close_matches
from tasker_ctl.validation.serde import escape_pointer

TYPES = ("array", "boolean", "integer", "null", "number", "object", "string")
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_VALUES = (
    "additionalProperties",
    "additionalItems",
    "contains",
    "not",
    "if",
    "then",
    "else",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
)
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_COUNTS = (
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "minContains",
    "maxContains",
)
_NUMBERS = ("minimum", "maximum", "multipleOf")
_STRINGS = ("title", "description", "format", "$ref", "$id", "$schema", "$comment", "$anchor")
KNOWN = frozenset(
    {
        "type",
        "items",
        "required",
        "enum",
        "const",
        "pattern",
        "uniqueItems",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "default",
        "examples",
        "readOnly",
        "writeOnly",
        "deprecated",
        "dependencies",
        "dependentRequired",
        "contentEncoding",
        "contentMediaType",
        "$dynamicRef",
        "$dynamicAnchor",
        "$vocabulary",
        "nullable",
        *_SCHEMA_MAPS,
        *_SCHEMA_VALUES,
        *_SCHEMA_LISTS,
        *_COUNTS,
        *_NUMBERS,
        *_STRINGS,
    }
)
MAX_DEPTH = 64


def schema_problems(schema: Any, pointer: str = "", depth: int = 0) -> Iterator[tuple[str, str]]:
    """Yield ``(pointer, message)`` for every structural problem in ``schema``."""
    if isinstance(schema, bool):
        return
    if not isinstance(schema, dict):
        yield pointer, f"a schema must be a mapping (or true/false), got {_kind(schema)}"
        return
    if depth > MAX_DEPTH:
        return
    for key, value in schema.items():
        at = f"{pointer}/{escape_pointer(key)}"
        yield from _keyword(key, value, at, depth)


def _keyword(key: str, value: Any, at: str, depth: int) -> Iterator[tuple[str, str]]:
    if key == "type":
        yield from _check_type(value, at)
    elif key in _SCHEMA_MAPS:
        if not isinstance(value, dict):
            yield at, f"`{key}` must map names to schemas, got {_kind(value)}"
        else:
            for name, sub in value.items():
                yield from schema_problems(sub, f"{at}/{escape_pointer(name)}", depth + 1)
    elif key in _SCHEMA_VALUES:
        yield from schema_problems(value, at, depth + 1)
    elif key in _SCHEMA_LISTS:
        if not isinstance(value, list) or not value:
            yield at, f"`{key}` must be a non-empty list of schemas, got {_kind(value)}"
        else:
            for index, sub in enumerate(value):
                yield from schema_problems(sub, f"{at}/{index}", depth + 1)
    elif key == "items":
        if isinstance(value, list):
            for index, sub in enumerate(value):
                yield from schema_problems(sub, f"{at}/{index}", depth + 1)
        else:
            yield from schema_problems(value, at, depth + 1)
    elif key == "required":
        if isinstance(value, bool):
            yield at, "`required` is a list of property names, not a boolean"
        elif not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            yield at, f"`required` must be a list of property names, got {_kind(value)}"
    elif key == "enum" and not isinstance(value, list):
        yield at, f"`enum` must be a list, got {_kind(value)}"
    elif key in _COUNTS and not (_is_int(value) and value >= 0):
        yield at, f"`{key}` must be a non-negative integer, got {value!r}"
    elif (key in _NUMBERS and not _is_number(value)) or (
        key in ("exclusiveMinimum", "exclusiveMaximum")
        and not (_is_number(value) or isinstance(value, bool))
    ):
        yield at, f"`{key}` must be a number, got {value!r}"
    elif key in _STRINGS and not isinstance(value, str):
        yield at, f"`{key}` must be a string, got {_kind(value)}"
    elif key == "pattern":
        yield from _check_pattern(value, at)
    elif key == "uniqueItems" and not isinstance(value, bool):
        yield at, f"`uniqueItems` must be true or false, got {value!r}"
    elif key not in KNOWN and not key.startswith("x-"):
        close = close_matches(key, sorted(KNOWN), n=1, cutoff=0.8)
        if close:
            yield at, f"unknown keyword `{key}` (did you mean `{close[0]}`?) is ignored"


def _check_type(value: Any, at: str) -> Iterator[tuple[str, str]]:
    names = value if isinstance(value, list) else [value]
    if isinstance(value, list) and not value:
        yield at, "`type` must not be an empty list"
    for name in names:
        if name not in TYPES:
            close = close_matches(str(name), TYPES, n=1)
            extra = f" (did you mean `{close[0]}`?)" if close else ""
            yield at, f"`type` {name!r} is not a JSON Schema type{extra}"


def _check_pattern(value: Any, at: str) -> Iterator[tuple[str, str]]:
    if not isinstance(value, str):
        yield at, f"`pattern` must be a string, got {_kind(value)}"
        return
    try:
        re.compile(value)
    except re.error as exc:
        yield at, f"`pattern` is not a valid regular expression: {exc}"
    except OverflowError as exc:  # a{99999999999}
        yield at, f"`pattern` is not a usable regular expression: {exc}"
    except RecursionError:  # thousands of nested groups
        yield at, "`pattern` nests groups too deeply to be compiled"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "a list"
    return "a mapping"
