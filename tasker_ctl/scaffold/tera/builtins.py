"""Tera 1.20's built-in filters, tests and functions (with its default features).

Each one reproduces the Rust implementation's result and its error (same
argument names and defaults, same type checks); the few cases that cannot be
reproduced faithfully raise :class:`UnsupportedConstruct` with the reason
instead of rendering something different. The four case filters that
tasker-ctl registers on its Tera instance (``snake_case``...) are added here
too; nothing else is, so a plugin renders here exactly when it renders in the
real tool.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import re
import unicodedata
import zoneinfo
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import re2

from tasker_ctl.scaffold.filters import CASE_FILTERS
from tasker_ctl.scaffold.tera.budget import RenderBudget
from tasker_ctl.scaffold.tera.errors import TeraError, UnsupportedConstruct
from tasker_ctl.scaffold.tera.syntax import RUST_WHITESPACE
from tasker_ctl.scaffold.tera.values import (
    I64_MAX,
    I64_MIN,
    U64_MAX,
    Value,
    graphemes,
    is_int,
    is_number,
    render,
    to_json,
    value_eq,
)

Args = dict[str, Value]
Filter = Callable[[Value, Args, RenderBudget], Value]
MISSING: Any = object()
"""The value a test sees for an undefined variable."""


def _shown(value: Value) -> str:
    return to_json(value)


def _get(name: str, arg: str, value: Value, kind: str) -> Value:
    """Serde's ``from_value``, with ``try_get_value!``'s messages."""
    ok = {
        "String": isinstance(value, str),
        "Vec<Value>": isinstance(value, list),
        "bool": isinstance(value, bool),
        "f64": is_number(value),
        "usize": is_int(value) and 0 <= value <= U64_MAX,
        "u32": is_int(value) and 0 <= value < 2**32,
        "i32": is_int(value) and -(2**31) <= value < 2**31,
        "i64": is_int(value) and I64_MIN <= value <= I64_MAX,
    }[kind]
    if ok:
        return float(value) if kind == "f64" else value
    if arg == "value":
        raise TeraError(
            f"Filter `{name}` was called on an incorrect value: got `{_shown(value)}` "
            f"but expected a {kind}"
        )
    raise TeraError(
        f"Filter `{name}` received an incorrect type for arg `{arg}`: got `{_shown(value)}` "
        f"but expected a {kind}"
    )


def _required(name: str, args: Args, arg: str, message: str | None = None) -> Value:
    if arg not in args:
        raise TeraError(message or f"Filter `{name}` expected an arg called `{arg}`")
    return args[arg]


def _unescape(pattern: str) -> str:
    """Tera turns a literal backslash-n / backslash-t into a newline / tab in patterns."""
    return pattern.replace("\\n", "\n").replace("\\t", "\t")


def _trim_start(text: str, chars: str = RUST_WHITESPACE) -> str:
    return text.lstrip(chars)


# -- string filters ---------------------------------------------------------


def _string_filter(name: str, fn: Callable[[str], Value]) -> Filter:
    def apply(value: Value, args: Args, budget: RenderBudget) -> Value:
        return fn(_get(name, "value", value, "String"))

    return apply


def _trim_matches(name: str, start: bool) -> Filter:
    def apply(value: Value, args: Args, budget: RenderBudget) -> Value:
        text = _get(name, "value", value, "String")
        pat = _unescape(
            _get(
                name,
                "pat",
                _required(name, args, "pat", f"Filter `{name}` expected an arg called `pat`"),
                "String",
            )
        )
        if not pat:
            return text
        if start:
            while text.startswith(pat):
                text = text[len(pat) :]
        else:
            while text.endswith(pat):
                text = text[: -len(pat)]
        return text

    return apply


def _truncate(value: Value, args: Args, budget: RenderBudget) -> Value:
    text = _get("truncate", "value", value, "String")
    length = _get("truncate", "length", args["length"], "usize") if "length" in args else 255
    end = _get("truncate", "end", args["end"], "String") if "end" in args else "…"
    clusters = graphemes(text)
    if length >= len(clusters):
        return text
    return "".join(clusters[:length]) + end


_RUST_WS_RE = re.compile("[" + re.escape(RUST_WHITESPACE) + "]+")


def _wordcount(value: Value, args: Args, budget: RenderBudget) -> Value:
    text = _get("wordcount", "value", value, "String")
    return len([w for w in _RUST_WS_RE.split(text) if w])


def _replace(value: Value, args: Args, budget: RenderBudget) -> Value:
    text = _get("replace", "value", value, "String")
    old = _get("replace", "from", _required("replace", args, "from"), "String")
    new = _get("replace", "to", _required("replace", args, "to"), "String")
    if old == "":
        # Rust inserts `to` around every character; measure before building it.
        budget.check_text(len(text) + len(new) * (len(text) + 1), "a replaced string")
        return new + "".join(c + new for c in text)
    if new and len(new) > len(old):
        budget.check_text(len(text) + text.count(old) * (len(new) - len(old)), "a replaced string")
    return text.replace(old, new)


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:].lower()


_WORDS_RE = re.compile(r"\b(?P<first>[\w'])(?P<rest>[\w']*)\b")


def _title(text: str) -> str:
    return _WORDS_RE.sub(lambda m: m.group("first").upper() + m.group("rest").lower(), text)


def _rust_lines(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def _indent(value: Value, args: Args, budget: RenderBudget) -> Value:
    text = _get("indent", "value", value, "String")
    prefix = _get("indent", "prefix", args["prefix"], "String") if "prefix" in args else "    "
    first = _get("indent", "first", args["first"], "bool") if "first" in args else False
    blank = _get("indent", "blank", args["blank"], "bool") if "blank" in args else False
    lines = _rust_lines(text)
    budget.check_text(len(text) + len(prefix) * (len(lines) + 1), "an indented string")
    out: list[str] = []
    for index, line in enumerate(lines):
        if index == 0:
            out.append((prefix if first else "") + line)
        else:
            keep = blank or _trim_start(line) != ""
            out.append("\n" + (prefix if keep else "") + line)
    return "".join(out)


_STRIPTAGS_RE = re.compile(r"(<!--.*?-->|<[^>]*>)")
_SPACELESS_RE = re.compile(r">\s+<")

_FRAGMENT = set(range(0x20)) | {0x7F} | {ord(c) for c in ' "<>`'}
_PATH = _FRAGMENT | {ord(c) for c in "#?{}"}
_USERINFO = _PATH | {ord(c) for c in "/:;=@[\\]^|"}
_PYTHON = (_USERINFO - {ord("/")}) | {ord(c) for c in ":?#[]@!$&'()*+,;="}


def _percent(text: str, keep: Callable[[int], bool]) -> str:
    return "".join(chr(b) if keep(b) else f"%{b:02X}" for b in text.encode("utf-8"))


def _urlencode(text: str) -> str:
    return _percent(text, lambda b: b < 0x80 and b not in _PYTHON)


def _urlencode_strict(text: str) -> str:
    return _percent(text, lambda b: chr(b).isascii() and chr(b).isalnum())


def _escape_html(text: str) -> str:
    table = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;", "/": "&#x2F;"}
    return "".join(table.get(c, c) for c in text)


def _escape_xml(text: str) -> str:
    table = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"}
    return "".join(table.get(c, c) for c in text)


_LATIN_EXTRA = {
    "ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE",
    "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D",
    "ı": "i", "ħ": "h", "Ħ": "H",
}  # fmt: skip


def _slug_text(char: str) -> str:
    """What deunicode (used by Tera's slugify) turns one non-ASCII character into."""
    if char in _LATIN_EXTRA:
        return _LATIN_EXTRA[char]
    decomposed = unicodedata.normalize("NFKD", char)
    ascii_part = "".join(c for c in decomposed if c.isascii())
    if ascii_part and any(c.isalnum() for c in ascii_part):
        return ascii_part
    if unicodedata.category(char)[0] in "ZPC" or unicodedata.category(char) == "Mn":
        return "-" if unicodedata.category(char) != "Mn" else ""
    raise UnsupportedConstruct(
        f"slugify of {char!r} (U+{ord(char):04X}): Tera transliterates non-Latin text with "
        "the deunicode tables, which tasker-ctl does not reproduce; slugify ASCII or "
        "Latin-script text only"
    )


def _slugify(text: str) -> str:
    out: list[str] = []
    prev_dash = True
    for char in text:
        for c in char if char.isascii() else _slug_text(char):
            if "a" <= c <= "z" or "0" <= c <= "9":
                out.append(c)
                prev_dash = False
            elif "A" <= c <= "Z":
                out.append(c.lower())
                prev_dash = False
            elif not prev_dash:
                out.append("-")
                prev_dash = True
    return "".join(out).removesuffix("-")


def _addslashes(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("'", "\\'")


def _split(value: Value, args: Args, budget: RenderBudget) -> Value:
    text = _get("split", "value", value, "String")
    pat = _unescape(_get("split", "pat", _required("split", args, "pat"), "String"))
    if pat == "":
        budget.check_items(len(text) + 2, "a split string")
        return ["", *text, ""]
    budget.check_items(text.count(pat) + 1, "a split string")
    return text.split(pat)


_RADIX_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _from_str_radix(text: str, base: int) -> int | None:
    body = text[1:] if text[:1] in "+-" else text
    if not body or any(_RADIX_DIGITS.find(c.lower()) not in range(base) for c in body):
        return None
    number = int(body, base) * (-1 if text.startswith("-") else 1)
    return number if I64_MIN <= number <= I64_MAX else None


def _saturating_i64(number: float) -> int:
    if math.isnan(number):
        return 0
    if number >= 2**63:
        return I64_MAX
    if number < -(2**63):
        return I64_MIN
    return int(number)


def _rust_parse_float(text: str) -> float | None:
    if not re.fullmatch(r"[+-]?(inf|infinity|nan|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)", text, re.I):
        return None
    return float(text)


def _int(value: Value, args: Args, budget: RenderBudget) -> Value:
    default = _get("int", "default", args["default"], "i64") if "default" in args else 0
    base = _get("int", "base", args["base"], "u32") if "base" in args else 10
    if not 2 <= base <= 36:
        raise TeraError(f"Filter `int` received base={base} but bases go from 2 to 36")
    if isinstance(value, str):
        text = value.strip(RUST_WHITESPACE)
        prefix = {2: "0b", 8: "0o", 16: "0x"}.get(base)
        while prefix and text.startswith(prefix):
            text = text[2:]
        parsed = _from_str_radix(text, base)
        if parsed is not None:
            return parsed
        if "." in text:
            number = _rust_parse_float(text)
            return default if number is None else _saturating_i64(number)
        return default
    if is_number(value):
        return _saturating_i64(float(value))
    raise TeraError("Filter `int` received an unexpected type")


def _float(value: Value, args: Args, budget: RenderBudget) -> Value:
    default = _get("float", "default", args["default"], "f64") if "default" in args else 0.0
    if isinstance(value, str):
        number = _rust_parse_float(value.strip(RUST_WHITESPACE))
        result = default if number is None else number
    elif is_number(value):
        result = float(value)
    else:
        raise TeraError("Filter `float` received an unexpected type")
    return None if math.isnan(result) or math.isinf(result) else result


# -- array filters ----------------------------------------------------------


def _pointer_tokens(pointer: str) -> list[str]:
    tokens: list[str] = []
    current = ""
    quote = ""
    for char in pointer:
        if quote:
            if char == quote:
                quote = ""
            else:
                current += char
        elif char in "\"'":
            quote = char
        elif char in ".[":
            if current:
                tokens.append(current)
            current = ""
        elif char != "]":
            current += char
    if current:
        tokens.append(current)
    return [t.replace("~1", "/").replace("~0", "~") for t in tokens]


def dotted_pointer(value: Value, pointer: str) -> Value:
    """Follow ``a.b.0`` (or ``a["b"]``) into ``value``; ``MISSING`` when absent."""
    if pointer == "":
        return value
    for token in _pointer_tokens(pointer):
        if isinstance(value, dict):
            if token not in value:
                return MISSING
            value = value[token]
        elif isinstance(value, list):
            if not token.isdigit() or (token.startswith("0") and token != "0"):
                return MISSING
            index = int(token)
            if index >= len(value):
                return MISSING
            value = value[index]
        else:
            return MISSING
    return value


def _nth(value: Value, args: Args, budget: RenderBudget) -> Value:
    items = _get("nth", "value", value, "Vec<Value>")
    if not items:
        return ""
    if "n" not in args:
        raise TeraError("The `nth` filter has to have an `n` argument")
    index = _get("nth", "n", args["n"], "usize")
    return items[index] if index < len(items) else ""


def _first(value: Value, args: Args, budget: RenderBudget) -> Value:
    items = _get("first", "value", value, "Vec<Value>")
    return items[0] if items else ""


def _last(value: Value, args: Args, budget: RenderBudget) -> Value:
    items = _get("last", "value", value, "Vec<Value>")
    return items[-1] if items else ""


def _join(value: Value, args: Args, budget: RenderBudget) -> Value:
    items = _get("join", "value", value, "Vec<Value>")
    sep = _unescape(_get("truncate", "sep", args["sep"], "String")) if "sep" in args else ""
    parts = [render(v) for v in items]
    budget.check_text(sum(map(len, parts)) + len(sep) * len(parts), "a joined string")
    return sep.join(parts)


def _attribute(name: str, args: Args) -> str:
    return _get(name, "attribute", args["attribute"], "String") if "attribute" in args else ""


def _no_field(attribute: str) -> TeraError:
    return TeraError(f"attribute '{attribute}' does not reference a field")


def _sort(value: Value, args: Args, budget: RenderBudget) -> Value:
    items = _get("sort", "value", value, "Vec<Value>")
    if not items:
        return items
    attribute = _attribute("sort", args)
    first = dotted_pointer(items[0], attribute)
    if first is MISSING:
        raise _no_field(attribute)
    if first is None:
        raise TeraError("Null is not a sortable value")
    if isinstance(first, dict):
        raise TeraError("Object is not a sortable value")
    check: Callable[[Value], bool]
    key: Callable[[Value], Any]
    if isinstance(first, bool):
        kind, check, key = "bool", lambda v: isinstance(v, bool), lambda v: v
    elif is_number(first):
        kind, check, key = "number", is_number, float
    elif isinstance(first, str):
        kind, check, key = "string", lambda v: isinstance(v, str), lambda v: v
    else:
        kind, check, key = "array", lambda v: isinstance(v, list), len
    pairs = []
    for item in items:
        found = dotted_pointer(item, attribute)
        if found is MISSING:
            raise _no_field(attribute)
        if not check(found):
            raise TeraError(f"expected {kind} got {_shown(found)}")
        pairs.append((key(found), item))
    return [item for _, item in sorted(pairs, key=lambda pair: pair[0])]


def _unique(value: Value, args: Args, budget: RenderBudget) -> Value:
    items = _get("unique", "value", value, "Vec<Value>")
    if not items:
        return items
    case_sensitive = (
        _get("unique", "case_sensitive", args["case_sensitive"], "bool")
        if "case_sensitive" in args
        else False
    )
    attribute = _attribute("unique", args)
    first = dotted_pointer(items[0], attribute)
    if first is MISSING:
        raise _no_field(attribute)
    if first is None:
        raise TeraError("Null is not a unique value")
    if isinstance(first, float):
        raise TeraError("Unique floats are not implemented")
    if isinstance(first, list | dict):
        raise TeraError(
            f"Unique {'arrays' if isinstance(first, list) else 'objects'} are not implemented"
        )
    seen: set[Any] = set()
    result = []
    for item in items:
        key = dotted_pointer(item, attribute)
        if key is MISSING:
            continue
        if _kind_of(key) != _kind_of(first):
            raise TeraError("unique filter can't compare multiple types")
        if isinstance(key, str) and not case_sensitive:
            key = key.lower()
        elif is_int(key) and not I64_MIN <= key <= I64_MAX:
            raise TeraError(f"expected number got {_shown(key)}")
        marker = (type(key).__name__, key)
        if marker not in seen:
            seen.add(marker)
            result.append(item)
    return result


def _kind_of(value: Value) -> str:
    if isinstance(value, bool):
        return "bool"
    if is_number(value):
        return "number"
    return type(value).__name__


def _group_by(value: Value, args: Args, budget: RenderBudget) -> Value:
    items = _get("group_by", "value", value, "Vec<Value>")
    if not items:
        return {}
    if "attribute" not in args:
        raise TeraError("The `group_by` filter has to have an `attribute` argument")
    key = _get("group_by", "attribute", args["attribute"], "String")
    grouped: dict[str, list[Value]] = {}
    for item in items:
        found = dotted_pointer(item, key)
        if found is MISSING or found is None:
            continue
        grouped.setdefault(found if isinstance(found, str) else to_json(found), []).append(item)
    return dict(sorted(grouped.items()))


def _filter(value: Value, args: Args, budget: RenderBudget) -> Value:
    items = _get("filter", "value", value, "Vec<Value>")
    if not items:
        return items
    if "attribute" not in args:
        raise TeraError("The `filter` filter has to have an `attribute` argument")
    key = _get("filter", "attribute", args["attribute"], "String")
    wanted = args.get("value")
    result = []
    for item in items:
        found = dotted_pointer(item, key)
        found = None if found is MISSING else found
        if (found is not None) if wanted is None else value_eq(found, wanted):
            result.append(item)
    return result


def _map(value: Value, args: Args, budget: RenderBudget) -> Value:
    items = _get("map", "value", value, "Vec<Value>")
    if not items:
        return items
    if "attribute" not in args:
        raise TeraError("The `map` filter has to have an `attribute` argument")
    key = _get("map", "attribute", args["attribute"], "String")
    found = [dotted_pointer(item, key) for item in items]
    return [f for f in found if f is not MISSING and f is not None]


def _slice_index(number: float, length: int) -> int:
    return _saturating_usize(number if number >= 0 else length + number)


def _saturating_usize(number: float) -> int:
    if math.isnan(number) or number <= 0:
        return 0
    return int(min(number, float(U64_MAX)))


def _slice(value: Value, args: Args, budget: RenderBudget) -> Value:
    items = _get("slice", "value", value, "Vec<Value>")
    if not items:
        return items
    start = (
        _slice_index(_get("slice", "start", args["start"], "f64"), len(items))
        if "start" in args
        else 0
    )
    end = (
        _slice_index(_get("slice", "end", args["end"], "f64"), len(items))
        if "end" in args
        else len(items)
    )
    end = min(end, len(items))
    return [] if start >= end else items[start:end]


def _concat(value: Value, args: Args, budget: RenderBudget) -> Value:
    items = list(_get("concat", "value", value, "Vec<Value>"))
    if "with" not in args:
        raise TeraError("The `concat` filter has to have a `with` argument")
    extra = args["with"]
    added = extra if isinstance(extra, list) else [extra]
    budget.check_items(len(items) + len(added), "a concatenated array")
    return items + list(added)


# -- number filters ---------------------------------------------------------


def _abs(value: Value, args: Args, budget: RenderBudget) -> Value:
    if is_int(value):
        if value == I64_MIN:
            raise TeraError(f"Filter `abs` cannot represent the absolute value of {value}")
        return abs(value)
    if isinstance(value, float):
        return abs(value)
    raise TeraError("Filter `abs` was used on a value that isn't a number.")


def _pluralize(value: Value, args: Args, budget: RenderBudget) -> Value:
    number = _get("pluralize", "value", value, "f64")
    plural = _get("pluralize", "plural", args["plural"], "String") if "plural" in args else "s"
    singular = (
        _get("pluralize", "singular", args["singular"], "String") if "singular" in args else ""
    )
    return plural if abs(abs(number) - 1.0) > 2.220446049250313e-16 else singular


def _round(value: Value, args: Args, budget: RenderBudget) -> Value:
    number = _get("round", "value", value, "f64")
    method = _get("round", "method", args["method"], "String") if "method" in args else "common"
    precision = _get("round", "precision", args["precision"], "i32") if "precision" in args else 0
    multiplier = 1.0 if precision == 0 else _powi(10.0, precision)
    scaled = multiplier * number
    if method == "common":
        rounded = (
            scaled
            if math.isinf(scaled) or math.isnan(scaled)
            else float(Decimal(scaled).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        )
    elif method == "ceil":
        rounded = float(math.ceil(scaled)) if math.isfinite(scaled) else scaled
    elif method == "floor":
        rounded = float(math.floor(scaled)) if math.isfinite(scaled) else scaled
    else:
        raise TeraError(
            "Filter `round` received an incorrect value for arg `method`: "
            f"got `{to_json(method)}`, "
            "only common, ceil and floor are allowed"
        )
    result = rounded / multiplier if multiplier else math.nan
    return None if math.isnan(result) or math.isinf(result) else result


def _powi(base: float, exponent: int) -> float:
    try:
        return float(base**exponent)
    except OverflowError:
        return math.inf


def _filesizeformat(value: Value, args: Args, budget: RenderBudget) -> Value:
    size = float(_get("filesizeformat", "value", value, "usize"))
    binary = _get("filesizeformat", "binary", args["binary"], "bool") if "binary" in args else False
    units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"] if binary else [
        "B", "KB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"
    ]  # fmt: skip
    scale = 0
    while size >= 1024.0:
        size /= 1024.0
        scale += 1
    places = 0 if size == int(size) else 2
    return f"{size:.{places}f} {units[scale]}"


# -- common filters ---------------------------------------------------------


def _length(value: Value, args: Args, budget: RenderBudget) -> Value:
    if isinstance(value, list | dict | str):
        return len(value)
    raise TeraError(
        "Filter `length` was used on a value that isn't an array, an object, or a string."
    )


def _reverse(value: Value, args: Args, budget: RenderBudget) -> Value:
    if isinstance(value, list):
        return value[::-1]
    if isinstance(value, str):
        return value[::-1]
    raise TeraError(
        f"Filter `reverse` received an incorrect type for arg `value`: got `{_shown(value)}` "
        "but expected Array|String"
    )


def _json_encode(value: Value, args: Args, budget: RenderBudget) -> Value:
    pretty = args.get("pretty") is True
    return to_json(value, pretty)


def _as_str(value: Value, args: Args, budget: RenderBudget) -> Value:
    return render(value)


def _get_filter(value: Value, args: Args, budget: RenderBudget) -> Value:
    if "key" not in args:
        raise TeraError("The `get` filter has to have an `key` argument")
    key = _get("get", "key", args["key"], "String")
    if not isinstance(value, dict):
        raise TeraError("Filter `get` was used on a value that isn't an object")
    if key in value:
        return value[key]
    if "default" in args:
        return args["default"]
    raise TeraError(f"Filter `get` tried to get key `{key}` but it wasn't found")


# -- date -------------------------------------------------------------------


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)
_NAIVE = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?$")


class _Moment:
    """A date-time and what chrono knows about its offset (none for naive ones)."""

    def __init__(self, value: dt.datetime, zone_name: str | None, has_offset: bool) -> None:
        self.value = value
        self.zone_name = zone_name
        self.has_offset = has_offset


def _parse_fraction(text: str | None) -> int:
    return int(((text or ".")[1:] + "000000")[:6] or 0)


def _date_moment(value: Value, zone: zoneinfo.ZoneInfo | None) -> _Moment:
    if is_int(value):
        if not I64_MIN <= value <= I64_MAX:
            raise TeraError(f"Filter `date` was invoked on a float: {value}")
        try:
            moment = _EPOCH + dt.timedelta(seconds=value)
        except OverflowError as exc:
            raise UnsupportedConstruct(
                f"the timestamp {value} is outside the dates Python can represent"
            ) from exc
        if zone is None:
            return _Moment(moment.replace(tzinfo=None), None, False)
        return _Moment(moment.astimezone(zone), zone.key, True)
    if isinstance(value, float):
        raise TeraError(f"Filter `date` was invoked on a float: {render(value)}")
    if isinstance(value, str):
        if "T" in value:
            match = _RFC3339.match(value)
            if match:
                y, mo, d, h, mi, s, frac, off = match.groups()
                if off in ("Z", "z"):
                    tz = dt.UTC
                else:
                    sign = -1 if off[0] == "-" else 1
                    tz = dt.timezone(
                        sign * dt.timedelta(hours=int(off[1:3]), minutes=int(off[4:6]))
                    )
                moment = dt.datetime(
                    int(y), int(mo), int(d), int(h), int(mi), int(s), _parse_fraction(frac), tz
                )
                if zone is not None:
                    return _Moment(moment.astimezone(zone), zone.key, True)
                return _Moment(moment, None, True)
            match = _NAIVE.match(value)
            if match:
                y, mo, d, h, mi, s, frac = match.groups()
                moment = dt.datetime(
                    int(y), int(mo), int(d), int(h), int(mi), int(s), _parse_fraction(frac), dt.UTC
                )
                return _Moment(moment, "UTC", True)
            raise TeraError(f"Error parsing `{to_json(value)}` as rfc3339 date or naive datetime")
        try:
            day = dt.datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=dt.UTC)
        except ValueError as exc:
            raise TeraError(f"Error parsing `{to_json(value)}` as YYYY-MM-DD date") from exc
        return _Moment(day, "UTC", True)
    raise TeraError(
        f"Filter `date` received an incorrect type for arg `value`: got `{to_json(value)}` "
        "but expected i64|u64|String"
    )


