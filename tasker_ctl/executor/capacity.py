"""How many worker processes a run may start (cheap to import: the CLI checks it first)."""

from __future__ import annotations

import os

MAX_WORKERS = 64
"""The most worker processes one run starts, whatever ``--concurrency`` says."""


def max_workers() -> int:
    """How many worker processes this machine can take: 4 per core, 4 to 64."""
    return max(4, min(MAX_WORKERS, 4 * (os.cpu_count() or 1)))
