"""YAML 1.2 scalar typing as serde_yaml 0.9 does it: integers, booleans, floats, null.

serde_yaml parses integers as plain decimal, ``0x``/``0o``/``0b`` with an optional
sign, and treats leading zeros (``012``) as a string (YAML 1.2); there are no
``1_000`` separators and no YAML 1.1 booleans (``yes``/``on``).
"""

from __future__ import annotations

import re
from typing import Any

from tasker_ctl.validation.yaml_nodes import Scalar

TRUE_WORDS = frozenset({"true", "True", "TRUE"})
FALSE_WORDS = frozenset({"false", "False", "FALSE"})
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_INF = frozenset({".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})
_NEG_INF = frozenset({"-.inf", "-.Inf", "-.INF"})
_NAN = frozenset({".nan", ".NaN", ".NAN"})


def parse_int(node: Scalar) -> int | None:
    """Parse a plain scalar the way serde_yaml 0.9 parses integers, or ``None``."""
    text = node.value
    sign = 1
    body = text
    if body.startswith("-"):
        sign, body = -1, body[1:]
    elif body.startswith("+"):
        body = body[1:]
    for prefix, base in (("0x", 16), ("0o", 8), ("0b", 2)):
        if body.startswith(prefix):
            digits = body[2:]
            if not digits or digits[0] in "+-" or "_" in digits:
                return None
            try:
                return sign * int(digits, base)
            except ValueError:
                return None
    if not body.isascii() or not body.isdigit():
        return None
    if len(body) > 1 and body.startswith("0"):
        return None  # YAML 1.2: leading zeros make it a string
    return sign * int(body)


def core_scalar(node: Scalar) -> Any:
    """YAML 1.2 core-schema typing of a scalar (what serde_json::Value gets)."""
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
        return float(text)
    if text in _INF:
        return float("inf")
    if text in _NEG_INF:
        return float("-inf")
    if text in _NAN:
        return float("nan")
    return text
