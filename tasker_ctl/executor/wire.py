"""What crosses the FFI boundary: Python values as the Rust worker converts them.

The worker hands every completion and checkpoint to Rust, where ``pythonize``
turns the Python dict into ``serde_json`` values. That conversion is stricter
than Python's ``json``: integers must fit in 64 bits (``i64`` or ``u64``),
strings must be valid UTF-8 (no lone surrogates), mapping keys must be
strings, and only ``None``, booleans, numbers, strings, mappings and
sequences (lists, tuples, sets) are accepted. Non-finite floats become
``null``. A value Rust rejects makes the FFI call raise (the ``ValueError``
message is reproduced by :meth:`ConversionError.rust_message`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

_I64_MIN = -(1 << 63)
_U64_MAX = (1 << 64) - 1


class ConversionError(ValueError):
    """A value the Rust side cannot convert; ``path`` says where it is."""

    def __init__(self, reason: str, path: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.reason = reason
        self.path = path

    def rust_message(self, data: str, target: str) -> str:
        """The error text the FFI function raises (``data``: completion or checkpoint)."""
        return (
            f"Conversion error: Failed to convert {data} data: ValueError: Conversion error: "
            f"Failed to convert Python dict to {target}: {self.reason}"
        )


class _Rejected(Exception):
    """Raised deep inside a value; containers add their part of the path on the way out."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.parts: list[str] = []


def rust_json(value: Any, path: str) -> Any:
    """``value`` as Rust stores it (a JSON-safe copy), or :class:`ConversionError`.

    Args:
        value: What the worker hands to Rust.
        path: Where ``value`` is, for messages (e.g. ``result``).

    Raises:
        ConversionError: Rust's conversion would fail.
    """
    try:
        return _convert(value)
    except _Rejected as rejected:
        raise ConversionError(rejected.reason, path + "".join(reversed(rejected.parts))) from None


def _convert(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        if not value.isascii():
            _check_text(value)
        return value
    if kind is int:
        if not _I64_MIN <= value <= _U64_MAX:
            raise _Rejected("JSON number out of range")
        return value
    if value is None or kind is bool or (kind is float and math.isfinite(value)):
        return value
    if kind is dict or (kind is not list and isinstance(value, Mapping)):
        converted = {}
        for key, item in value.items():
            if type(key) is not str or not key.isascii():
                _check_key(key)
            try:
                converted[key] = _convert(item)
            except _Rejected as rejected:
                rejected.parts.append(f".{key}")
                raise
        return converted
    if kind is list or isinstance(value, tuple | set | frozenset):
        items = []
        for index, item in enumerate(value):
            try:
                items.append(_convert(item))
            except _Rejected as rejected:
                rejected.parts.append(f"[{index}]")
                raise
        return items
    if value is None or kind is bool:
        return value
    if isinstance(value, str):
        if not value.isascii():
            _check_text(value)
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        if not _I64_MIN <= value <= _U64_MAX:
            raise _Rejected("JSON number out of range")
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, bytes | bytearray):
        raise _Rejected("invalid type: byte array, expected any valid JSON value")
    raise _Rejected(f"unsupported type {kind.__name__}")


def _check_key(key: Any) -> None:
    if not isinstance(key, str):
        rejected = _Rejected(
            f"unexpected type: '{type(key).__name__}' object cannot be cast as 'str'"
        )
        rejected.parts.append(f"[{key!r}]")
        raise rejected
    try:
        _check_text(key)
    except _Rejected as rejected:
        rejected.parts.append(f"[{key!r}]")
        raise


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise _Rejected(f"UnicodeEncodeError: {exc}") from None


def check_count(value: Any, path: str) -> int:
    """An unsigned 64-bit count (``items_processed``), as Rust extracts it.

    Raises:
        ConversionError: ``value`` is not an integer in ``0..2**64-1``.
    """
    if not isinstance(value, int):
        raise ConversionError(
            f"TypeError: '{type(value).__name__}' object cannot be interpreted as an integer", path
        )
    if value < 0:
        raise ConversionError("OverflowError: can't convert negative int to unsigned", path)
    if value > _U64_MAX:
        raise ConversionError("OverflowError: int too big to convert", path)
    return int(value)
