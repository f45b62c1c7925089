"""Finding handler sources on disk: one bounded walk, grouped by language.

The walk skips hidden directories and the usual dependency/build trees
(``node_modules``, ``.venv``, ``target``, ``__pycache__``...) and stops after
:data:`MAX_FILES` files, so pointing ``--handlers-root`` at a large checkout
stays fast.
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


def walk_sources(roots: Iterable[Path]) -> SourceFiles:
    """Collect handler source files under ``roots`` (bounded, deterministic order)."""
    found = SourceFiles(tuple(roots))
    seen: set[Path] = set()
    count = 0
    for root in found.roots:
        if not root.is_dir():
            continue
        for directory, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(
                d for d in dirnames if not d.startswith(".") and d not in SKIP_DIRS
            )
            for filename in sorted(filenames):
                suffix = filename[filename.rfind(".") :] if "." in filename else ""
                language = EXTENSIONS.get(suffix)
                if language is None or filename.endswith(".d.ts"):
                    continue
                path = Path(directory, filename)
                if path in seen:
                    continue
                seen.add(path)
                found.files.setdefault(language, []).append(path)
                count += 1
                if count >= MAX_FILES:
                    found.truncated = True
                    return found
    return found


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
