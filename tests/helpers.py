"""Helpers for tests: file trees and snapshot directories."""

from __future__ import annotations

from pathlib import Path


def build_file_tree(root: Path, files: dict[str, str | bytes]) -> None:
    """Create ``files`` (relative path -> content) under ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def read_tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative POSIX path -> bytes)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def assert_matches_snapshot(actual: dict[str, str], snapshot_dir: Path, update: bool) -> None:
    """Compare a rendered tree with ``snapshot_dir`` (or rewrite it with --snapshot-update)."""
    if update:
        if snapshot_dir.exists():
            for old in sorted(snapshot_dir.rglob("*"), reverse=True):
                if old.is_file():
                    old.unlink()
                else:
                    old.rmdir()
        for rel, content in actual.items():
            target = snapshot_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        return
    assert snapshot_dir.is_dir(), f"no snapshot at {snapshot_dir}; run pytest --snapshot-update"
    expected = {k: v.decode("utf-8") for k, v in read_tree(snapshot_dir).items()}
    assert sorted(actual) == sorted(expected), "generated file names differ from the snapshot"
    for rel, content in actual.items():
        assert content == expected[rel], f"{rel} differs from {snapshot_dir / rel}"
