"""Finding handler sources on disk: one bounded walk, grouped by language.

The walk skips hidden directories (``.git``, ``.venv``...), the usual
dependency/build trees (``node_modules``, ``target``, ``__pycache__``...) and
virtualenvs of any name, never follows symlinked directories, and stops after
:data:`MAX_FILES` files, so pointing ``--handlers-root`` at a large checkout
stays fast. A walk that stops says so (``SourceFiles.truncated``): resolution
then reports callables it did not find as not checked, never as missing.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

MAX_FILES = 20_000
MAX_SOURCE_BYTES = 10 * 1024 * 1024
SKIP_DIRS = frozenset(
    {
        "node_modules",
        "__pycache__",
        "venv",
        "env",
        "target",
        "dist",
        "build",
        "site-packages",
        "vendor",
        "coverage",
    }
)
EXTENSIONS = {
    ".py": "python",
    ".rb": "ruby",
    ".ts": "typescript",
    ".tsx": "typescript",
    ".js": "typescript",
    ".mjs": "typescript",
    ".cjs": "typescript",
    ".rs": "rust",
}


@dataclass
class SourceFiles:
    """Source files under the handler roots, per language."""

    roots: tuple[Path, ...]
    files: dict[str, list[Path]] = field(default_factory=dict)
    truncated: bool = False
    """Whether the walk stopped at :data:`MAX_FILES` (later files were not seen)."""
    limit: int = MAX_FILES
    """The cap the walk used."""


def walk_sources(roots: Iterable[Path], limit: int | None = None) -> SourceFiles:
    """Collect handler source files under ``roots`` (bounded, deterministic order).

    Hidden directories, :data:`SKIP_DIRS` and virtualenvs (a directory holding
    ``pyvenv.cfg`` or ``conda-meta``) are skipped; symlinked directories are not
    followed (so a symlink loop cannot trap the walk) and files that are not
    regular files (dangling or looping symlinks, FIFOs) are skipped. The walk
    stops after ``limit`` (default :data:`MAX_FILES`) files with ``truncated``
    set, so a caller can say the check was incomplete instead of "not found".
    """
    cap = MAX_FILES if limit is None else limit
    found = SourceFiles(tuple(roots), limit=cap)
    seen: set[str] = set()
    count = 0
    for root in found.roots:
        todo = [str(root)]
        while todo:
            directory = todo.pop()
            try:
                with os.scandir(directory) as scan:
                    entries = sorted(scan, key=lambda e: e.name)
            except OSError:
                continue
            subdirs = []
            for entry in entries:
                name = entry.name
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if not name.startswith(".") and name not in SKIP_DIRS:
                            subdirs.append(entry.path)
                        continue
                    suffix = name[name.rfind(".") :] if "." in name else ""
                    language = EXTENSIONS.get(suffix)
                    if language is None or name.endswith(".d.ts") or not entry.is_file():
                        continue
                except OSError:  # a symlink loop, a file removed meanwhile
                    continue
                if entry.path in seen:
                    continue
                if count >= cap:
                    found.truncated = True
                    return found
                seen.add(entry.path)
                found.files.setdefault(language, []).append(Path(entry.path))
                count += 1
            todo.extend(reversed([d for d in subdirs if not _virtualenv(d)]))
    return found


def _virtualenv(directory: str) -> bool:
    return any(Path(directory, marker).exists() for marker in ("pyvenv.cfg", "conda-meta"))


def read_text(path: Path) -> str:
    """Read a source file as text, replacing undecodable bytes.

    ``""`` if it is unreadable, not a regular file (a FIFO would block) or larger
    than :data:`MAX_SOURCE_BYTES`.
    """
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_SOURCE_BYTES:
            return ""
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
