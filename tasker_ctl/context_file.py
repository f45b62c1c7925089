r"""Reading a task context (``run --context FILE``) the way production parses it.

The real system parses a task's context with Rust's serde_json into a
``serde_json::Value``. What it refuses, :func:`load_context` refuses, with an
:class:`~tasker_ctl.errors.InputFileError` that names the file and, where there
is one, the line, column and JSON path (``$.order.items[3]``):

* anything but a regular file or standard input (``-``): a FIFO could block
  and ``/dev/zero`` never ends, so they are refused before any byte is read;
* more than :data:`MAX_BYTES`; at most ``MAX_BYTES + 1`` bytes are ever read,
  whatever ``stat`` says, so no input can exhaust memory;
* bytes that are not UTF-8, and a UTF-8 byte-order mark;
* nesting deeper than :data:`MAX_DEPTH`: serde_json's recursion limit (128)
  refuses the 128th array or object nested in another. A scan of the text
  finds it before :func:`json.loads` runs, so no depth of input makes the
  parser recurse;
* ``NaN``, ``Infinity`` and ``-Infinity``, which Python's :mod:`json` accepts
  and JSON and serde_json do not;
* numbers outside the f64 range (``1e400``, an integer of 310 digits), which
  serde_json reports as "number out of range"; such an integer is never handed
  to :class:`int` (Python refuses to convert more than 4,300 digits anyway);
* a string with a lone UTF-16 surrogate escape (``"\ud800"``), which a Rust
  ``String`` cannot hold;
* a top-level value that is not an object (handlers get the context as a dict).

Integers beyond 64 bits (above ``2**64 - 1`` or below ``-2**63``) are *not*
refused: serde_json turns them into an f64, so a production handler sees a
float (``18446744073709551616`` arrives as ``1.8446744073709552e+19``). The
loader does the same, so a local run sees what production sees, and reports
each such number with its JSON path through ``on_warning``. ``-0`` is an f64
(``-0.0``) in serde_json too, and is treated alike.

Forms (:func:`read_context`, ``run --context SPEC --set key.path=value``):

* ``SPEC`` is a JSON file, a YAML file (``.yaml``/``.yml``), ``-`` for standard
  input (JSON when it starts with ``{``, ``[`` or ``"``, else YAML: JSON is YAML
  too, but the JSON rules give their line and column) or inline JSON (a value starting with
  ``{`` that is not an existing file);
* a YAML context is read as serde_yaml reads YAML into a ``serde_json::Value``
  (YAML 1.2 core types: ``yes`` is a string; duplicate keys, more than one
  document, anchors that expand too far and nesting beyond serde_yaml's limit
  are refused with their line and column) and then goes through the very same
  JSON rules as a JSON file (64-bit integers, number range, surrogates, depth);
* each ``--set key.path=value`` sets one field: ``value`` is parsed as JSON (with
  the same rules) when it is JSON, else kept as a string; ``order.items[0].sku``
  names nested fields and list items (an index equal to the length appends);
  missing objects on the way are created. A path through a value that is not an
  object or list, a bad index or an empty key is an error naming the path.

This module prints nothing and imports neither Typer nor Rich.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate, islice
from pathlib import Path
from typing import Any

from tasker_ctl.errors import InputFileError, Location

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "apply_overrides",
    "load_context",
    "parse_context",
    "parse_yaml_context",
    "read_context",
]

MAX_BYTES = 64 * 1024 * 1024
"""The largest context file read (64 MiB; real contexts are a few KB)."""
MAX_DEPTH = 127
"""Levels of nested arrays/objects serde_json accepts; the 128th is refused."""

_I64_MIN = -(2**63)
_U64_MAX = 2**64 - 1
_F64_DIGITS = 309
"""An integer literal with more digits than this is beyond f64 (max ~1.8e308)."""
_WARNINGS_NAMED = 3

_EXAMPLE_HINT = 'the context must be a JSON object, e.g. {"order_id": 42}'
_STRING_HINT = "pass it as a string if the handler needs it as written"

# A JSON number, as Python's json scanner reads it (used to find one in the text).
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
# The cheap pre-checks work on the raw bytes (UTF-8 never hides an ASCII byte in a
# multi-byte character): digits become 0 and E becomes e, and the bytes are then
# searched for an integer of 19+ digits, a 3-digit exponent or a lone -0. Only
# text holding one of them is parsed with the (slower) checking number hooks.
_DIGITS = bytes.maketrans(b"0123456789E", b"0000000000e")
_RISKY_RUNS = (b"0" * 19, b"e000", b"e+000", b"e-000")
_MINUS_ZERO = re.compile(rb"-0(?![.0e])")
_NOT_STRUCTURAL = bytes(set(range(256)) - set(b'[]{}"'))
_CURLY_TO_SQUARE = bytes.maketrans(b"{}", b"[]")
# A high surrogate escape not followed by a low one, or a low one not after a high one
# (it may also match after an escaped backslash: the scan then has the last word).
_LONE_SURROGATE = re.compile(
    r"\\u[dD](?:[89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])"
    r"|[c-fC-F](?<!\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F]))"
)
# The scanner: the next token outside strings, and the rest of a string.
_TOKEN = re.compile(r'[\[\]{},:"]|[^\s\[\]{},:"]+')
_STRING_REST = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BRACKET_DELTA = {ord("["): 1, ord("]"): -1}


def load_context(
    path: Path | None, *, on_warning: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Read the task context from ``path`` (``-`` is standard input; ``None`` is ``{}``).

    ``on_warning`` receives one sentence per parity note (integers that
    production turns into floats); without it they are dropped.

    Raises:
        InputFileError: The file is missing, not a regular file, too large, not
            UTF-8, not JSON as serde_json reads it, or not a JSON object.
    """
    if path is None:
        return {}
    if str(path) == "-":
        return parse_context(_read_stdin(), "standard input", on_warning=on_warning)
    return parse_context(_read_file(path), str(path), on_warning=on_warning)


