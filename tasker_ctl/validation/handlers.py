"""Handler checking for one template: which language, and what each callable resolves to.

The engine builds one :class:`HandlerCheck` per file from the (shared, cached)
static index, or from the real ``tasker_core`` registry with ``--import``. The
rules ``HANDLER_NOT_FOUND``, ``HANDLER_NOT_CHECKED``, ``HANDLER_IMPORT_ERROR``,
``METHOD_NOT_FOUND`` and ``HANDLER_KIND_MISMATCH`` read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tasker_ctl.resolution import StaticIndex, build_index
from tasker_ctl.resolution.model import HandlerCheck

__all__ = ["HandlerCheck", "IndexCache"]


class IndexCache:
    """One static scan per set of roots, shared by every file of a lint run."""

    def __init__(self) -> None:
        self._indexes: dict[tuple[Path, ...], StaticIndex] = {}

    def get(self, roots: Sequence[Path]) -> StaticIndex:
        """The static index of ``roots`` (scanned on first use)."""
        key = tuple(dict.fromkeys(r.resolve() for r in roots))
        if key not in self._indexes:
            self._indexes[key] = build_index(key)
        return self._indexes[key]
