"""Reading TOML files with errors that point at the file, line and column."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from tasker_ctl.errors import Location, TaskerCtlError

_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def read_toml(
    path: Path, error: type[TaskerCtlError], *, hint: str | None = None
) -> dict[str, Any]:
    """Parse ``path``; raise ``error`` (with the location of the problem) if it cannot."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise error(f"{path.name} not found", location=Location(path)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read the file: {exc}", location=Location(path)) from exc
    try:
        return tomllib.loads(text)
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