def parse_context(
    raw: bytes, label: str, *, on_warning: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Parse context bytes already read; ``label`` names their source in errors.

    Raises:
        InputFileError: As :func:`load_context`, for everything after reading.
    """
    if len(raw) > MAX_BYTES:
        raise _too_large(label)
    text = _decode(raw, label)
    too_deep = _too_deep(raw, text)
    if too_deep is not None:
        offset, path = too_deep
        raise InputFileError(
            f"the context nests arrays/objects more than {MAX_DEPTH} deep (at "
            f"{_render_path(path)}); serde_json, the real parser, refuses the "
            f"{MAX_DEPTH + 1}th level (its recursion limit)",
            location=_location(label, text, offset),
            hint="flatten the structure; task contexts are passed to handlers as JSON",
        )
    wide: list[str] = []
    data = _loads(text, label, wide, checked=_risky_numbers(raw))
    if not isinstance(data, dict):
        raise InputFileError(
            f"the context must be a JSON object, not {type(data).__name__}",
            location=Location(label),
            hint="Tasker passes the context to handlers as a dict (task.context)",
        )
    if _LONE_SURROGATE.search(text):
        _check_surrogates(text, label)
    if wide and on_warning is not None:
        on_warning(_wide_warning(text, label, len(wide)))
    return data


def _read_file(path: Path) -> bytes:
    """At most ``MAX_BYTES + 1`` bytes of a regular file; anything else is refused."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputFileError(
            f"context file {path} does not exist",
            hint="pass a JSON object file with --context, e.g. --context context.json",
        ) from None
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    _require_regular(path, info.st_mode)
    if info.st_size > MAX_BYTES:
        raise _too_large(str(path))
    try:
        # O_NONBLOCK: should a FIFO be swapped in after the check, opening it cannot hang
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            _require_regular(path, os.fstat(handle.fileno()).st_mode)
            return handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _unreadable(path, exc) from exc


