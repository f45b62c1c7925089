"""The values resolution produces: known handlers and the outcome for one callable."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path


class Status(enum.StrEnum):
    """Whether a callable resolves."""

    FOUND = "found"
    NOT_FOUND = "not_found"
    NOT_CHECKED = "not_checked"


@dataclass(frozen=True)
class HandlerInfo:
    """A handler the worker of ``language`` would register under ``key``."""

    key: str
    language: str
    path: Path
    line: int
    how: str
    """``registration`` (handler_name / DSL decorator / explicit key) or ``class``."""
    kind: str | None = None
    """``standard``, ``decision``, ``batch_analyzer``, ``batch_worker``, ``api``, ``batchable``
    (a ``Batchable`` class) or ``None`` when the source does not tell."""
    worker_template: str | None = None
    methods: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving one callable."""

    status: Status
    language: str | None
    detail: str = ""
    handler: HandlerInfo | None = None
    suggestions: tuple[str, ...] = ()
    problem: ImportProblem | None = None
    """A handler source the callable may live in that cannot be parsed or imported."""


@dataclass(frozen=True)
class ImportProblem:
    """A handler module that failed to import (``--import`` mode)."""

    module: str
    message: str
    path: Path | None = None
    line: int | None = None


@dataclass
class LanguageIndex:
    """What the static scan found for one language."""

    language: str
    available: bool = False
    """Whether any handler source of this language was seen at all."""
    handlers: dict[str, HandlerInfo] = field(default_factory=dict)


@dataclass
class HandlerCheck:
    """Resolution outcomes for the callables of one template."""

    language: str | None
    mode: str
    """``static`` or ``import``."""
    results: dict[int, Resolution] = field(default_factory=dict)
    """Step index -> resolution of its callable."""
    import_problems: list[ImportProblem] = field(default_factory=list)
    missing_methods: dict[int, str] = field(default_factory=dict)
    """Step index -> method that the resolved handler lacks (``--import`` only)."""
    run_advice: dict[int, str] = field(default_factory=dict)
    """Step index -> what ``tasker-ctl run`` needs to find the handler ``validate`` found."""
