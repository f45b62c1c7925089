"""Schema-shaped sample data: one deterministic JSON value that a JSON Schema accepts.

Generated handlers return it as their placeholder result and generated tests
feed it to handlers as dependency results, so ``tasker-ctl run`` (which checks
results against ``result_schema``) and the pydantic models both accept it.

The value is built from the schema alone, the same way every time: every
declared property is present (required or not), arrays hold ``minItems`` items
(at least one), numbers honour ``minimum``/``maximum``/``multipleOf``, strings
honour ``minLength``/``maxLength`` and the common ``format`` values, ``enum``
and ``const`` give their first value, ``anyOf``/``oneOf`` their first
non-null option, ``allOf`` its branches merged, and local ``$ref`` is followed.
A ``pattern`` is solved from its parse tree (``re``'s own parser: literals,
classes, repeats, groups, alternation, back-references); a pattern it cannot
solve keeps the plain sample and :func:`sample` reports the schema path (the
caller warns).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Sample", "sample"]

_FORMATS = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "12:00:00Z",
    "duration": "P1D",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uri": "https://example.com/",
    "iri": "https://example.com/",
    "uri-reference": "https://example.com/",
    "iri-reference": "https://example.com/",
    "url": "https://example.com/",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "regex": ".*",
    "json-pointer": "/example",
}
_MAX_DEPTH = 12
_MAX_ITEMS = 1_000
"""Array items and added properties in one sample: a larger ``minItems`` is reported, not built."""
_MAX_TEXT = 100_000
"""Characters of all strings in one sample (a pattern's solution counts alone, up to this)."""


@dataclass
class Sample:
    """The sample value and the schema paths whose constraints it may not meet."""

    value: Any
    unmet: list[str] = field(default_factory=list)


def sample(schema: Any) -> Sample:
    """A JSON value ``schema`` accepts (see the module docstring for how it is chosen)."""
    builder = _Sampler(schema)
    value = builder.value(schema, "$", 0)
    # the items of one array share a schema: $[0].code and $[1].code are one finding
    unmet = {re.sub(r"\[\d+\]", "[]", entry): entry for entry in reversed(builder.unmet)}
    return Sample(value, list(reversed(unmet.values())))


class _Sampler:
    def __init__(self, root: Any) -> None:
        self.root = root
        self.unmet: list[str] = []
        self.items_left = _MAX_ITEMS
        self.text_left = _MAX_TEXT
        self.cut: set[str] = set()

    def _items(self, wanted: int, path: str, keyword: str) -> int:
        """How many of ``wanted`` items the sample's budget allows (at least one)."""
        allowed = min(wanted, max(self.items_left, 1))
        self.items_left -= allowed
        if allowed < wanted:
            self._cut_short(path, keyword)
        return allowed

    def _cut_short(self, path: str, keyword: str) -> None:
        """Report the first value cut short for ``keyword`` (the others follow from it)."""
        if keyword not in self.cut:
            self.cut.add(keyword)
            self.unmet.append(f"{path} ({keyword})")

    def value(self, schema: Any, path: str, depth: int) -> Any:
        if schema is True or schema is None:
            return "example"
        if not isinstance(schema, Mapping):
            self.unmet.append(path)
            return None
        if depth > _MAX_DEPTH:
            self.unmet.append(path)
            return None
        ref = schema.get("$ref")
        if isinstance(ref, str):
            target = self._resolve(ref)
            if target is None:
                self.unmet.append(path)
                return None
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            return self.value({**target, **rest} if rest else target, path, depth + 1)
        if "const" in schema:
            return schema["const"]
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            non_null = [v for v in enum if v is not None]
            return non_null[0] if non_null else enum[0]
        all_of = schema.get("allOf")
        if isinstance(all_of, list) and all_of:
            return self.value(_merge(schema, all_of, self._resolve), path, depth + 1)
        for key in ("anyOf", "oneOf"):
            options = schema.get(key)
            if isinstance(options, list) and options:
                chosen = next((o for o in options if not _is_null(o)), options[0])
                base = {k: v for k, v in schema.items() if k != key}
                merged = {**base, **chosen} if isinstance(chosen, Mapping) else chosen
                return self.value(merged, f"{path}.{key}[{options.index(chosen)}]", depth + 1)
        kind = _kind(schema)
        if kind == "object":
            return self._object(schema, path, depth)
        if kind == "array":
            return self._array(schema, path, depth)
        if kind == "string":
            return self._string(schema, path)
        if kind == "integer":
            return int(self._number(schema, integer=True))
        if kind == "number":
            return float(self._number(schema, integer=False))
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        return "example"

    def _resolve(self, ref: str) -> Any:
        if not ref.startswith("#"):
            return None
        node: Any = self.root
        for raw in ref[1:].split("/")[1:]:
            part = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, Mapping) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        return node

    def _object(self, schema: Mapping[str, Any], path: str, depth: int) -> dict[str, Any]:
        properties = schema.get("properties")
        properties = properties if isinstance(properties, Mapping) else {}
        out: dict[str, Any] = {}
        for name, sub in properties.items():
            out[str(name)] = self.value(sub, f"{path}.{name}", depth + 1)
        required = schema.get("required")
        for name in required if isinstance(required, list) else []:
            if isinstance(name, str) and name not in out:
                extra = schema.get("additionalProperties")
                sub = extra if isinstance(extra, Mapping) else True
                out[name] = self.value(sub, f"{path}.{name}", depth + 1)
        minimum = schema.get("minProperties")
        extra = schema.get("additionalProperties", True)
        index = 1
        if isinstance(minimum, int) and len(out) < minimum and extra is not False:
            minimum = len(out) + self._items(minimum - len(out), path, "minProperties")
        while isinstance(minimum, int) and len(out) < minimum and extra is not False:
            key = f"key{index}"
            index += 1
            if key not in out:
                out[key] = self.value(extra if isinstance(extra, Mapping) else True, path, depth)
        return out

    def _array(self, schema: Mapping[str, Any], path: str, depth: int) -> list[Any]:
        prefix = schema.get("prefixItems")
        if isinstance(prefix, list):
            return [self.value(s, f"{path}[{i}]", depth + 1) for i, s in enumerate(prefix)]
        items = schema.get("items", True)
        if isinstance(items, list):
            return [self.value(s, f"{path}[{i}]", depth + 1) for i, s in enumerate(items)]
        low = schema.get("minItems")
        high = schema.get("maxItems")
        count = max(low if isinstance(low, int) else 0, 1)
        if isinstance(high, int):
            count = min(count, high)
        if items is False:
            return []
        if count > 1:
            count = self._items(count, path, "minItems")
        values = [self.value(items, f"{path}[{i}]", depth + 1) for i in range(count)]
        if schema.get("uniqueItems") is True and count > 1:
            values = [_distinct(v, i) for i, v in enumerate(values)]
        return values

    def _string(self, schema: Mapping[str, Any], path: str) -> str:
        fmt = schema.get("format")
        text = _FORMATS.get(fmt, "example") if isinstance(fmt, str) else "example"
        low = schema.get("minLength")
        high = schema.get("maxLength")
        if isinstance(low, int) and len(text) < low:
            wanted = low - len(text)
            padding = min(wanted, max(self.text_left, 0))
            self.text_left -= padding
            text += "x" * padding
            if padding < wanted:
                self._cut_short(path, "minLength")
        if isinstance(high, int) and high >= 0 and len(text) > high:
            text = text[:high]
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and not _matches(pattern, text):
            solved = _from_pattern(pattern)
            if solved is not None and isinstance(low, int) and len(solved) < low:
                padded = solved + solved[-1:] * (low - len(solved)) if low <= _MAX_TEXT else ""
                solved = padded if padded and _matches(pattern, padded) else None
            fits = solved is not None and (not isinstance(high, int) or len(solved) <= high)
            if solved is not None and fits and len(solved) > self.text_left:
                self._cut_short(path, "pattern")
                return text
            if solved is not None and fits and _matches(pattern, solved):
                self.text_left -= len(solved)
                return solved
            self.unmet.append(f"{path} (pattern)")
        return text

    def _number(self, schema: Mapping[str, Any], *, integer: bool) -> float:
        value: float = 1
        minimum = _num(schema.get("minimum"))
        low = _num(schema.get("exclusiveMinimum"))
        maximum = _num(schema.get("maximum"))
        high = _num(schema.get("exclusiveMaximum"))
        if minimum is not None:
            value = max(value, minimum)
        if low is not None and value <= low:
            value = math.floor(low) + 1 if integer else low + 1
        if maximum is not None:
            value = min(value, maximum)
        if high is not None and value >= high:
            value = math.ceil(high) - 1 if integer else (high + (low or minimum or high - 1)) / 2
        step = _num(schema.get("multipleOf"))
        if step and step > 0 and math.isfinite(value / step):
            value = math.ceil(value / step) * step
        if integer:
            value = math.ceil(value)
        return value