def _require_regular(path: Path, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise InputFileError(
            f"context file {path} is a directory",
            hint="pass the JSON file itself, e.g. --context context.json",
        )
    if not stat.S_ISREG(mode):
        raise InputFileError(
            f"context file {path} is not a regular file (a FIFO, device or socket could "
            "block or never end)",
            hint="save the context to a file, or pipe it in with --context -",
        )


def _read_stdin() -> bytes:
    stream = sys.stdin
    if stream is None:
        raise InputFileError(
            "--context - reads standard input, but there is none",
            hint="pipe the JSON object in, or pass a file: --context context.json",
        )
    try:
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            data = buffer.read(MAX_BYTES + 1)
            return data if isinstance(data, bytes) else bytes(data)
        return str(stream.read(MAX_BYTES + 1)).encode("utf-8", "surrogateescape")
    except OSError as exc:
        raise InputFileError(
            f"cannot read the context from standard input: {exc.strerror or exc}"
        ) from exc


def _unreadable(path: Path, exc: OSError) -> InputFileError:
    return InputFileError(
        f"cannot read context file {path}: {exc.strerror or exc}",
        hint="check the path and its permissions",
    )


def _too_large(label: str) -> InputFileError:
    return InputFileError(
        f"the context is larger than {MAX_BYTES // (1024 * 1024)} MiB",
        location=Location(label),
        hint="task contexts are small JSON objects; pass large data by reference "
        "(a path or URL in the context)",
    )


def _decode(raw: bytes, label: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"the context is not UTF-8: invalid byte 0x{raw[exc.start]:02x} at offset {exc.start}",
            location=Location.of_byte(label, raw, exc.start),
            hint="save the context as UTF-8; serde_json, the real parser, reads nothing else",
        ) from None
    if text.startswith("\ufeff"):
        raise InputFileError(
            "the context starts with a UTF-8 byte-order mark, which serde_json, the real "
            "parser, rejects",
            location=Location(label, 1, 1),
            hint="save the file as UTF-8 without a BOM",
        )
    return text


class _Refused(Exception):
    """A literal the real parser refuses, raised from a json hook."""

    def __init__(self, literal: str) -> None:
        super().__init__(literal)
        self.literal = literal


def _refuse_constant(name: str) -> Any:
    raise _Refused(name)


def _risky_numbers(raw: bytes) -> bool:
    """Whether ``raw`` may hold a number serde_json reads differently from Python."""
    digits = raw.translate(_DIGITS)
    return any(run in digits for run in _RISKY_RUNS) or _MINUS_ZERO.search(digits) is not None


def _loads(text: str, label: str, wide: list[str], *, checked: bool) -> Any:
    """``json.loads`` with serde_json's number rules; ``wide`` collects integers made floats.

    With ``checked`` false the text holds no number that needs the rules (see
    :func:`_risky_numbers`), and Python's own fast number parsing is used.
    """

    def parse_int(literal: str) -> int | float:
        digits = len(literal) - literal.startswith("-")
        if digits < 19 and literal != "-0":
            return int(literal)
        if digits > _F64_DIGITS:
            raise _Refused(literal)
        value = int(literal)
        if _I64_MIN <= value <= _U64_MAX and literal != "-0":
            return value
        try:
            as_float = float(value) if literal != "-0" else -0.0
        except OverflowError:
            raise _Refused(literal) from None
        wide.append(literal)
        return as_float

    def parse_float(literal: str) -> float:
        value = float(literal)
        if math.isinf(value):
            raise _Refused(literal)
        return value

    try:
        return json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_int=parse_int if checked else None,
            parse_float=parse_float if checked else None,
        )
    except json.JSONDecodeError as exc:
        raise InputFileError(
            f"invalid JSON in the context: {exc.msg}",
            location=Location(label, exc.lineno, exc.colno),
            hint=_EXAMPLE_HINT,
        ) from None
    except _Refused as refused:
        raise _refused_error(text, label, refused.literal) from None
    except RecursionError:  # the depth scan should have caught it first
        raise InputFileError(
            "the context nests arrays/objects too deeply",
            location=Location(label),
            hint="flatten the structure",
        ) from None
    except ValueError as exc:
        raise InputFileError(
            f"invalid JSON in the context: {exc}", location=Location(label), hint=_EXAMPLE_HINT
        ) from None


def _refused_error(text: str, label: str, literal: str) -> InputFileError:
    found = _find_literal(text, literal)
    where = f" at {_render_path(found[1])}" if found is not None else ""
    location = _location(label, text, found[0]) if found is not None else Location(label)
    if literal in ("NaN", "Infinity", "-Infinity"):
        return InputFileError(
            f"{literal}{where} is not JSON; serde_json, the real parser, rejects it",
            location=location,
            hint='use null, or a string such as "NaN"',
        )
    return InputFileError(
        f"number out of range{where}: {_shorten(literal)} does not fit a 64-bit float; "
        "serde_json, the real parser, rejects it",
        location=location,
        hint=_STRING_HINT,
    )


