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


def rust_json(value: Any, path: str) -> Any:
    """``value`` as Rust stores it (a JSON-safe copy), or :class:`ConversionError`.

    Args:
        value: What the worker hands to Rust.
        path: Where ``value`` is, for messages (e.g. ``result``).

    Raises:
        ConversionError: Rust's conversion would fail.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        _check_text(value, path)
        return value
    if isinstance(value, int):
        if not _I64_MIN <= value <= _U64_MAX:
            raise ConversionError("JSON number out of range", path)
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        converted = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ConversionError(
                    f"unexpected type: '{type(key).__name__}' object cannot be cast as 'str'",
                    f"{path}[{key!r}]",
                )
            _check_text(key, f"{path}[{key!r}]")
            converted[key] = rust_json(item, f"{path}.{key}")
        return converted
    if isinstance(value, list | tuple | set | frozenset):
        return [rust_json(item, f"{path}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, bytes | bytearray):
        raise ConversionError("invalid type: byte array, expected any valid JSON value", path)
    raise ConversionError(f"unsupported type {type(value).__name__}", path)


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


def _check_text(text: str, path: str) -> None:
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ConversionError(f"UnicodeEncodeError: {exc}", path) from None
