"""YAML 1.2 scalar typing as serde_yaml 0.9 does it: integers, booleans, floats, null.

serde_yaml parses integers as plain decimal, ``0x``/``0o``/``0b`` with an optional
sign, and treats leading zeros (``012``) as a string (YAML 1.2); there are no
``1_000`` separators and no YAML 1.1 booleans (``yes``/``on``).

Big numbers follow serde_yaml 0.9's ``visit_untagged_scalar``: an integer is tried
as ``u64``, ``i64``, then ``u128``, ``i128``; one beyond 128 bits is not an integer
and is tried as an ``f64``, which is kept only when it is finite; anything else
(``1e400``, an integer of 310 digits or more) is a *string*. An integer literal is
never handed to :class:`int` when it cannot fit 128 bits, so no input reaches
Python's limit on integer conversion (4,300 digits).
"""

from __future__ import annotations

import math
import re
from typing import Any

from tasker_ctl.validation.yaml_nodes import Scalar

TRUE_WORDS = frozenset({"true", "True", "TRUE"})
FALSE_WORDS = frozenset({"false", "False", "FALSE"})
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_INF = frozenset({".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})
_NEG_INF = frozenset({"-.inf", "-.Inf", "-.INF"})
_NAN = frozenset({".nan", ".NaN", ".NAN"})

I64_MIN = -(2**63)
U64_MAX = 2**64 - 1
I128_MIN = -(2**127)
U128_MAX = 2**128 - 1
# the most significant digits a 128-bit integer can have in each base
_MAX_DIGITS = {10: 39, 16: 32, 8: 43, 2: 128}
_PREFIXES = (("0x", 16), ("0o", 8), ("0b", 2))
_DIGIT_SETS = {
    16: frozenset("0123456789abcdefABCDEF"),
    8: frozenset("01234567"),
    2: frozenset("01"),
}


def _integer_parts(text: str) -> tuple[int, str, int] | None:
    """``(sign, digits, base)`` when ``text`` is an integer literal serde_yaml accepts."""
    if text.isdigit() and text.isascii() and (text[0] != "0" or len(text) == 1):
        return 1, text, 10  # the common case, before any prefix is tried
    sign, body = 1, text
    if body.startswith("-"):
        sign, body = -1, body[1:]
    elif body.startswith("+"):
        body = body[1:]
    for prefix, base in _PREFIXES:
        if body.startswith(prefix):
            digits = body[2:]
            if not digits or not set(digits) <= _DIGIT_SETS[base]:
                return None
            return sign, digits, base
    if not body.isascii() or not body.isdigit():
        return None
    if len(body) > 1 and body.startswith("0"):
        return None  # YAML 1.2: leading zeros make it a string
    return sign, body, 10


def is_integer_literal(node: Scalar) -> bool:
    """Whether a plain scalar is written as an integer (of any size)."""
    return node.plain and _integer_parts(node.value) is not None


def parse_int(node: Scalar) -> int | None:
    """Parse a plain scalar the way serde_yaml 0.9 parses integers, or ``None``.

    Only integers that fit ``u128``/``i128`` are integers for serde_yaml; a longer
    literal gives ``None`` without ever being converted.
    """
    parts = _integer_parts(node.value)
    if parts is None:
        return None
    sign, digits, base = parts
    if len(digits.lstrip("0")) > _MAX_DIGITS[base]:
        return None
    value = sign * int(digits, base)
    return value if I128_MIN <= value <= U128_MAX else None


def core_scalar(node: Scalar) -> Any:
    """YAML 1.2 core-schema typing of a scalar (what serde_json::Value gets).

    An integer of 65 to 128 bits is returned as an :class:`int` (serde_json then
    refuses it: the caller reports that); beyond 128 bits it is an f64 if finite,
    else the text, as for ``1e400``.
    """
    if not node.plain:
        return node.value
    text = node.value
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    number = parse_int(node)
    if number is not None:
        return number
    if _FLOAT.match(text):
        value = float(text)
        return value if math.isfinite(value) else text
    if text in _INF:
        return float("inf")
    if text in _NEG_INF:
        return float("-inf")
    if text in _NAN:
        return float("nan")
    return text
