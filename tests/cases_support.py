"""Paths shared by the snapshot tests."""

from __future__ import annotations

from tests.conftest import SNAPSHOTS

SNAPSHOT_ROOT = SNAPSHOTS / "scaffold"
