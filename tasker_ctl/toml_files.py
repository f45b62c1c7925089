"""Reading TOML files with errors that point at the file, line and column."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tasker_ctl.errors import Location, TaskerCtlError

_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def read_toml(
    path: Path, error: type[TaskerCtlError], *, hint: str | None = None
) -> dict[str, Any]:
    """Parse ``path``; raise ``error`` (with the location of the problem) if it cannot."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM is skipped, as Rust's toml does
    except FileNotFoundError as exc:
        raise error(f"{path.name} not found", location=Location(path)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read the file: {exc}", location=Location(path)) from exc
    import tomllib  # only when a project has a config file (validate's start-up)

    try:
        return tomllib.loads(text)
    except RecursionError as exc:  # tomllib parses nested arrays/inline tables recursively
        raise error(
            "invalid TOML: arrays or inline tables nest too deeply to be read",
            location=Location(path),
            hint=hint,
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        message = str(exc.args[0]) if exc.args else str(exc)
        line: int | None = getattr(exc, "lineno", None)
        column: int | None = getattr(exc, "colno", None)
        match = _POSITION.search(message)
        if match:
            message = message[: match.start()]
            line, column = int(match.group(1)), int(match.group(2))
        raise error(
            f"invalid TOML: {message}", location=Location(path, line, column), hint=hint
        ) from exc


class TomlTable(dict[str, Any]):
    """A table read from a TOML file that remembers the file, for errors that name it."""

    def __init__(
        self, data: Mapping[str, Any], source: Path | None = None, keys: tuple[str, ...] = ()
    ) -> None:
        super().__init__(data)
        self.source = source
        self.key_path = keys
        """Where the table is in the file (``("lint",)``, ``("cli", "lint")``)."""


_HEADER = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\- ]+?)\s*\]\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")


def key_line(path: Path | None, keys: tuple[str, ...]) -> int | None:
    """Best-effort 1-based line of the dotted key ``keys`` in a TOML file, or ``None``.

    tomllib keeps no positions: this scans for ``[a.b] key = ...`` and, failing that,
    for ``[a] b = {...}`` (an inline table), ``[a.b]`` itself, and so on up.
    """
    if path is None:
        return None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for split in range(len(keys) - 1, -1, -1):
        table, key = keys[:split], keys[split]
        current: tuple[str, ...] = ()
        for number, text in enumerate(lines, 1):
            header = _HEADER.match(text)
            if header:
                current = tuple(part.strip() for part in header.group(1).split("."))
                continue
            found = _KEY.match(text)
            if found and current == table and found.group(1) == key:
                return number
        # the key may be a table header itself: [a.b.key]
        for number, text in enumerate(lines, 1):
            header = _HEADER.match(text)
            if header and tuple(p.strip() for p in header.group(1).split(".")) == keys[: split + 1]:
                return number
    return None