def _matches(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except (re.error, OverflowError, RecursionError):  # a{99999999999} overflows
        return False


@functools.lru_cache(maxsize=64)  # one schema often repeats a pattern (every item of an array)
def _from_pattern(pattern: str) -> str | None:
    """A short string that ``pattern`` matches, built from its parse tree.

    Each alternation takes its first branch and each repeat its minimum count (at
    least one); None for what this does not handle (lookarounds, conditionals...).
    """
    try:
        from re import _parser  # type: ignore[attr-defined]

        tree = _parser.parse(pattern)
        return _emit(list(tree), {})
    except Exception:  # any pattern we cannot walk is simply left unsolved
        return None


def _emit(items: list[Any], groups: dict[int, str]) -> str:
    from re import _constants as c  # type: ignore[attr-defined]

    out = ""
    for op, arg in items:
        if op is c.LITERAL:
            out += chr(arg)
        elif op is c.NOT_LITERAL:
            out += "a" if chr(arg) != "a" else "b"
        elif op is c.ANY:
            out += "a"
        elif op is c.IN:
            out += _char_in(arg)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            low, high, sub = arg
            count = max(low, 1) if high != 0 else 0
            for _ in range(min(count, high)):
                out += _emit(list(sub), groups)
                if len(out) > _MAX_TEXT:  # ((a{1000}){1000}){1000} is a gigabyte
                    raise ValueError("the shortest match is too long for a sample")
        elif op is c.SUBPATTERN:
            group, _, _, sub = arg
            text = _emit(list(sub), groups)
            if group is not None:
                groups[group] = text
            out += text
        elif op is c.BRANCH:
            out += _emit(list(arg[1][0]), groups)
        elif op is c.GROUPREF:
            out += groups.get(arg, "")
        elif op is c.AT:
            continue
        else:
            raise ValueError(f"unsupported pattern element {op}")
    return out


def _char_in(items: list[Any]) -> str:
    from re import _constants as c  # type: ignore[attr-defined]

    negate = any(op is c.NEGATE for op, _ in items)
    if negate:
        excluded = {chr(a) for op, a in items if op is c.LITERAL}
        return next(ch for ch in "axyz0_" if ch not in excluded)
    for op, arg in items:
        if op is c.LITERAL:
            return str(chr(arg))
        if op is c.RANGE:
            return str(chr(arg[0]))
        if op is c.CATEGORY:
            name = str(arg)
            return (
                "0"
                if "DIGIT" in name and "NOT" not in name
                else " "
                if ("SPACE" in name and "NOT" not in name)
                else "a"
            )
    raise ValueError("empty character class")


def _num(value: Any) -> float | None:
    """A numeric bound; ``.inf`` and ``.nan`` bound nothing a sample can reach."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if math.isfinite(value) else None


def _kind(schema: Mapping[str, Any]) -> str | None:
    declared = schema.get("type")
    if isinstance(declared, list):
        declared = next((t for t in declared if t != "null"), declared[0] if declared else None)
    if isinstance(declared, str):
        return declared
    if "properties" in schema or "required" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    if any(k in schema for k in ("minLength", "maxLength", "pattern", "format")):
        return "string"
    if any(k in schema for k in ("minimum", "maximum", "multipleOf")):
        return "number"
    return None


def _is_null(schema: Any) -> bool:
    return isinstance(schema, Mapping) and (
        schema.get("type") == "null" or ("const" in schema and schema["const"] is None)
    )


def _merge(schema: Mapping[str, Any], branches: list[Any], resolve: Any) -> dict[str, Any]:
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    properties: dict[str, Any] = dict(merged.get("properties") or {})
    required: list[Any] = list(merged.get("required") or [])
    for branch in branches:
        if isinstance(branch, Mapping) and isinstance(branch.get("$ref"), str):
            branch = resolve(branch["$ref"]) or {}
        if not isinstance(branch, Mapping):
            continue
        for key, value in branch.items():
            if key == "properties" and isinstance(value, Mapping):
                properties.update(value)
            elif key == "required" and isinstance(value, list):
                required += [n for n in value if n not in required]
            else:
                merged.setdefault(key, value)
    if properties:
        merged["properties"] = properties
    if required:
        merged["required"] = required
    return merged


def _distinct(value: Any, index: int) -> Any:
    if index == 0:
        return value
    if isinstance(value, bool):
        return value if index == 0 else not value
    if isinstance(value, int | float):
        return value + index
    if isinstance(value, str):
        return f"{value}{index}"
    return value