def _check_surrogates(text: str, label: str) -> None:
    r"""Refuse a string whose ``\uXXXX`` escapes leave a lone surrogate."""
    for token in _scan(text):
        if token.kind not in ("key", "string") or "\\u" not in token.text:
            continue
        try:
            json.loads(token.text).encode("utf-8")
        except UnicodeEncodeError:
            raise InputFileError(
                f"a {'key' if token.kind == 'key' else 'string'} at "
                f"{_render_path(token.path)} holds a lone UTF-16 surrogate escape, which "
                "serde_json, the real parser, rejects",
                location=_location(label, text, token.start),
                hint="escape characters beyond U+FFFF as a surrogate pair "
                "(\\ud83d\\ude00), or write them as UTF-8",
            ) from None
        except ValueError:
            continue


def _wide_warning(text: str, label: str, count: int) -> str:
    wide = (_render_path(t.path) for t in _number_tokens(text) if _is_wide(t.text))
    paths = list(islice(wide, _WARNINGS_NAMED))
    more = f" and {count - len(paths)} more" if count > len(paths) else ""
    return (
        f"{label}: integers beyond 64 bits (or -0) in the context at {', '.join(paths)}{more}: "
        "serde_json, the real parser, turns them into floats, and so does this run, so "
        "handlers see floats; pass them as strings to keep every digit"
    )


def _is_wide(literal: str) -> bool:
    if literal == "-0":
        return True
    if any(c in literal for c in ".eE"):
        return False
    digits = len(literal) - literal.startswith("-")
    if digits < 19:
        return False
    if digits > _F64_DIGITS:
        return False
    return not _I64_MIN <= int(literal) <= _U64_MAX


# ---------------------------------------------------------------------------
# Locating things in the text without parsing it into values (no recursion)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    """``open`` (``[``/``{``), ``key``, ``string`` or ``bare`` (a number or literal)."""
    text: str
    start: int
    path: tuple[str | int, ...]
    """Where the token's value sits (for ``open``: the container's own path)."""


def _scan(text: str) -> Iterator[_Token]:
    """The tokens of ``text`` in order, each with its JSON path; stops at an open string.

    Exact for valid JSON and never recursive; on invalid JSON it carries on as
    well as it can (json.loads reports the syntax error afterwards).
    """
    # one frame per open container: [is_object, position (index or key), expecting_key]
    frames: list[list[Any]] = []
    pos = 0
    while True:
        match = _TOKEN.search(text, pos)
        if match is None:
            return
        start, pos = match.start(), match.end()
        char = match.group()
        top = frames[-1] if frames else None
        if char in "[{":
            yield _Token("open", char, start, tuple(f[1] for f in frames))
            frames.append([char == "{", 0 if char == "[" else None, char == "{"])
        elif char in "]}":
            if frames:
                frames.pop()
        elif char == ",":
            if top is not None:
                if top[0]:
                    top[2] = True
                else:
                    top[1] += 1
        elif char == ":":
            if top is not None and top[0]:
                top[2] = False
        elif char == '"':
            rest = _STRING_REST.match(text, pos)
            if rest is None:
                return
            pos = rest.end()
            raw = text[start:pos]
            if top is not None and top[0] and top[2]:
                top[1] = _decode_key(raw)
                yield _Token("key", raw, start, tuple(f[1] for f in frames))
            else:
                yield _Token("string", raw, start, tuple(f[1] for f in frames))
        else:
            yield _Token("bare", char, start, tuple(f[1] for f in frames))


def _decode_key(raw: str) -> str:
    try:
        key = json.loads(raw)
    except ValueError:
        return raw[1:-1]
    return key if isinstance(key, str) else raw[1:-1]


def _number_tokens(text: str) -> Iterator[_Token]:
    """Bare tokens cut to the number json reads at their start (``1e400x`` -> ``1e400``)."""
    for token in _scan(text):
        if token.kind == "bare":
            number = _NUMBER.match(token.text)
            if number is not None:
                yield _Token("bare", number.group(), token.start, token.path)


def _find_literal(text: str, literal: str) -> tuple[int, tuple[str | int, ...]] | None:
    """Offset and path of the first bare ``literal`` (json raised on the first one)."""
    for token in _scan(text):
        if token.kind != "bare":
            continue
        number = _NUMBER.match(token.text)
        found = number.group() if number is not None else token.text
        if found == literal or (number is None and token.text.startswith(literal)):
            return token.start, token.path
    return None