_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


def _offset(moment: _Moment, colons: int) -> str:
    if not moment.has_offset:
        raise UnsupportedConstruct(
            "a time zone specifier in `date(format=...)` for a date without a time zone"
        )
    delta = moment.value.utcoffset() or dt.timedelta(0)
    total = int(delta.total_seconds())
    sign = "-" if total < 0 else "+"
    hours, minutes = divmod(abs(total) // 60, 60)
    if colons == 0:
        return f"{sign}{hours:02}{minutes:02}"
    return f"{sign}{hours:02}:{minutes:02}" + (":00" if colons == 2 else "")


def _chrono_format(moment: _Moment, fmt: str) -> str:
    """Chrono's strftime, with its padding modifiers (``%-d``, ``%_d``, ``%0e``)."""
    v = moment.value
    out: list[str] = []
    i = 0
    while i < len(fmt):
        char = fmt[i]
        if char != "%":
            out.append(char)
            i += 1
            continue
        i += 1
        pad = ""
        if i < len(fmt) and fmt[i] in "-_0":
            pad = fmt[i]
            i += 1
        spec = fmt[i : i + 1]
        i += 1

        def num(n: int, width: int, default_pad: str = "0", pad: str = pad) -> str:
            mode = pad or default_pad
            if mode == "-":
                return str(n)
            return str(n).rjust(width, " " if mode == "_" else "0")

        iso_year, iso_week, _ = v.isocalendar()
        if spec == "Y":
            out.append(num(v.year, 4) if 0 <= v.year <= 9999 else f"{v.year:+}")
        elif spec == "C":
            out.append(num(v.year // 100, 2))
        elif spec == "y":
            out.append(num(v.year % 100, 2))
        elif spec == "m":
            out.append(num(v.month, 2))
        elif spec in "bh" and spec:
            out.append(_MONTHS[v.month - 1][:3])
        elif spec == "B":
            out.append(_MONTHS[v.month - 1])
        elif spec == "d":
            out.append(num(v.day, 2))
        elif spec == "e":
            out.append(num(v.day, 2, "_"))
        elif spec == "a":
            out.append(_DAYS[v.weekday()][:3])
        elif spec == "A":
            out.append(_DAYS[v.weekday()])
        elif spec == "w":
            out.append(str((v.weekday() + 1) % 7))
        elif spec == "u":
            out.append(str(v.weekday() + 1))
        elif spec == "U":
            out.append(num(int(v.strftime("%U")), 2))
        elif spec == "W":
            out.append(num(int(v.strftime("%W")), 2))
        elif spec == "G":
            out.append(num(iso_year, 4))
        elif spec == "g":
            out.append(num(iso_year % 100, 2))
        elif spec == "V":
            out.append(num(iso_week, 2))
        elif spec == "j":
            out.append(num(v.timetuple().tm_yday, 3))
        elif spec in ("D", "x"):
            out.append(f"{v.month:02}/{v.day:02}/{v.year % 100:02}")
        elif spec == "F":
            out.append(f"{v.year:04}-{v.month:02}-{v.day:02}")
        elif spec == "v":
            out.append(f"{v.day:>2}-{_MONTHS[v.month - 1][:3]}-{v.year:04}")
        elif spec == "H":
            out.append(num(v.hour, 2))
        elif spec == "k":
            out.append(num(v.hour, 2, "_"))
        elif spec == "I":
            out.append(num((v.hour % 12) or 12, 2))
        elif spec == "l":
            out.append(num((v.hour % 12) or 12, 2, "_"))
        elif spec == "P":
            out.append("am" if v.hour < 12 else "pm")
        elif spec == "p":
            out.append("AM" if v.hour < 12 else "PM")
        elif spec == "M":
            out.append(num(v.minute, 2))
        elif spec == "S":
            out.append(num(v.second, 2))
        elif spec == "f":
            out.append(f"{v.microsecond * 1000:09}")
        elif spec == "." and fmt[i : i + 1] == "f":
            i += 1
            if v.microsecond:
                digits = 3 if v.microsecond % 1000 == 0 else 6
                out.append("." + f"{v.microsecond:06}"[:digits])
        elif spec == "." and fmt[i : i + 2] in ("3f", "6f", "9f"):
            width = int(fmt[i])
            i += 2
            out.append("." + f"{v.microsecond * 1000:09}"[:width])
        elif spec in ("3", "6", "9") and fmt[i : i + 1] == "f":
            i += 1
            out.append(f"{v.microsecond * 1000:09}"[: int(spec)])
        elif spec == "R":
            out.append(f"{v.hour:02}:{v.minute:02}")
        elif spec in ("T", "X"):
            out.append(f"{v.hour:02}:{v.minute:02}:{v.second:02}")
        elif spec == "r":
            out.append(
                f"{(v.hour % 12) or 12:02}:{v.minute:02}:{v.second:02} "
                f"{'AM' if v.hour < 12 else 'PM'}"
            )
        elif spec == "Z":
            if not moment.has_offset:
                raise UnsupportedConstruct(
                    "`%Z` in `date(format=...)` for a date without a time zone"
                )
            out.append(v.tzname() or _offset(moment, 1) if moment.zone_name else _offset(moment, 1))
        elif spec == "z":
            out.append(_offset(moment, 0))
        elif spec == ":" and fmt[i : i + 1] == "z":
            i += 1
            out.append(_offset(moment, 1))
        elif spec == ":" and fmt[i : i + 2] == ":z":
            i += 2
            out.append(_offset(moment, 2))
        elif spec == "c":
            out.append(
                f"{_DAYS[v.weekday()][:3]} {_MONTHS[v.month - 1][:3]} {v.day:>2} "
                f"{v.hour:02}:{v.minute:02}:{v.second:02} {v.year:04}"
            )
        elif spec == "+":
            if not moment.has_offset:
                raise UnsupportedConstruct(
                    "`%+` in `date(format=...)` for a date without a time zone"
                )
            frac = (
                ""
                if not v.microsecond
                else "." + f"{v.microsecond:06}"[: 3 if v.microsecond % 1000 == 0 else 6]
            )
            out.append(
                f"{v.year:04}-{v.month:02}-{v.day:02}T{v.hour:02}:{v.minute:02}:{v.second:02}"
                f"{frac}{_offset(moment, 1)}"
            )
        elif spec == "s":
            stamp = v if v.tzinfo else v.replace(tzinfo=dt.UTC)
            out.append(str(int((stamp - _EPOCH).total_seconds())))
        elif spec == "t":
            out.append("\t")
        elif spec == "n":
            out.append("\n")
        elif spec == "%":
            out.append("%")
        else:
            raise TeraError(f"Invalid date format `{fmt}`")
    return "".join(out)


def _date(value: Value, args: Args, budget: RenderBudget) -> Value:
    fmt = _get("date", "format", args["format"], "String") if "format" in args else "%Y-%m-%d"
    zone: zoneinfo.ZoneInfo | None = None
    if "timezone" in args:
        name = _get("date", "timezone", args["timezone"], "String")
        try:
            zone = zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise TeraError(f"Error parsing `{name}` as a timezone") from exc
    if "locale" in args:
        raise UnsupportedConstruct(
            "`date(locale=...)`: the real tasker-ctl builds Tera without the `date-locale` feature"
        )
    return _chrono_format(_date_moment(value, zone), fmt)


# -- registries -------------------------------------------------------------


def _case(name: str) -> Filter:
    fn = CASE_FILTERS[name]

    def apply(value: Value, args: Args, budget: RenderBudget) -> Value:
        if not isinstance(value, str):
            raise TeraError(f"{name} filter expects a string")
        return fn(value)

    return apply


FILTERS: dict[str, Filter] = {
    "upper": _string_filter("upper", str.upper),
    "lower": _string_filter("lower", str.lower),
    "trim": _string_filter("trim", lambda s: s.strip(RUST_WHITESPACE)),
    "trim_start": _string_filter("trim_start", lambda s: s.lstrip(RUST_WHITESPACE)),
    "trim_end": _string_filter("trim_end", lambda s: s.rstrip(RUST_WHITESPACE)),
    "trim_start_matches": _trim_matches("trim_start_matches", start=True),
    "trim_end_matches": _trim_matches("trim_end_matches", start=False),
    "truncate": _truncate,
    "wordcount": _wordcount,
    "replace": _replace,
    "capitalize": _string_filter("capitalize", _capitalize),
    "title": _string_filter("title", _title),
    "linebreaksbr": _string_filter(
        "linebreaksbr", lambda s: s.replace("\r\n", "<br>").replace("\n", "<br>")
    ),
    "indent": _indent,
    "striptags": _string_filter("striptags", lambda s: _STRIPTAGS_RE.sub("", s)),
    "spaceless": _string_filter("spaceless", lambda s: _SPACELESS_RE.sub("><", s)),
    "urlencode": _string_filter("urlencode", _urlencode),
    "urlencode_strict": _string_filter("urlencode_strict", _urlencode_strict),
    "escape": _string_filter("escape_html", _escape_html),
    "escape_xml": _string_filter("escape_html", _escape_xml),
    "slugify": _string_filter("slugify", _slugify),
    "addslashes": _string_filter("addslashes", _addslashes),
    "split": _split,
    "int": _int,
    "float": _float,
    "first": _first,
    "last": _last,
    "nth": _nth,
    "join": _join,
    "sort": _sort,
    "unique": _unique,
    "slice": _slice,
    "group_by": _group_by,
    "filter": _filter,
    "map": _map,
    "concat": _concat,
    "abs": _abs,
    "pluralize": _pluralize,
    "round": _round,
    "filesizeformat": _filesizeformat,
    "length": _length,
    "reverse": _reverse,
    "date": _date,
    "json_encode": _json_encode,
    "as_str": _as_str,
    "get": _get_filter,
    **{name: _case(name) for name in CASE_FILTERS},
}


# -- tests ------------------------------------------------------------------

Tester = Callable[[Value, list[Value]], bool]


def _max_args(name: str, most: int, args: list[Value]) -> None:
    if most == 0 and args:
        raise TeraError(
            f"Tester `{name}` was called with some args but this test doesn't take args"
        )
    if len(args) > most:
        raise TeraError(
            f"Tester `{name}` was called with {len(args)} args, the max number is {most}"
        )


def _defined_value(name: str, value: Value) -> None:
    if value is MISSING:
        raise TeraError(f"Tester `{name}` was called on an undefined variable")


def _string_of(name: str, part: str, value: Value) -> str:
    if not isinstance(value, str):
        raise TeraError(f"Tester `{name}` was called {part} that isn't a string")
    return value


def _simple_test(name: str, check: Callable[[Value], bool], need_defined: bool = True) -> Tester:
    def test(value: Value, args: list[Value]) -> bool:
        _max_args(name, 0, args)
        if need_defined:
            _defined_value(name, value)
        return check(value)

    return test


def _odd(value: Value, args: list[Value]) -> bool:
    _max_args("odd", 0, args)
    _defined_value("odd", value)
    if not is_number(value):
        raise TeraError("Tester `odd` was called on a variable that isn't a number")
    return math.fmod(float(value), 2.0) != 0.0


def _even(value: Value, args: list[Value]) -> bool:
    _max_args("even", 0, args)
    _defined_value("even", value)
    return not _odd(value, args)


def _divisibleby(value: Value, args: list[Value]) -> bool:
    _max_args("divisibleby", 1, args)
    _defined_value("divisibleby", value)
    if not is_number(value):
        raise TeraError("Tester `divisibleby` was called on a variable that isn't a number")
    if not args or not is_number(args[0]):
        raise TeraError("Tester `divisibleby` was called with a parameter that isn't a number")
    divisor = float(args[0])
    return divisor != 0.0 and math.fmod(float(value), divisor) == 0.0


def _text_test(name: str, check: Callable[[str, str], bool]) -> Tester:
    def test(value: Value, args: list[Value]) -> bool:
        _max_args(name, 1, args)
        _defined_value(name, value)
        text = _string_of(name, "on a variable", value)
        needle = _string_of(name, "with a parameter", args[0] if args else None)
        return check(text, needle)

    return test


def _containing(value: Value, args: list[Value]) -> bool:
    _max_args("containing", 1, args)
    _defined_value("containing", value)
    if isinstance(value, str):
        return _string_of("containing", "with a parameter", args[0] if args else None) in value
    if isinstance(value, list):
        if not args:
            raise TeraError("Tester `containing` needs an argument")
        return any(value_eq(item, args[0]) for item in value)
    if isinstance(value, dict):
        return _string_of("containing", "with a parameter", args[0] if args else None) in value
    raise TeraError("Tester `containing` can only be used on string, array or map")


_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False
_RE2_OPTIONS.max_mem = 32 << 20
_RUST_CLASSES = {
    "d": r"\p{Nd}",
    "w": r"\p{L}\p{M}\p{Nd}\p{Pc}",
    "s": r"\t\n\x{0B}\f\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}"
    r"\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}",
}


def _rust_regex_to_re2(pattern: str, subject: str) -> str:
    r"""Give ``\d \w \s`` Rust's Unicode meaning; RE2's are ASCII-only."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt.lower() in _RUST_CLASSES:
                body = _RUST_CLASSES[nxt.lower()]
                if nxt.islower():
                    out.append(body if in_class else f"[{body}]")
                elif in_class:
                    raise UnsupportedConstruct(
                        f"`\\{nxt}` inside a character class in a `matching` pattern"
                    )
                else:
                    out.append(f"[^{body}]")
            elif nxt in "bB" and not in_class and not subject.isascii():
                raise UnsupportedConstruct(
                    f"`\\{nxt}` in a `matching` pattern tested against non-ASCII text "
                    "(Rust's word boundaries are Unicode-aware, RE2's are not)"
                )
            else:
                out.append(char + nxt)
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
            out.append(char)
            if pattern[i + 1 : i + 2] == "^":
                out.append("^")
                i += 1
            if pattern[i + 1 : i + 2] == "]":
                out.append("]")
                i += 1
        elif char == "]" and in_class:
            in_class = False
            out.append(char)
        else:
            out.append(char)
        i += 1
    return "".join(out)


def _matching(value: Value, args: list[Value]) -> bool:
    _max_args("matching", 1, args)
    _defined_value("matching", value)
    text = _string_of("matching", "on a variable", value)
    pattern = _string_of("matching", "with a parameter", args[0] if args else None)
    try:
        compiled = re2.compile(_rust_regex_to_re2(pattern, text), _RE2_OPTIONS)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise TeraError(f"Tester `matching`: Invalid regular expression: {reason}") from exc
    return compiled.search(text) is not None


TESTS: dict[str, Tester] = {
    "defined": _simple_test("defined", lambda v: v is not MISSING, need_defined=False),
    "undefined": _simple_test("undefined", lambda v: v is MISSING, need_defined=False),
    "odd": _odd,
    "even": _even,
    "string": _simple_test("string", lambda v: isinstance(v, str)),
    "number": _simple_test("number", is_number),
    "divisibleby": _divisibleby,
    "iterable": _simple_test("iterable", lambda v: isinstance(v, list | dict)),
    "object": _simple_test("object", lambda v: isinstance(v, dict)),
    "starting_with": _text_test("starting_with", str.startswith),
    "ending_with": _text_test("ending_with", str.endswith),
    "containing": _containing,
    "matching": _matching,
}


# -- functions --------------------------------------------------------------

Function = Callable[[Args, RenderBudget], Value]


def _usize_arg(
    name: str, args: Args, arg: str, default: int | None, label: str | None = None
) -> int:
    if arg not in args:
        if default is None:
            raise TeraError(f"Function `{name}` was called without a `{arg}` argument")
        return default
    value = args[arg]
    if not (is_int(value) and 0 <= value <= U64_MAX):
        raise TeraError(
            f"Function `{name}` received {arg}={_shown(value)} "
            f"but `{label or arg}` can only be a number"
        )
    return int(value)


def _range(args: Args, budget: RenderBudget) -> Value:
    start = _usize_arg("range", args, "start", 0)
    step = _usize_arg("range", args, "step_by", 1, label="step")
    end = _usize_arg("range", args, "end", None)
    if start > end:
        raise TeraError(
            "Function `range` was called with a `start` argument greater than the `end` one"
        )
    if step == 0:
        if start == end:
            return []
        raise UnsupportedConstruct(
            "`range(step_by=0)`: it never ends (Tera would loop until it runs out of memory)"
        )
    count = -(-(end - start) // step)
    budget.check_items(count, "range(...)")
    return list(range(start, end, step))


def _bool_arg(name: str, args: Args, arg: str) -> bool:
    if arg not in args:
        return False
    value = args[arg]
    if not isinstance(value, bool):
        raise TeraError(
            f"Function `{name}` received {arg}={_shown(value)} but `{arg}` can only be a boolean"
        )
    return value


def _rfc3339(moment: dt.datetime) -> str:
    """Chrono's ``to_rfc3339``: fraction only when non-zero, in 3, 6 or 9 digits."""
    micros = moment.microsecond
    frac = "" if not micros else "." + f"{micros:06}"[: 3 if micros % 1000 == 0 else 6]
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return stamp + frac + _offset(_Moment(moment, None, True), 1)


def _now(args: Args, budget: RenderBudget) -> Value:
    utc = _bool_arg("now", args, "utc")
    timestamp = _bool_arg("now", args, "timestamp")
    moment = dt.datetime.now(dt.UTC) if utc else dt.datetime.now().astimezone()
    if timestamp:
        return int(moment.timestamp())
    return _rfc3339(moment)


def _throw(args: Args, budget: RenderBudget) -> Value:
    if "message" not in args:
        raise TeraError("Function `throw` was called without a `message` argument")
    message = args["message"]
    if not isinstance(message, str):
        raise TeraError(
            f"Function `throw` received message={_shown(message)} "
            "but `message` can only be a string"
        )
    raise TeraError(message)


def _isize_arg(name: str, args: Args, arg: str, default: int | None) -> int:
    if arg not in args:
        if default is None:
            raise TeraError(f"Function `{name}` didn't receive an `{arg}` argument")
        return default
    value = args[arg]
    if not (is_int(value) and I64_MIN <= value <= I64_MAX):
        raise TeraError(
            f"Function `{name}` received {arg}={_shown(value)} but `{arg}` can only be a number"
        )
    return int(value)


def _get_random(args: Args, budget: RenderBudget) -> Value:
    start = _isize_arg("get_random", args, "start", 0)
    end = _isize_arg("get_random", args, "end", None)
    if start >= end:
        raise TeraError(f"Function `get_random` needs start < end (got start={start}, end={end})")
    return random.randrange(start, end)


def _get_env(args: Args, budget: RenderBudget) -> Value:
    if "name" not in args:
        raise TeraError("Function `get_env` didn't receive a `name` argument")
    name = args["name"]
    if not isinstance(name, str):
        raise TeraError(
            f"Function `get_env` received name={_shown(name)} but `name` can only be a string"
        )
    if name in os.environ:
        return os.environ[name]
    if "default" in args:
        return args["default"]
    raise TeraError(f"Environment variable `{name}` not found")


FUNCTIONS: dict[str, Function] = {
    "range": _range,
    "now": _now,
    "throw": _throw,
    "get_random": _get_random,
    "get_env": _get_env,
}
