"""``--events FILE``: one JSON line per run event, appended and flushed as it happens.

Each line is ``{"v": 1, "seq": n, "time": <UTC ISO>, "virtual_ms": t,
"type": <snake_case event name>, ...fields}`` (for state changes, ``event`` is
the state-machine event, e.g. ``enqueue``). An ``attempt_finished`` line of a
failed attempt also carries ``exception_type``, ``location``, ``source_line`` and
``traceback``, the same values as the step's ``error`` in the JSON report (fields
are only ever added within version 1). Lines are written and flushed (and
handed to the OS) before the runner moves on, so an interrupted or crashed run
leaves its history behind. The file is opened in append mode: several runs
accumulate in one log, each starting with a ``run_started`` line.
"""

from __future__ import annotations

import contextlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from tasker_ctl.errors import InputFileError
from tasker_ctl.executor import RunEvent, RunWarning

EVENTS_VERSION = 1
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _event_name(event: RunEvent) -> str:
    return _CAMEL.sub("_", type(event).__name__).lower()


def _plain(value: Any) -> Any:
    if isinstance(value, RunWarning):
        return {"code": str(value.code), "message": value.message, "step": value.step}
    return value


class EventLog:
    """A run observer that appends JSON lines to a file."""

    def __init__(self, path: Path) -> None:
        try:
            # lone surrogates (from undecodable bytes) become JSON escapes, never a crash
            self._file: IO[str] = path.open("a", encoding="utf-8", errors="backslashreplace")
        except OSError as exc:
            raise InputFileError(
                f"cannot open events file {path}: {exc.strerror or exc}",
                hint="check the directory exists and is writable",
            ) from exc
        self.path = path
        self._seq = 0
        self.failure: str | None = None
        """Why writing stopped (a full disk...): the run goes on, the log ends there."""

    def on_event(self, event: RunEvent, virtual_ms: float) -> None:
        """Append one line for ``event`` and flush it to the OS."""
        if self.failure is not None:
            return
        self._seq += 1
        line: dict[str, Any] = {
            "v": EVENTS_VERSION,
            "seq": self._seq,
            "time": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "virtual_ms": round(virtual_ms, 3),
            "type": _event_name(event),
        }
        for name in event.__slots__:
            line[name] = _plain(getattr(event, name))
        try:
            self._file.write(json.dumps(line, default=str, ensure_ascii=False) + "\n")
            self._file.flush()
        except OSError as exc:
            self.failure = f"writing {self.path} failed at event {self._seq}: {exc}"

    def close(self) -> None:
        """Close the file."""
        with contextlib.suppress(OSError):
            self._file.close()