def _too_deep(raw: bytes, text: str) -> tuple[int, tuple[str | int, ...]] | None:
    """Offset and path of the first array/object nested deeper than ``MAX_DEPTH``."""
    if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH:
        return None
    # Cheap bounds first, at C speed, on the bytes: drop escaped backslashes and
    # quotes, keep only brackets and quotes, drop adjacent quote pairs (which
    # changes no bracket's inside/outside-a-string status), then the strings.
    kept = raw.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_STRUCTURAL)
    brackets = b"".join(kept.replace(b'""', b"").split(b'"')[::2]).translate(_CURLY_TO_SQUARE)
    # Each pass removes the innermost pairs, so emptied in n passes means depth <= n.
    rest = brackets
    for _ in range(MAX_DEPTH):
        shorter = rest.replace(b"[]", b"")
        if not shorter:
            return None
        if shorter == rest:
            break
        rest = shorter
    # Not balanced (invalid JSON), or deep: the running depth is exact for valid JSON.
    if max(accumulate(map(_BRACKET_DELTA.__getitem__, brackets)), default=0) <= MAX_DEPTH:
        return None
    for token in _scan(text):  # the last word, and the path
        if token.kind == "open" and len(token.path) >= MAX_DEPTH:
            return token.start, token.path
    return None


def _render_path(path: tuple[str | int, ...]) -> str:
    """``$.order.items[3]``; long paths keep their ends (``$[0][0]...[0]``), long keys shrink."""
    parts = [_segment(p) for p in path]
    if len(parts) > 10:
        parts = [*parts[:5], f"...({len(parts) - 8} more)...", *parts[-3:]]
    return "$" + "".join(parts)


def _segment(part: str | int) -> str:
    if isinstance(part, int):
        return f"[{part}]"
    if _IDENTIFIER.fullmatch(part) and len(part) <= 40:
        return f".{part}"
    shown = part if len(part) <= 40 else part[:37] + "..."
    return "[" + json.dumps(shown, ensure_ascii=False) + "]"


def _shorten(literal: str) -> str:
    if len(literal) <= 40:
        return literal
    digits = sum(c.isdigit() for c in literal)
    return f"{literal[:20]}...{literal[-6:]} ({digits} digits)"


def _location(label: str, text: str, offset: int) -> Location:
    line = text.count("\n", 0, offset) + 1
    return Location(label, line, offset - text.rfind("\n", 0, offset))


# -- forms: YAML, inline JSON, standard input, --set --------------------------------------

_YAML_SUFFIXES = (".yaml", ".yml")
_INLINE_LABEL = "--context (inline JSON)"


