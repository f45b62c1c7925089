"""Reading the node tree exactly as serde_yaml 0.9 reads it into the Rust structs.

:func:`read_template` walks the tree against :data:`serde_spec.STRUCTS` and
returns the value the real system would build (plain dicts and lists with the
canonical field names) together with every finding on the way: missing fields,
type errors (YAML 1.2 scalars, strict integers and booleans), unknown enum
variants, duplicate keys, unknown keys, merge keys and ignored ``retry.limit``.
It never stops at the first problem: a value that does not read is left out of
the result, so the semantic rules can still run on the rest.

serde behaviour reproduced here (see the spec, section 1.1): a ``String`` field
takes the raw text of any plain scalar (``version: 1.0`` is ``"1.0"``); an
``Option`` is ``None`` for ``~``/``null``/empty; lists, maps and structs read an
empty plain value as empty, but ``null`` is an error for them; integers accept
decimal, ``0x``/``0o``/``0b`` and a leading ``+`` only (no ``1_000``, no
``30.0``, no quotes, no leading zeros); booleans are ``true``/``True``/``TRUE``
and the ``false`` forms only; ``<<`` is an ordinary (unknown) key.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tasker_ctl.suggest import close_matches
from tasker_ctl.validation.scalars import (
    FALSE_WORDS,
    I64_MIN,
    TRUE_WORDS,
    U64_MAX,
    core_scalar,
    is_integer_literal,
    parse_int,
)
from tasker_ctl.validation.serde_spec import (
    KEY_HINTS,
    PLACES,
    SCALAR_HINTS,
    STRUCTS,
    VARIANT_HINTS,
    Field,
    Kind,
)
from tasker_ctl.validation.yaml_nodes import Mapping, Node, Scalar, Sequence

_CORE_TAG = "tag:yaml.org,2002:"
STR_TAGS = frozenset({_CORE_TAG + "str", "!!str"})
_INT_RANGES = {"u32": (0, 2**32 - 1), "u64": (0, 2**64 - 1), "i32": (-(2**31), 2**31 - 1)}
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem found while reading, before severities are applied."""

    rule_id: str
    message: str
    pointer: str
    line: int
    column: int
    hint: str | None = None
    path: Path | None = None
    """Set when the finding is in another file (e.g. a handler that fails to import)."""


@dataclass
class ReadResult:
    """What serde would build, the findings, and where every value is."""

    data: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)
    locations: dict[str, tuple[int, int]] = field(default_factory=dict)
    """JSON pointer (canonical field names) -> (line, column) of the value."""
    key_locations: dict[str, tuple[int, int]] = field(default_factory=dict)
    """JSON pointer -> (line, column) of the key that holds the value."""
    written: dict[str, str] = field(default_factory=dict)
    """Canonical pointer -> pointer as written, where an alias key was used."""


