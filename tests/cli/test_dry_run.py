"""`template generate --dry-run` through the real CLI: every diff shown, nothing written.

The exit code says whether a real run would have refused (1) or gone through (0);
colour appears only when stdout is a terminal (a pseudo-terminal here).
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import build_file_tree, read_tree

HANDLER = "handlers/process_order_handler.py"
TEST_FILE = "tests/test_process_order_handler.py"
ESC = "\x1b["


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update({"COLUMNS": "200", "RUST_LOG": "off", **extra})
    return env


def tasker(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tasker_ctl", *args],
        cwd=cwd,
        env=_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def generate(cwd: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return tasker(
        cwd, "template", "generate", "step_handler", "-l", "python", "-p", "name=ProcessOrder",
        "--output", str(cwd), *extra,
    )  # fmt: skip


def test_fresh_directory_shows_whole_files_and_exits_0(tmp_path: Path) -> None:
    done = generate(tmp_path, "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "would create" in done.stdout
    assert f"+++ b/{HANDLER}" in done.stdout
    assert f"+++ b/{TEST_FILE}" in done.stdout
    assert "+def process_order(" in done.stdout
    assert "Dry run: 2 files would be written" in done.stdout
    assert ESC not in done.stdout  # a pipe gets no colour
    assert read_tree(tmp_path) == {}


def test_conflict_shows_the_diff_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {HANDLER: "# my own edits\n"})
    before = read_tree(tmp_path)
    done = generate(tmp_path, "--dry-run")
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"would conflict {tmp_path / HANDLER}" in done.stdout
    assert "-# my own edits" in done.stdout  # the diff of the conflicting file
    assert f"+++ b/{TEST_FILE}" in done.stdout  # and of the new one
    assert "1 file already exists with other content" in done.stdout
    assert "a real run would refuse" in done.stdout
    assert read_tree(tmp_path) == before
    # And a real run does refuse, with exit 2, as the dry run predicted.
    real = generate(tmp_path)
    assert real.returncode == 2
    assert read_tree(tmp_path) == before


def test_force_and_skip_existing_dry_runs_exit_0_with_the_diff(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {HANDLER: "# my own edits\n"})
    before = read_tree(tmp_path)
    forced = generate(tmp_path, "--dry-run", "--force")
    assert forced.returncode == 0
    assert "would overwrite" in forced.stdout
    assert "-# my own edits" in forced.stdout
    skipped = generate(tmp_path, "--dry-run", "--skip-existing")
    assert skipped.returncode == 0
    assert "would skip (exists)" in skipped.stdout
    assert "-# my own edits" in skipped.stdout  # what is being kept, for the reader
    assert "Dry run: 1 file would be written" in skipped.stdout
    assert read_tree(tmp_path) == before


def test_unchanged_files_have_no_diff(tmp_path: Path) -> None:
    assert generate(tmp_path).returncode == 0
    before = read_tree(tmp_path)
    done = generate(tmp_path, "--dry-run")
    assert done.returncode == 0
    assert [line.split()[0] for line in done.stdout.splitlines()[:2]] == ["unchanged"] * 2
    assert "@@" not in done.stdout
    assert "Dry run: 0 files would be written" in done.stdout
    assert read_tree(tmp_path) == before


def test_quiet_dry_run_prints_nothing_and_keeps_the_exit_code(tmp_path: Path) -> None:
    clean = generate(tmp_path, "--dry-run", "--quiet")
    assert (clean.returncode, clean.stdout, clean.stderr) == (0, "", "")
    build_file_tree(tmp_path, {HANDLER: "# mine\n"})
    conflict = generate(tmp_path, "--dry-run", "-q")
    assert (conflict.returncode, conflict.stdout) == (1, "")


def test_unsafe_paths_are_still_an_error_on_a_dry_run(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "handlers").symlink_to(outside)
    done = generate(out, "--dry-run")
    assert done.returncode == 2
    assert done.stderr.startswith("error: refusing to write")
    assert "hint:" in done.stderr
    assert list(outside.iterdir()) == []


def _run_on_a_tty(cwd: Path, *args: str) -> tuple[int, str]:
    """Run the CLI with stdout on a pseudo-terminal; return its exit code and output."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tasker_ctl", *args],
        cwd=cwd,
        env=_env(TERM="xterm-256color"),
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=subprocess.PIPE,
    )
    os.close(follower)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    code = proc.wait(timeout=60)
    assert proc.stderr is not None
    proc.stderr.close()
    return code, b"".join(chunks).decode("utf-8", errors="replace")


def test_colour_only_on_a_terminal(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {HANDLER: "# mine\n"})
    args = ("template", "generate", "step_handler", "-l", "python", "-p", "name=ProcessOrder")
    code, screen = _run_on_a_tty(tmp_path, *args, "--output", str(tmp_path), "--dry-run")
    assert code == 1
    assert "\x1b[31m-# mine" in screen  # removed line in red
    assert "\x1b[32m+" in screen  # added lines in green
    assert "would conflict" in screen
    assert read_tree(tmp_path) == {HANDLER: b"# mine\n"}


_existing = st.dictionaries(
    st.sampled_from([HANDLER, TEST_FILE]),
    st.text(st.characters(codec="utf-8"), max_size=40),
    max_size=2,
)


@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(existing=_existing)
def test_any_existing_tree_is_left_alone_and_the_code_predicts_a_real_run(
    tmp_path_factory: pytest.TempPathFactory, existing: dict[str, str]
) -> None:
    """In-process, for speed: a dry run writes nothing and its code matches a real run."""
    from typer.testing import CliRunner

    from tasker_ctl.cli.app import app

    root = tmp_path_factory.mktemp("dry")
    build_file_tree(root, {k: v.encode("utf-8") for k, v in existing.items()})
    before = read_tree(root)
    args = ["template", "generate", "step_handler", "-l", "python", "-p", "name=ProcessOrder"]
    args += ["--output", str(root)]
    dry = CliRunner().invoke(app, [*args, "--dry-run"], catch_exceptions=False)
    assert read_tree(root) == before
    real = CliRunner().invoke(app, args, catch_exceptions=False)
    assert (dry.exit_code, real.exit_code) in ((0, 0), (1, 2)), dry.output + real.output
    if real.exit_code == 2:
        assert read_tree(root) == before