def read_context(
    spec: str | None,
    overrides: Sequence[str] = (),
    *,
    on_warning: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """The task context from ``--context SPEC`` and ``--set`` overrides (see the module doc).

    Raises:
        InputFileError: The source cannot be read or parsed, or an override is malformed
            or its path cannot be set.
    """
    if spec is None:
        context: dict[str, Any] = {}
    elif spec == "-":
        raw = _read_stdin()
        if raw.lstrip()[:1] in (b"{", b"[", b'"'):
            context = parse_context(raw, "standard input", on_warning=on_warning)
        else:
            context = parse_yaml_context(raw, "standard input", on_warning=on_warning)
    elif spec.lstrip().startswith("{") and not Path(spec).exists():
        context = parse_context(spec.encode("utf-8", "surrogatepass"), _INLINE_LABEL,
                                on_warning=on_warning)  # fmt: skip
    elif spec.lower().endswith(_YAML_SUFFIXES):
        context = parse_yaml_context(_read_file(Path(spec)), spec, on_warning=on_warning)
    else:
        context = parse_context(_read_file(Path(spec)), spec, on_warning=on_warning)
    if overrides:
        context = apply_overrides(context, overrides, on_warning=on_warning)
    return context


def parse_yaml_context(
    raw: bytes, label: str, *, on_warning: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """A YAML mapping read as serde_yaml reads it into JSON, then held to the JSON rules.

    Raises:
        InputFileError: As :func:`parse_context`, and for YAML problems (syntax,
            duplicate keys, several documents, tags serde_json cannot hold), with
            the line and column in ``label``.
    """
    if len(raw) > MAX_BYTES:
        raise _too_large(label)
    from tasker_ctl.validation.yaml_source import parse_document

    document = parse_document(raw)
    problem = document.problem
    if problem is not None:
        message = problem.message
        if problem.rule_id == "NOT_A_MAPPING":
            if "empty" in message:
                message = "the context is empty"
            else:
                kind = "a sequence" if "sequence" in message else "a scalar"
                message = f"the context must be a mapping of fields, not {kind}"
        raise InputFileError(
            message,
            location=Location(label, problem.line, problem.column),
            hint=_EXAMPLE_YAML_HINT if problem.rule_id == "NOT_A_MAPPING" else problem.hint,
        )
    assert document.root is not None
    nan: list[str] = []
    value = _yaml_value(document.root, label, (), nan)
    if nan and on_warning is not None:
        on_warning(
            f"{label}: {len(nan)} value(s) (.nan/.inf) are not JSON numbers; serde_json stores "
            f"them as null, so handlers get None (first at {nan[0]})"
        )
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    return parse_context(
        text.encode("utf-8", "surrogatepass"), f"{label} (read as JSON)", on_warning=on_warning
    )


_EXAMPLE_YAML_HINT = "the context must be a mapping of fields, e.g. `order_id: 42`"


def _yaml_value(node: Any, label: str, path: tuple[str | int, ...], nan: list[str]) -> Any:
    from tasker_ctl.validation.scalars import core_scalar, is_integer_literal
    from tasker_ctl.validation.yaml_nodes import Mapping, Scalar, Sequence

    def error(message: str, at: Any, hint: str | None = None) -> InputFileError:
        return InputFileError(
            message, location=Location(label, at.line, at.column), hint=hint or _EXAMPLE_YAML_HINT
        )

    if len(path) > MAX_DEPTH and not isinstance(node, Scalar):
        raise error(
            f"the context nests mappings/sequences more than {MAX_DEPTH} deep (at "
            f"{_render_path(path)}); the JSON rules refuse the {MAX_DEPTH + 1}th level",
            node,
            "flatten the structure",
        )
    if isinstance(node, Scalar):
        if node.tag is not None:
            if node.tag in ("!!str", "tag:yaml.org,2002:str"):
                return node.value
            raise error(
                f"the tag {node.tag} at {_render_path(path)} has no JSON equivalent "
                "(serde_json::Value holds no tagged values)",
                node,
                "remove the tag; quote the value to keep it as a string",
            )
        if is_integer_literal(node):
            # the integer as JSON would hold it: the JSON rules below then turn one beyond
            # 64 bits into a float (with a warning), as serde_json does
            value = _yaml_integer(node.value)
            if value is None:
                raise error(
                    f"number out of range at {_render_path(path)}: {_shorten(node.value)} does "
                    "not fit a 64-bit float; serde_json, the real parser, rejects it",
                    node,
                    _STRING_HINT,
                )
            return value
        value = core_scalar(node)
        if isinstance(value, float) and not math.isfinite(value):
            nan.append(_render_path(path))
            return None
        if isinstance(value, str) and node.plain and _NUMBER.fullmatch(node.value):
            raise error(  # 1e400: a string for serde_yaml, refused by the JSON rules
                f"number out of range at {_render_path(path)}: {_shorten(node.value)} does "
                "not fit a 64-bit float; serde_json, the real parser, rejects it",
                node,
                _STRING_HINT,
            )
        return value
    if node.tag is not None:
        raise error(
            f"the tag {node.tag} at {_render_path(path)} has no JSON equivalent",
            node,
            "remove the tag",
        )
    if isinstance(node, Sequence):
        return [_yaml_value(item, label, (*path, i), nan) for i, item in enumerate(node.items)]
    assert isinstance(node, Mapping)
    out: dict[str, Any] = {}
    for key_node, value_node in node.pairs:
        if not isinstance(key_node, Scalar) or key_node.tag not in (None, "!!str"):
            raise error(
                f"a key at {_render_path(path)} is not a string: JSON object keys are strings",
                key_node,
                "write the key as plain text",
            )
        key = key_node.value
        if key in out:
            raise error(
                f"duplicate key {key!r} at {_render_path(path)}; serde_yaml refuses it",
                key_node,
                "remove one of the two entries",
            )
        out[key] = _yaml_value(value_node, label, (*path, key), nan)
    return out


def _yaml_integer(text: str) -> int | None:
    """A YAML 1.2 integer literal's value, ``None`` beyond the f64 range (never huge work)."""
    body = text.lstrip("+-")
    base = {"0x": 16, "0o": 8}.get(body[:2], 10)
    digits = body[2:] if base != 10 else body
    if len(digits.lstrip("0")) > _F64_DIGITS + 1:
        return None
    value = int(digits, base) * (-1 if text.startswith("-") else 1)
    try:
        float(value)
    except OverflowError:
        return None
    return value


_SEGMENT = re.compile(r"([^.\[\]]*)((?:\[[^\]]*\])*)")


def parse_path(path: str) -> tuple[str | int, ...]:
    """``order.items[0].sku`` -> ``("order", "items", 0, "sku")``.

    Raises:
        InputFileError: An empty key, an unclosed or non-numeric index.
    """
    parts: list[str | int] = []
    if not path:
        raise _set_error(path, "the path is empty")
    for piece in path.split("."):
        match = _SEGMENT.fullmatch(piece)
        if match is None:
            raise _set_error(path, f"cannot read {piece!r} (a key, then [index]...)")
        key, indexes = match.groups()
        if not key:
            raise _set_error(path, "a key is empty (two dots, or a leading/trailing dot)")
        parts.append(key)
        for index in re.findall(r"\[([^\]]*)\]", indexes):
            if not index.isascii() or not index.isdigit():
                raise _set_error(path, f"[{index}] is not a list index (0, 1, 2...)")
            parts.append(int(index))
    return tuple(parts)


def _set_error(path: str, why: str) -> InputFileError:
    return InputFileError(
        f"--set {path}: {why}",
        hint="write --set key.path=value, e.g. --set order.items[0].qty=2 "
        "(the value is JSON, else a string)",
    )


def parse_override(
    text: str, *, on_warning: Callable[[str], None] | None = None
) -> tuple[tuple[str | int, ...], Any]:
    """``key.path=value`` -> (path, value); the value is JSON when it parses as JSON."""
    path, sep, raw = text.partition("=")
    if not sep:
        raise _set_error(text, "there is no '=' (write key.path=value)")
    parts = parse_path(path)
    try:
        json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, _Refused, RecursionError):
        return parts, raw  # not JSON: the text itself
    wrapped = b'{"value":' + raw.encode("utf-8", "surrogatepass") + b"}"
    try:
        parsed = parse_context(wrapped, f"--set {path}", on_warning=on_warning)
    except InputFileError as exc:
        why = exc.message.replace(" at $.value", "")
        raise _set_error(path, f"production refuses the JSON value: {why}") from None
    return parts, parsed["value"]


def apply_overrides(
    context: dict[str, Any],
    overrides: Sequence[str],
    *,
    on_warning: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """``context`` with each ``key.path=value`` set, checked again by the JSON rules."""
    for text in overrides:
        parts, value = parse_override(text, on_warning=on_warning)
        shown = text.partition("=")[0]
        _set(context, parts, value, shown)
    text = json.dumps(context, ensure_ascii=False, allow_nan=False)
    return parse_context(text.encode("utf-8", "surrogatepass"), "the context after --set")


def _set(context: dict[str, Any], parts: tuple[str | int, ...], value: Any, shown: str) -> None:
    current: Any = context
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        here = _render_path(parts[:depth])
        if isinstance(part, str):
            if not isinstance(current, dict):
                raise _set_error(
                    shown, f"{here} is {_kind(current)}, not an object: cannot set key {part!r}"
                )
            if last:
                current[part] = value
                return
            nxt = parts[depth + 1]
            if part not in current or current[part] is None:
                current[part] = [] if isinstance(nxt, int) else {}
            current = current[part]
        else:
            if not isinstance(current, list):
                raise _set_error(
                    shown, f"{here} is {_kind(current)}, not a list: cannot set index [{part}]"
                )
            if part > len(current):
                raise _set_error(
                    shown,
                    f"index [{part}] is out of range: {here} has {len(current)} item(s) "
                    f"(use [{len(current)}] to append)",
                )
            if part == len(current):
                current.append(None)
            if last:
                current[part] = value
                return
            if current[part] is None:
                current[part] = [] if isinstance(parts[depth + 1], int) else {}
            current = current[part]


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"
