"""Applying a plan is all-or-nothing, even when the disk fails part-way."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from tasker_ctl.errors import WriteRefusedError
from tasker_ctl.scaffold.render import RenderedFile
from tasker_ctl.scaffold.writer import Action, ConflictPolicy, apply_plan, plan_writes
from tests.helpers import build_file_tree, read_tree


def files(*names: str) -> list[RenderedFile]:
    return [RenderedFile(PurePosixPath(n), f"new {n}\n", "t.j2") for n in names]


def test_a_failure_part_way_restores_the_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_file_tree(tmp_path, {"a/one.txt": "old one\n"})
    before = read_tree(tmp_path)
    plan = plan_writes(
        files("a/one.txt", "b/c/two.txt", "three.txt"), tmp_path, ConflictPolicy.FORCE
    )
    real_replace = Path.replace
    calls = {"n": 0}

    def flaky_replace(self: Path, target: Path) -> Path:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", flaky_replace)
    with pytest.raises(WriteRefusedError, match="nothing was written"):
        apply_plan(plan)
    assert read_tree(tmp_path) == before
    assert not (tmp_path / "b").exists()


def test_new_files_get_ordinary_permissions(tmp_path: Path) -> None:
    apply_plan(plan_writes(files("x.txt"), tmp_path, ConflictPolicy.ERROR))
    mode = (tmp_path / "x.txt").stat().st_mode & 0o777
    assert mode & 0o644 == 0o644


def test_overwriting_keeps_the_existing_mode(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"run.sh": "old\n"})
    (tmp_path / "run.sh").chmod(0o755)
    plan = plan_writes(files("run.sh"), tmp_path, ConflictPolicy.FORCE)
    assert plan.writes[0].action is Action.OVERWRITE
    apply_plan(plan)
    assert (tmp_path / "run.sh").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "run.sh").read_text() == "new run.sh\n"


def test_a_directory_in_the_way_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.txt").mkdir()
    with pytest.raises(WriteRefusedError, match="a directory with that name exists"):
        plan_writes(files("x.txt"), tmp_path, ConflictPolicy.FORCE)


def test_a_file_where_a_directory_is_needed_is_refused_before_writing(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"a": "a file named like the directory\n"})
    before = read_tree(tmp_path)
    with pytest.raises(WriteRefusedError, match="a is a file, not a directory"):
        plan_writes(files("new.txt", "a/b/c.txt"), tmp_path, ConflictPolicy.FORCE)
    assert read_tree(tmp_path) == before
