"""``--watch``: an edit re-runs the command with the change picked up; Ctrl-C ends with 130.

The real CLI runs in a subprocess; its output is read line by line on a thread,
and each step waits for a line with a deadline, so a watch that never notices a
change fails the test in bounded time instead of hanging it.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasker_ctl.cli.watch import _Targets, child_command, run_watch_paths
from tasker_ctl.errors import ParameterError
from tests.conftest import ROOT
from tests.helpers import build_file_tree

DEADLINE_S = 45.0
HANDLER = """
from tasker_core.step_handler.functional import step_handler


@step_handler("greet.hello")
def hello(context):
    return {"greeting": "hello VERSION"}
"""
TEMPLATE = """\
name: greet
namespace_name: demo
version: 1.0.0
steps:
  - name: hello
    handler: {callable: greet.hello}
"""


class Watched:
    """A ``tasker-ctl ... --watch`` process whose stdout and stderr lines arrive in a queue."""

    def __init__(self, cwd: Path, *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR",)}
        env.update(RUST_LOG="off", PYTHONPATH=str(ROOT), COLUMNS="200")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tasker_ctl", *args],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        assert self.process.stdout is not None and self.process.stderr is not None
        self.pumps = [
            threading.Thread(target=self._pump, args=(stream,), daemon=True)
            for stream in (self.process.stdout, self.process.stderr)
        ]
        for pump in self.pumps:
            pump.start()
        self.deadline = time.monotonic() + DEADLINE_S

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, text: str) -> list[str]:
        """Lines up to and including the first one containing ``text``."""
        got: list[str] = []
        while True:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no line with {text!r} in time; seen:\n" + "\n".join(
                    self.seen))  # fmt: skip
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            self.seen.append(line)
            got.append(line)
            if text in line:
                return got

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=max(self.deadline - time.monotonic(), 5))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for pump in self.pumps:
            pump.join(timeout=5)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def watched() -> Iterator[list[Watched]]:
    started: list[Watched] = []
    yield started
    for process in started:
        process.stop()


def edit(path: Path, old: str, new: str) -> None:
    """Save as an editor does: a new file renamed over the old one."""
    text = path.read_text(encoding="utf-8").replace(old, new)
    temporary = path.with_name(path.name + ".tmp~")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


@pytest.mark.sdk
def test_run_watch_picks_up_a_handler_edit_in_a_new_process(
    tmp_path: Path, watched: list[Watched]
) -> None:
    pytest.importorskip("tasker_core")
    build_file_tree(
        tmp_path,
        {
            "handlers/__init__.py": "",
            "handlers/greet.py": HANDLER.replace("VERSION", "one"),
            "config/tasks/greet.yaml": TEMPLATE,
            "context.json": '{"name": "x"}',
        },
    )
    run = Watched(tmp_path, "run", "config/tasks/greet.yaml", "-c", "context.json",
                  "-f", "json", "--watch")  # fmt: skip
    watched.append(run)
    assert any('"greeting": "hello one"' in line for line in run.wait_for("watching"))
    edit(tmp_path / "handlers/greet.py", "hello one", "hello two")
    changed = run.wait_for("running again")
    assert "changed: handlers/greet.py" in changed[-1]
    second = run.wait_for("watching")
    assert any('"greeting": "hello two"' in line for line in second)
    # the context is watched too; an unrelated file is not
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    edit(tmp_path / "context.json", '"x"', '"y"')
    assert "changed: context.json" in run.wait_for("running again")[-1]
    run.wait_for("watching")
    assert run.interrupt() == 130
    assert not any("notes.txt" in line for line in run.seen)
    assert not any("Traceback" in line for line in run.seen)


def test_validate_watch_relints_after_a_template_edit(
    tmp_path: Path, watched: list[Watched]
) -> None:
    broken = (
        TEMPLATE
        + "  - name: bye\n    dependencies: [ghost]\n    handler: {callable: greet.hello}\n"
    )
    build_file_tree(tmp_path, {"config/tasks/greet.yaml": broken})
    lint = Watched(tmp_path, "validate", "config/tasks", "--no-handler-check", "--watch")
    watched.append(lint)
    first = lint.wait_for("watching")
    assert any("ghost" in line for line in first)
    assert "exit code 1" in first[-1]
    edit(tmp_path / "config/tasks/greet.yaml", "[ghost]", "[hello]")
    lint.wait_for("running again")
    second = lint.wait_for("watching")
    assert "exit code 0" in second[-1]
    assert not any("ghost" in line for line in second)
    assert lint.interrupt() == 130


def test_watch_refuses_what_it_cannot_re_run(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"t.yaml": TEMPLATE})
    with pytest.raises(ParameterError, match="standard input"):
        run_watch_paths(tmp_path / "t.yaml", "-", [], [])
    with pytest.raises(ParameterError, match="was not started as"):
        child_command(["pytest", "-q"], "run")
    assert child_command(["--config", "c.toml", "run", "t.yaml", "--watch"], "run")[-4:] == [
        "--config", "c.toml", "run", "t.yaml",
    ]  # fmt: skip


def test_the_filter_keeps_named_files_and_sources_only(tmp_path: Path) -> None:
    build_file_tree(
        tmp_path,
        {"config/tasks/t.yaml": TEMPLATE, "handlers/a.py": "", "ctx/c.json": "{}"},
    )
    import watchfiles

    targets = _Targets(
        [tmp_path / "config/tasks/t.yaml", tmp_path / "handlers", tmp_path / "ctx/c.json"],
        watchfiles.DefaultFilter(),
    )
    added = watchfiles.Change.added
    assert targets(added, str(tmp_path / "config/tasks/t.yaml"))
    assert targets(added, str(tmp_path / "handlers/a.py"))
    assert targets(added, str(tmp_path / "handlers/sub/b.py"))
    assert targets(added, str(tmp_path / "ctx/c.json"))
    assert not targets(added, str(tmp_path / "ctx/other.json"))  # a named file's neighbour
    assert not targets(added, str(tmp_path / "config/tasks/t.yaml.swp"))
    assert not targets(added, str(tmp_path / "handlers/__pycache__/a.cpython-311.pyc"))
    assert not targets(added, str(tmp_path / "handlers/notes.txt"))
    assert sorted(targets.directories) == sorted(
        str((tmp_path / d).resolve()) for d in ("config/tasks", "handlers", "ctx")
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "nothere.yaml", "--watch"], "error: nothere.yaml does not exist"),
        (["run", "nothere.yaml", "--watch"], "error: template nothere.yaml does not exist"),
        (["run", "t.yaml", "-c", "-", "--watch"], "--watch cannot re-read the context from"),
    ],
    ids=["validate-missing", "run-missing", "stdin"],
)
def test_watch_input_errors_end_at_once(tmp_path: Path, args: list[str], message: str) -> None:
    build_file_tree(tmp_path, {"t.yaml": TEMPLATE})
    done = subprocess.run(
        [sys.executable, "-m", "tasker_ctl", *args],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "RUST_LOG": "off", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert message in done.stderr and "hint:" in done.stderr


def test_ctrl_c_on_a_terminal_ends_the_watch_with_130(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    build_file_tree(tmp_path, {"config/tasks/greet.yaml": TEMPLATE})
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(RUST_LOG="off", PYTHONPATH=str(ROOT))
    child = pexpect.spawn(
        sys.executable,
        ["-m", "tasker_ctl", "validate", "config/tasks", "--no-handler-check", "--watch"],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=DEADLINE_S,
        dimensions=(40, 120),
    )
    try:
        child.expect("watching 1 path for changes")
        child.sendintr()  # the terminal's Ctrl-C: SIGINT to the whole foreground group
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")


@settings(max_examples=100, deadline=None, derandomize=True)
@given(
    before=st.lists(st.sampled_from(["--config", "c.toml", "-v"]), max_size=3),
    after=st.lists(
        st.sampled_from(["t.yaml", "--watch", "-c", "x.json", "--set", "a=1"]), max_size=6
    ),
)
def test_the_child_command_line_is_the_same_without_watch(
    before: list[str], after: list[str]
) -> None:
    argv = [*before, "run", *after, "--watch"]
    child = child_command(argv, "run")
    assert child[:3] == [sys.executable, "-m", "tasker_ctl"]
    assert child[3:] == [arg for arg in argv if arg != "--watch"]
