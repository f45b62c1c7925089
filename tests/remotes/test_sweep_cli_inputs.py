"""Hostile names and project layouts met by ``remote`` and ``init`` through the real CLI."""

from __future__ import annotations

import os

import pytest

from tests.remotes.conftest import Run

LONG = "a" * 300


def test_a_remote_name_too_long_for_a_directory_is_refused(run: Run) -> None:
    added = run("remote", "add", "b" * 101, "file:///srv/x")
    assert added.returncode == 2
    assert "has 101 characters; at most 100 are allowed" in added.stderr
    assert not (run.project / ".tasker-ctl.toml").exists()
    assert run("remote", "add", "c" * 100, "file:///srv/x").returncode == 0


def test_a_hand_written_long_name_is_a_config_error_not_a_crash(run: Run) -> None:
    config = run.project / ".tasker-ctl.toml"
    config.write_text(f'[[remotes]]\nname = "{LONG}"\nurl = "file:///srv/x"\n')
    for command in (["template", "list"], ["remote", "list"], ["remote", "update"]):
        result = run(*command)
        assert result.returncode == 2, (command, result.stderr)
        assert f"{config}:1: " in result.stderr  # the file and the line of the entry
        assert "at most 100 are allowed" in result.stderr
        assert "Traceback" not in result.stderr
    # and the way out works
    removed = run("remote", "remove", LONG)
    assert removed.returncode == 0, removed.stderr
    assert config.read_text() == ""


def test_init_where_dot_config_is_a_file_says_so_and_writes_nothing(run: Run) -> None:
    blocker = run.project / ".config"
    blocker.write_text("someone else's file\n")
    result = run("init")
    assert result.returncode == 2
    assert ".config exists and is not a directory; nothing was written" in result.stderr
    assert "File exists" not in result.stderr
    assert blocker.read_text() == "someone else's file\n"

    blocker.unlink()
    blocker.symlink_to(run.project / "missing-target")  # a broken link
    result = run("init")
    assert result.returncode == 2
    assert "exists and is not a directory" in result.stderr
    assert not (run.project / "missing-target").exists()


def test_a_symlinked_configuration_stays_a_link_and_its_target_is_edited(run: Run) -> None:
    dotfiles = run.project.parent / "dotfiles"
    dotfiles.mkdir()
    shared = dotfiles / "tasker.toml"
    shared.write_text('# kept with my dotfiles\nplugin-paths = ["p"]\n')
    link = run.project / ".tasker-ctl.toml"
    link.symlink_to(shared)

    assert run("remote", "add", "x", "file:///srv/x").returncode == 0
    assert link.is_symlink()
    assert 'name = "x"' in shared.read_text()
    assert run("remote", "remove", "x").returncode == 0
    assert link.is_symlink()
    assert shared.read_text() == '# kept with my dotfiles\nplugin-paths = ["p"]\n'


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_a_configuration_that_is_not_a_file_is_refused_without_waiting(run: Run, kind: str) -> None:
    config = run.project / ".tasker-ctl.toml"
    if kind == "fifo":
        os.mkfifo(config)
    else:
        config.mkdir()
    result = run("remote", "add", "x", "file:///srv/x")  # a FIFO used to block here for good
    assert result.returncode == 2
    assert ".tasker-ctl.toml is not a regular file; nothing was written" in result.stderr
