"""Keeping stdout for the report while a run executes.

While :func:`report_stream` is active, everything that writes to the process's
stdout (the Rust extension's logger, handler ``print()`` calls, C libraries)
lands on stderr instead: file descriptor 1 is pointed at stderr and
``sys.stdout`` forwards to ``sys.stderr``. The report (and the live view) is
written to the yielded stream, which still reaches the original stdout. With
``--format json`` stdout therefore holds nothing but the JSON document.

When stdout is not a real file (an in-process test runner), only
``sys.stdout`` is redirected.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterable, Iterator
from typing import IO, Any


class _ToStderr:
    """A ``sys.stdout`` stand-in that writes to whatever ``sys.stderr`` is now."""

    encoding = "utf-8"
    errors = "replace"

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def writelines(self, lines: Iterable[str]) -> None:
        sys.stderr.writelines(lines)

    def flush(self) -> None:
        sys.stderr.flush()

    def isatty(self) -> bool:
        return sys.stderr.isatty()

    def fileno(self) -> int:
        return sys.stderr.fileno()


def _fileno(stream: Any) -> int | None:
    try:
        return int(stream.fileno())
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None


@contextlib.contextmanager
def report_stream() -> Iterator[IO[str]]:
    """Yield the stream to write the report to; divert all other stdout output."""
    original = sys.stdout
    original.flush()
    out_fd, err_fd = _fileno(original), _fileno(sys.stderr)
    saved_fd: int | None = None
    report: IO[str] = original
    if out_fd is not None and err_fd is not None and out_fd != err_fd:
        saved_fd = os.dup(out_fd)
        os.dup2(err_fd, out_fd)
        report = os.fdopen(os.dup(saved_fd), "w", encoding="utf-8", errors="replace", buffering=1)
    sys.stdout = _ToStderr()
    try:
        yield report
    finally:
        with contextlib.suppress(Exception):
            report.flush()
        sys.stdout = original
        if saved_fd is not None:
            os.dup2(saved_fd, out_fd)  # type: ignore[arg-type]
            os.close(saved_fd)
            with contextlib.suppress(Exception):
                report.close()
