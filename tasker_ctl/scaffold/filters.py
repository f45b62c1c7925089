"""Case-conversion and literal-quoting filters for scaffold templates.

The four case filters reproduce the ``heck`` 0.5 crate that the real
tasker-ctl uses (``snake_case``, ``pascal_case``, ``camel_case``,
``kebab_case``), so file names and identifiers match the real tool exactly,
acronyms and digits included (``HTTPClient`` -> ``http_client``,
``UserIDs`` -> ``user_i_ds``).

The quoting filters turn a user-supplied string into a literal that is safe
to paste into generated source (``py_str``, ``rb_str``, ``ts_str``,
``rs_str``, ``yaml_str``): a ``--param`` value can never break out of the
string it was meant to fill.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable


def _split_words(text: str) -> list[str]:
    """Split ``text`` into words with heck's rules (see module docstring)."""
    words: list[str] = []
    for chunk in re.split(r"[^\w]|_", text):
        if not chunk:
            continue
        init = 0
        mode = "boundary"
        for i, char in enumerate(chunk):
            if i + 1 == len(chunk):
                words.append(chunk[init:])
                break
            nxt = chunk[i + 1]
            if char.islower():
                next_mode = "lower"
            elif char.isupper():
                next_mode = "upper"
            else:
                next_mode = mode
            if next_mode == "lower" and nxt.isupper():
                words.append(chunk[init : i + 1])
                init = i + 1
                mode = "boundary"
            elif mode == "upper" and char.isupper() and nxt.islower():
                words.append(chunk[init:i])
                init = i
                mode = "boundary"
            else:
                mode = next_mode
    return words


def _capitalize(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def _require_str(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} filter expects a string")
    return value


def snake_case(value: object) -> str:
    """``ProcessPayment`` -> ``process_payment``."""
    return "_".join(w.lower() for w in _split_words(_require_str("snake_case", value)))


def kebab_case(value: object) -> str:
    """``ProcessPayment`` -> ``process-payment``."""
    return "-".join(w.lower() for w in _split_words(_require_str("kebab_case", value)))


def pascal_case(value: object) -> str:
    """``process_payment`` -> ``ProcessPayment``."""
    return "".join(_capitalize(w) for w in _split_words(_require_str("pascal_case", value)))


def camel_case(value: object) -> str:
    """``process_payment`` -> ``processPayment``."""
    words = _split_words(_require_str("camel_case", value))
    if not words:
        return ""
    return words[0].lower() + "".join(_capitalize(w) for w in words[1:])


def py_str(value: object) -> str:
    """A double-quoted Python string literal holding ``value``."""
    return json.dumps(str(value), ensure_ascii=False)


_CONTROL_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_TS_ESCAPES = str.maketrans(
    {"\\": "\\\\", "'": "\\'", **_CONTROL_ESCAPES, "\u2028": "\\u2028", "\u2029": "\\u2029"}
)
_RB_SINGLE_ESCAPES = str.maketrans({"\\": "\\\\", "'": "\\'"})
_RB_DOUBLE_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "#": "\\#", **_CONTROL_ESCAPES})
_RS_ESCAPES = str.maketrans(
    {
        **{chr(code): f"\\u{{{code:x}}}" for code in [*range(0x20), 0x7F]},
        "\\": "\\\\",
        '"': '\\"',
        **_CONTROL_ESCAPES,
    }
)


def ts_str(value: object) -> str:
    """A single-quoted TypeScript/JavaScript string literal holding ``value``."""
    return "'" + str(value).translate(_TS_ESCAPES) + "'"


def rb_str(value: object) -> str:
    """A Ruby string literal: single-quoted unless it needs escapes."""
    text = str(value)
    if any(char in text for char in _CONTROL_ESCAPES):
        return '"' + text.translate(_RB_DOUBLE_ESCAPES) + '"'
    return "'" + text.translate(_RB_SINGLE_ESCAPES) + "'"


def rs_str(value: object) -> str:
    """A Rust string literal holding ``value``."""
    return '"' + str(value).translate(_RS_ESCAPES) + '"'


_YAML_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.:/@+-]*$")
_YAML_RESERVED = frozenset(
    {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"},
)


def yaml_str(value: object) -> str:
    """A YAML scalar that reads back as exactly this string."""
    text = str(value)
    if _YAML_PLAIN.match(text) and text.lower() not in _YAML_RESERVED and not text.endswith(":"):
        return text
    return json.dumps(text, ensure_ascii=False)


CASE_FILTERS: dict[str, Callable[[object], str]] = {
    "snake_case": snake_case,
    "pascal_case": pascal_case,
    "camel_case": camel_case,
    "kebab_case": kebab_case,
}

QUOTE_FILTERS: dict[str, Callable[[object], str]] = {
    "py_str": py_str,
    "ts_str": ts_str,
    "rb_str": rb_str,
    "rs_str": rs_str,
    "yaml_str": yaml_str,
}
