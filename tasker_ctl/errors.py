"""The one error hierarchy of tasker-ctl and its mapping to exit codes.

Findings (lint problems, failed workflow steps) are data, not exceptions.
An exception derived from :class:`TaskerCtlError` means the tool could not do
the job the user asked for: a missing file, a bad parameter, an unknown
template. Every such error carries a message, an optional location and an
optional hint saying what to do; the CLI boundary prints them and exits with
``error.exit_code``. Anything else that escapes is a bug (exit code 3).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path


class ExitCode(enum.IntEnum):
    """Process exit codes, as fixed by the product contract."""

    OK = 0
    """Success: templates clean (warnings allowed), task complete, files written."""
    FINDINGS = 1
    """Lint findings, or a workflow run whose task did not complete."""
    USAGE = 2
    """Usage or input error: bad flag, missing file, bad parameter, refused write."""
    INTERNAL = 3
    """A bug in tasker-ctl."""
    INTERRUPTED = 130
    """Interrupted by the user (Ctrl-C)."""
    HANGUP = 129
    """Stopped by SIGHUP (the terminal went away)."""
    TERMINATED = 143
    """Stopped by SIGTERM (a CI job cancelled, a container stopped)."""

    @classmethod
    def for_signal(cls, name: str | None) -> ExitCode:
        """The conventional exit code (128 + signal number) of a run stopped by ``name``."""
        return {"SIGHUP": cls.HANGUP, "SIGTERM": cls.TERMINATED}.get(name or "", cls.INTERRUPTED)


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a file: 1-based line and column, either may be unknown."""

    path: Path | str
    line: int | None = None
    column: int | None = None

    @classmethod
    def of_byte(cls, path: Path | str, raw: bytes, offset: int) -> Location:
        """Where ``raw[offset]`` is in the file ``path`` (see :func:`byte_position`)."""
        return cls(path, *byte_position(raw, offset))

    def __str__(self) -> str:
        text = str(self.path)
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


def byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (counted in bytes) of ``raw[offset]``.

    For a place found in bytes that are not text yet, e.g. where UTF-8 decoding failed.
    """
    line = raw.count(b"\n", 0, offset) + 1
    return line, offset - (raw.rfind(b"\n", 0, offset) + 1) + 1


class TaskerCtlError(Exception):
    """Base class of every error tasker-ctl reports to the user on purpose."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        location: Location | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.location = location

    def __str__(self) -> str:
        if self.location is not None:
            return f"{self.location}: {self.message}"
        return self.message


class ConfigError(TaskerCtlError):
    """A configuration file cannot be read or holds an invalid value."""


class InputFileError(TaskerCtlError):
    """A file named on the command line is missing, unreadable or malformed."""


class ParameterError(TaskerCtlError):
    """A ``--param`` is malformed, unknown, missing or has an invalid value."""


class TemplateNotFoundError(TaskerCtlError):
    """No scaffold template matches the requested kind, language or plugin."""


class TemplateDefinitionError(TaskerCtlError):
    """A scaffold template or plugin manifest is itself broken."""


class RenderError(TaskerCtlError):
    """A scaffold template failed to render."""


class WriteRefusedError(TaskerCtlError):
    """Writing the generated files was refused; nothing was written."""


class UnsafePathError(WriteRefusedError):
    """A generated path would land outside the output directory."""


class FileConflictError(WriteRefusedError):
    """Generated files already exist and neither --force nor --skip-existing was given."""


class MissingDependencyError(TaskerCtlError):
    """An optional dependency (such as the tasker_core SDK) is not installed."""


class ExecutionError(TaskerCtlError):
    """A workflow run cannot start: its inputs are not runnable as given."""


class HandlerPackageError(ExecutionError):
    """A handler root or package named by the user cannot be found or imported."""


class TemplateNotRunnableError(ExecutionError):
    """The task template has lint errors, so ``run`` refuses to execute it."""


class ContextSchemaError(ExecutionError):
    """The task context does not match the template's ``input_schema`` (``--strict``)."""
