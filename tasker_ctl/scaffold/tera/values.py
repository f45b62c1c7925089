"""Tera's values (serde_json's) in Python: how they print, compare and encode.

A value is ``None`` (null), ``bool``, ``int`` (a 64-bit integer), ``float``
(finite), ``str``, ``list`` or ``dict``. Tera prints integers as they are,
floats the way Rust's ``Display`` does (``2.0`` -> ``2``, never an exponent),
booleans as ``true``/``false``, null as nothing, arrays as ``[a, b]`` and
objects as ``[object]``; JSON goes through serde_json's spelling (floats keep
``.0``, exponents look like ``1e21``). Objects are ordered by key, as serde_json's
map is without its ``preserve_order`` feature (which the real tool does not enable).
"""

from __future__ import annotations

import json
import math
import unicodedata
from decimal import Decimal
from typing import Any

from tasker_ctl.scaffold.tera.budget import MAX_TEXT
from tasker_ctl.scaffold.tera.errors import BudgetExceeded

Value = Any

I64_MIN, I64_MAX, U64_MAX = -(2**63), 2**63 - 1, 2**64 - 1


def is_int(value: Value) -> bool:
    """An integer (``bool`` is not one, unlike in Python)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Value) -> bool:
    """An integer or a float."""
    return is_int(value) or isinstance(value, float)


def is_i64(value: Value) -> bool:
    """An integer that fits Rust's i64."""
    return is_int(value) and I64_MIN <= value <= I64_MAX


def is_u64(value: Value) -> bool:
    """An integer that fits Rust's u64."""
    return is_int(value) and 0 <= value <= U64_MAX


def _digits(value: float) -> tuple[str, int]:
    """Shortest round-trip digits of ``abs(value)`` and the decimal exponent."""
    _, digits, exponent = Decimal(repr(abs(value))).as_tuple()
    text = "".join(map(str, digits)).lstrip("0") or "0"
    assert isinstance(exponent, int)
    exponent += len("".join(map(str, digits))) - len(text)
    stripped = text.rstrip("0") or "0"
    exponent += len(text) - len(stripped)
    return stripped, exponent


def format_float(value: float) -> str:
    """Rust's ``format!("{}", f64)``: positional, shortest, no trailing ``.0``."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    digits, exponent = _digits(value)
    if digits == "0":
        return sign + "0"
    if exponent >= 0:
        return sign + digits + "0" * exponent
    point = len(digits) + exponent
    if point > 0:
        return sign + digits[:point] + "." + digits[point:]
    return sign + "0." + "0" * -point + digits


def json_float(value: float) -> str:
    """serde_json's (ryu's) spelling of a finite float."""
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    digits, exponent = _digits(value)
    if digits == "0":
        return sign + "0.0"
    length = len(digits)
    point = length + exponent
    if exponent >= 0 and point <= 16:
        return sign + digits + "0" * exponent + ".0"
    if 0 < point <= 16:
        return sign + digits[:point] + "." + digits[point:]
    if -5 < point <= 0:
        return sign + "0." + "0" * -point + digits
    mantissa = digits if length == 1 else digits[0] + "." + digits[1:]
    return f"{sign}{mantissa}e{point - 1}"


def _check_printable(value: Value, as_json: bool) -> None:
    """Refuse to print an array or object whose text would pass :data:`MAX_TEXT`.

    A template can hold the same large string many times over in an array (each
    element is a reference), so printing it could build gigabytes before any
    size check saw the result. This counts a lower bound of the printed length
    (every character of every string, one per separator and scalar; ``{{ }}``
    prints an object as ``[object]``) and stops counting once past the limit.
    """
    if not isinstance(value, list | dict):
        return
    total, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, list):
            total += 1 + len(item)
            stack.extend(item)
        elif isinstance(item, dict) and as_json:
            total += 1 + 2 * len(item) + sum(len(key) for key in item)
            stack.extend(item.values())
        elif isinstance(item, dict):
            total += len("[object]")
        elif item is not None or as_json:  # {{ }} prints null as nothing
            total += 1
        if total > MAX_TEXT:
            raise BudgetExceeded(
                f"printing this {'array' if isinstance(value, list) else 'object'} would "
                f"produce more than {MAX_TEXT:,} characters; scaffold templates are not "
                "meant to produce that much"
            )


def render(value: Value) -> str:
    """How ``{{ value }}`` prints."""
    _check_printable(value, as_json=False)
    return _render(value)


def _render(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if is_int(value):
        return str(value)
    if isinstance(value, float):
        return format_float(value)
    if isinstance(value, list):
        return "[" + ", ".join(_render(item) for item in value) + "]"
    return "[object]"


def truthy(value: Value) -> bool:
    """Tera's truthiness: empty strings, arrays, objects, 0 and null are false."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value != 0.0 and not math.isnan(value)
    if is_int(value):
        return bool(value != 0)
    return len(value) > 0


def to_json(value: Value, pretty: bool = False) -> str:
    """serde_json's ``to_string`` / ``to_string_pretty``."""
    _check_printable(value, as_json=True)
    return _to_json(value, pretty, 0)


def _to_json(value: Value, pretty: bool, indent: int) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_int(value):
        return str(value)
    if isinstance(value, float):
        return json_float(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    pad = "  " * (indent + 1)
    end_pad = "  " * indent
    if isinstance(value, list):
        if not value:
            return "[]"
        items = [_to_json(item, pretty, indent + 1) for item in value]
        if pretty:
            return "[\n" + ",\n".join(pad + i for i in items) + "\n" + end_pad + "]"
        return "[" + ",".join(items) + "]"
    if not value:
        return "{}"
    sep = ": " if pretty else ":"
    entries = [
        json.dumps(k, ensure_ascii=False) + sep + _to_json(v, pretty, indent + 1)
        for k, v in sorted(value.items())
    ]
    if pretty:
        return "{\n" + ",\n".join(pad + e for e in entries) + "\n" + end_pad + "}"
    return "{" + ",".join(entries) + "}"


def value_eq(left: Value, right: Value) -> bool:
    """serde_json's equality: 1 and 1.0 differ, ``true`` is not 1."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if is_int(left) or is_int(right):
        return is_int(left) and is_int(right) and left == right
    if isinstance(left, float) or isinstance(right, float):
        return isinstance(left, float) and isinstance(right, float) and left == right
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(
            value_eq(a, b) for a, b in zip(left, right, strict=True)
        )
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(value_eq(left[k], right[k]) for k in left)
    return type(left) is type(right) and left == right


def kind(value: Value) -> str:
    """A value's type in Tera's words, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if is_number(value):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def graphemes(text: str) -> list[str]:
    """Split ``text`` into user-perceived characters (extended grapheme clusters).

    A close approximation of UAX #29 (what Rust's unicode-segmentation does):
    CR LF, a base followed by combining marks, variation selectors or zero-width
    joiner sequences, and regional-indicator pairs each stay together.
    """
    clusters: list[str] = []
    i = 0
    while i < len(text):
        j = i + 1
        if (text[i] == "\r" and text[j : j + 1] == "\n") or (
            _regional(text[i]) and j < len(text) and _regional(text[j])
        ):
            j += 1
        while j < len(text):
            char = text[j]
            if unicodedata.category(char) in ("Mn", "Mc", "Me") or char == "\u200d":
                j += 1
                if char == "\u200d" and j < len(text):
                    j += 1
                continue
            break
        clusters.append(text[i:j])
        i = j
    return clusters


def _regional(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"