def escape_pointer(token: str) -> str:
    """Escape one JSON-pointer reference token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def read_template(root: Mapping) -> ReadResult:
    """Read the root mapping as a ``TaskTemplate``."""
    reader = _Reader()
    data = reader.read_struct(root, "TaskTemplate", "")
    result = reader.result
    result.data = data if isinstance(data, dict) else {}
    return result


_UNREAD_ANYWAY = frozenset(
    {("RetryConfiguration", "initial_delay"), ("RetryConfiguration", "max_delay")}
)
"""Old spellings of per-step backoff times, which production reads under no spelling."""


@functools.cache
def _fields_by_key(name: str) -> dict[str, Field]:
    """The fields of struct ``name`` by every key that spells them (names and aliases)."""
    by_key: dict[str, Field] = {}
    for f in STRUCTS[name].values():
        by_key[f.name] = f
        for alias in f.aliases:
            by_key[alias] = f
    return by_key


class _Reader:
    def __init__(self) -> None:
        self.result = ReadResult({})

    def report(
        self, rule_id: str, message: str, pointer: str, node: Node, hint: str | None = None
    ) -> None:
        self.result.findings.append(
            Finding(rule_id, message, pointer, node.line, node.column, hint)
        )

    # -- structs -------------------------------------------------------------
    def read_struct(self, node: Node, name: str, pointer: str) -> dict[str, Any] | None:
        fields = STRUCTS[name]
        if isinstance(node, Scalar) and node.plain and node.value == "" and node.tag is None:
            node = Mapping(node.line, node.column, None)
        if not isinstance(node, Mapping):
            self._type_error(node, "a mapping", pointer, SCALAR_HINTS.get(name))
            return None
        by_key = _fields_by_key(name)
        out: dict[str, Any] = {}
        seen: dict[str, str] = {}
        for key_node, value_node in node.pairs:
            if not isinstance(key_node, Scalar):
                self._type_error(key_node, "a string key", pointer)
                continue
            key = key_node.value
            spec = by_key.get(key)
            if spec is None:
                self._unknown_key(name, key, key_node, value_node, pointer, fields)
                continue
            child = f"{pointer}/{spec.name}"
            if spec.name in seen:
                first = seen[spec.name]
                same = first == key
                message = (
                    f"duplicate field `{key}`"
                    if same
                    else f"`{key}` and `{first}` are the same field (`{first}` is an alias)"
                )
                self.report(
                    "DUPLICATE_FIELD",
                    message + "; the real loader rejects the file",
                    child,
                    key_node,
                    hint="keep one of them",
                )
                continue
            seen[spec.name] = key
            if key != spec.name:
                self.result.written[child] = f"{pointer}/{escape_pointer(key)}"
            self.result.key_locations[child] = (key_node.line, key_node.column)
            value = self.read(value_node, spec.kind, child)
            if value is not _INVALID:
                out[spec.name] = value
        at = self.result.key_locations.get(pointer, (node.line, node.column))
        for spec in fields.values():
            if spec.required and spec.name not in seen:
                self.result.findings.append(
                    Finding(
                        "MISSING_FIELD",
                        f"missing field `{spec.name}`" + _where(name),
                        pointer,
                        at[0],
                        at[1],
                        f"add `{spec.name}:`; the real loader rejects the file without it",
                    )
                )
        return out

    def _unknown_key(
        self,
        struct_name: str,
        key: str,
        key_node: Scalar,
        value_node: Node,
        pointer: str,
        fields: dict[str, Field],
    ) -> None:
        child = f"{pointer}/{escape_pointer(key)}"
        self.result.key_locations[child] = (key_node.line, key_node.column)
        if key == "<<" and key_node.plain:
            self.report(
                "MERGE_KEY_IGNORED",
                "`<<` merge keys are not applied by the real loader (serde_yaml 0.9): "
                "the merged keys are lost",
                child,
                key_node,
                hint="write the keys out in full instead of merging an anchor",
            )
            return
        if struct_name == "RetryConfiguration" and key == "limit":
            self.report(
                "RETRY_LIMIT_IGNORED",
                _limit_message(value_node),
                child,
                key_node,
                hint="rename `limit` to `max_attempts` (total attempts, first included)",
            )
            return
        if struct_name == "TemplateMetadata" or (struct_name, key) in _UNREAD_ANYWAY:
            return  # documentation only: production would behave the same with the key removed
        hint = KEY_HINTS.get((struct_name, key))
        if hint is None and key.startswith(":"):
            hint = f"Ruby-symbol key: write `{key.lstrip(':')}`, the real loader reads plain keys"
        if hint is None:
            names = sorted({n for f in fields.values() for n in (f.name, *f.aliases)})
            close = close_matches(key, names, n=1, cutoff=0.6)
            if close:
                hint = f"did you mean `{close[0]}`?"
        where = _where(struct_name)
        self.report(
            "UNKNOWN_KEY",
            f"unknown key `{key}`{where} is ignored by the real loader",
            child,
            key_node,
            hint=hint,
        )

    # -- values --------------------------------------------------------------
    def read(self, node: Node, kind: Kind, pointer: str) -> Any:
        self.result.locations[pointer] = (node.line, node.column)
        if kind.optional and isinstance(node, Scalar) and node.is_null:
            return None
        if node.tag is not None and not (isinstance(node, Scalar) and node.tag in STR_TAGS):
            self.report(
                "UNSUPPORTED_TAG",
                f"YAML tag `{node.tag.replace(_CORE_TAG, '!!')}` is not supported here: "
                "serde_yaml reads a tagged value as an enum variant and rejects the file",
                pointer,
                node,
                hint="remove the tag",
            )
            return _INVALID
        name = kind.name
        if name == "struct":
            assert kind.struct is not None
            result = self.read_struct(node, kind.struct, pointer)
            return _INVALID if result is None else result
        if name in ("vec", "map"):
            return self._read_collection(node, kind, pointer)
        if name == "value":
            return self._read_value(node, pointer)
        if not isinstance(node, Scalar):
            self._type_error(node, kind.describe(), pointer)
            return _INVALID
        if name == "str":
            return node.value
        if name == "enum":
            if node.value in kind.variants:
                return node.value
            variants = ", ".join(f"`{v}`" for v in kind.variants)
            close = VARIANT_HINTS.get(node.value) or close_matches(node.value, kind.variants, n=1)
            self.report(
                "UNKNOWN_VARIANT",
                f"unknown variant `{node.value}`, expected one of {variants}",
                pointer,
                node,
                hint=f"did you mean `{close[0]}`?" if close else None,
            )
            return _INVALID
        if name in _INT_RANGES:
            return self._read_int(node, name, pointer)
        if name == "bool":
            if node.plain and node.value in TRUE_WORDS:
                return True
            if node.plain and node.value in FALSE_WORDS:
                return False
            self._type_error(node, kind.describe(), pointer)
            return _INVALID
        if name == "datetime":
            if _DATETIME.match(node.value):
                return node.value
            self._type_error(node, kind.describe(), pointer)
            return _INVALID
        raise AssertionError(f"unknown kind {name}")  # pragma: no cover

    def _read_collection(self, node: Node, kind: Kind, pointer: str) -> Any:
        assert kind.item is not None
        if isinstance(node, Scalar) and node.plain and node.value == "":
            return [] if kind.name == "vec" else {}
        if kind.name == "vec":
            if not isinstance(node, Sequence):
                self._type_error(node, "a list", pointer)
                return _INVALID
            items = []
            for index, item in enumerate(node.items):
                value = self.read(item, kind.item, f"{pointer}/{index}")
                if value is not _INVALID:
                    items.append(value)
            return items
        if not isinstance(node, Mapping):
            self._type_error(node, "a mapping", pointer)
            return _INVALID
        item_kind = kind.item
        return self._read_map(node, pointer, lambda value, at: self.read(value, item_kind, at))

    def _read_map(
        self, node: Mapping, pointer: str, read_one: Callable[[Node, str], Any]
    ) -> dict[str, Any]:
        """A free map (string keys; the last of two equal keys wins, and is reported)."""
        out: dict[str, Any] = {}
        for key_node, value_node in node.pairs:
            if not isinstance(key_node, Scalar):
                self._type_error(key_node, "a string key", pointer)
                continue
            key = key_node.value
            child = f"{pointer}/{escape_pointer(key)}"
            if key in out:
                self.report(
                    "DUPLICATE_MAP_KEY",
                    f"key `{key}` appears twice; the real loader keeps only the last value",
                    child,
                    key_node,
                    hint="remove one of the two entries",
                )
            self.result.key_locations[child] = (key_node.line, key_node.column)
            value = read_one(value_node, child)
            if value is not _INVALID:
                out[key] = value
        return out

    def _read_value(self, node: Node, pointer: str) -> Any:
        self.result.locations[pointer] = (node.line, node.column)
        if isinstance(node, Scalar):
            if node.tag is not None:
                return node.value
            value = core_scalar(node)
            if is_integer_literal(node) and not (
                isinstance(value, int) and I64_MIN <= value <= U64_MAX
            ):
                return self._big_integer(node, value, pointer)
            return value
        if isinstance(node, Sequence):
            return [self._read_value(item, f"{pointer}/{i}") for i, item in enumerate(node.items)]
        assert isinstance(node, Mapping)
        return self._read_map(node, pointer, self._read_value)

    def _big_integer(self, node: Scalar, value: Any, pointer: str) -> Any:
        """A JSON-value integer beyond 64 bits, read as serde_yaml 0.9 + serde_json do."""
        shown = clip(node.value)
        if isinstance(value, int):  # 65 to 128 bits: serde_json has no such number
            self.report(
                "INVALID_TYPE",
                f"invalid value: the integer {shown} does not fit 64 bits; serde_yaml 0.9 "
                "reads it as a 128-bit integer, which serde_json::Value refuses "
                '("JSON number out of range"): the real loader rejects the file',
                pointer,
                node,
                hint="quote it to keep it as a string, or use a number between "
                "-9223372036854775808 and 18446744073709551615",
            )
            return _INVALID
        if isinstance(value, float):
            became = f"the float {value!r} (precision is lost)"
        else:
            became = "a string (it is beyond the f64 range too): handlers get text, not a number"
        self.report(
            "VALUE_OUT_OF_RANGE",
            f"the integer {shown} does not fit 128 bits: serde_yaml 0.9 reads it as {became}",
            pointer,
            node,
            hint="quote it if it is meant as text, or use a number of at most 64 bits",
        )
        return value

    def _read_int(self, node: Scalar, name: str, pointer: str) -> Any:
        value = parse_int(node) if node.plain else None
        low, high = _INT_RANGES[name]
        if value is None and is_integer_literal(node):
            became = "a float" if isinstance(core_scalar(node), float) else "a string"
            self.report(
                "INVALID_TYPE",
                f"invalid type: {clip(node.value)} is not {_DESCRIPTIONS_INT[name]}: "
                f"beyond 128 bits serde_yaml 0.9 reads it as {became}",
                pointer,
                node,
                hint="write a plain whole number such as 3",
            )
            return _INVALID
        if value is None:
            shown = f'"{clip(node.value)}"' if not node.plain else clip(node.value)
            shown = shown or "an empty value"
            self.report(
                "INVALID_TYPE",
                f"invalid type: {shown} is not {_DESCRIPTIONS_INT[name]}",
                pointer,
                node,
                hint="write a plain whole number such as 3 (no quotes, sign, decimals or "
                "underscores)",
            )
            return _INVALID
        if not low <= value <= high:
            self.report(
                "INVALID_TYPE",
                f"invalid value: {clip(node.value)} does not fit {_DESCRIPTIONS_INT[name]}",
                pointer,
                node,
            )
            return _INVALID
        return value

    def _type_error(self, node: Node, expected: str, pointer: str, hint: str | None = None) -> None:
        if isinstance(node, Scalar):
            got = "null" if node.is_null and node.value else _scalar_kind(node)
        else:
            got = "a mapping" if isinstance(node, Mapping) else "a list"
        self.report(
            "INVALID_TYPE",
            f"invalid type: got {got}, expected {expected}",
            pointer,
            node,
            hint if isinstance(node, Scalar) else None,
        )


_INVALID: Any = object()
_DESCRIPTIONS_INT = {
    "u32": "an unsigned 32-bit integer",
    "u64": "an unsigned 64-bit integer",
    "i32": "a signed 32-bit integer",
}


def _where(struct_name: str) -> str:
    return PLACES.get(struct_name, "")


def _limit_message(value: Node) -> str:
    shown = f" ({value.value})" if isinstance(value, Scalar) and value.value else ""
    return (
        f"`retry.limit`{shown} is ignored: the real system reads only `max_attempts` "
        "(default 3 when it is absent)"
    )


def clip(text: str, limit: int = 40) -> str:
    """``text`` shortened for a message: a long number keeps its ends and its length."""
    if len(text) <= limit:
        return text
    half = (limit - 1) // 2
    return f"{text[:half]}…{text[-half:]} ({len(text)} characters)"


def _scalar_kind(node: Scalar) -> str:
    shown = clip(node.value)
    if not node.plain:
        return f'the string "{shown}"'
    value = core_scalar(node)
    if isinstance(value, bool):
        return f"the boolean {shown}"
    if isinstance(value, int | float) or is_integer_literal(node):
        return f"the number {shown}"
    return f"`{shown}`" if node.value else "an empty value"
