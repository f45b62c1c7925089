"""Text output prints data literally: never as Rich markup, never as terminal escapes.

Step names, handler messages, results, paths and configuration keys that look
like Rich markup (``[/x]``, ``[bold]``, ``[link=...]``) or carry escape
sequences (``\\x1b[31m``) go through the real CLI, on a pipe and on a
pseudo-terminal (where Rich draws the live view in colour), and come out as
the text they are: no ``MarkupError`` (exit 3), no styling or hyperlink taken
from data, no raw ESC, CR or BEL from data reaching the terminal.
"""

from __future__ import annotations

import io
import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console

from tasker_ctl.reporting.console import clean, literal
from tests.conftest import ROOT
from tests.helpers import build_file_tree

FIXTURE = ROOT / "tests/fixtures/markup"
TEMPLATE = FIXTURE / "config/tasks/markup.yaml"
RUN_ARGS = ("--handlers-root", str(FIXTURE / "handlers"), "--handler-package", "markupfx")

# The handlers' text (tests/fixtures/markup/handlers/markupfx), and how it must appear.
NASTY = (
    "[/x] [bold]bold?[/bold] [link=https://example.com]link[/link] "
    "\x1b[31mred\x1b[0m \x1b]8;;https://example.com\x07osc\x1b]8;;\x07 :smile: \r[/]"
)
# How the handlers' text must appear: brackets as written, control characters as escapes.
MESSAGE = (
    r"[/x] [bold]bold?[/bold] [link=https://example.com]link[/link] \x1b[31mred\x1b[0m "
    r"\x1b]8;;https://example.com\x07osc\x1b]8;;\x07 :smile: \r[/]"
)
STEP_NAMES = ("produce[/x]", "route[bold]", "fail[link=https://example.com]x")
# Sequences that only the data holds: Rich's own styling never writes them.
INJECTED = ("\x1b[31mred", "\x1b]8;;", "\x07", "\x1b[2J", "\r[/]")
RICH_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")

MISSING_DEP = (
    "name: broken\nnamespace_name: markup\nversion: 1.0.0\nsteps:\n"
    '  - name: "first[bold]"\n    handler: {callable: markupfx.produce}\n'
    '  - name: "second[/x]"\n    dependencies: ["ghost[/x]", "esc\\e[2Jwipe"]\n'
    "    handler: {callable: markupfx.produce}\n"
)
ESC_NAMES = (
    "name: esc\nnamespace_name: markup\nversion: 1.0.0\nsteps:\n"
    '  - name: "esc\\e[31mred"\n    handler: {callable: markupfx.produce}\n'
    '  - name: "bell\\a[link=https://example.com]x"\n    dependencies: ["esc\\e[31mred"]\n'
    "    handler: {callable: markupfx.produce}\n"
)


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(RUST_LOG="off", COLUMNS="120", TERM="xterm-256color", PYTHONPATH=str(ROOT))
    env.update(extra)
    return env


def cli(*args: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    """``tasker-ctl ARGS`` on pipes (not a terminal)."""
    return subprocess.run(
        [sys.executable, "-m", "tasker_ctl", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment(**env),
        timeout=120,
        check=False,
    )


def cli_on_a_terminal(*args: str, cwd: Path = ROOT) -> tuple[int, str]:
    """``tasker-ctl ARGS`` with stdin/stdout/stderr on a pseudo-terminal: (exit code, bytes)."""
    pty = pytest.importorskip("pty")
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 120, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "tasker_ctl", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=cwd,
        env=environment(),
        close_fds=True,
    )
    os.close(slave)
    output = bytearray()
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the terminal's other end is closed
                break
            if not chunk:
                break
            output += chunk
    finally:
        os.close(master)
    code = process.wait(timeout=60)
    return code, output.decode("utf-8", "replace")


def visible_text(raw: str) -> str:
    """What the terminal shows as text: Rich's own escape sequences and CRs removed."""
    return RICH_ESCAPES.sub("", raw).replace("\r", "")


def assert_no_injection(raw: str) -> None:
    for sequence in INJECTED:
        assert sequence not in raw, f"{sequence!r} from the data reached the terminal"
    assert "😄" not in raw  # :smile: is text, not an emoji code
    assert "Traceback" not in raw and "MarkupError" not in raw


def assert_run_report(text: str) -> None:
    for name in STEP_NAMES:
        assert name in text
    assert f"handler says {MESSAGE}" in text  # the failure (and its plain event line)
    assert f"'{MESSAGE}' is not of type 'integer'" in text  # the result, in a warning
    assert "'ghost[/x]', '\\x1b[2Jwipe'" in text  # names a decision asked for
    assert "Not created: branch[/]" in text


# -- helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "one_line", "expected"),
    [
        ("[/x] [bold]", False, "[/x] [bold]"),
        ("a\x1b[31mb\x07", False, "a\\x1b[31mb\\x07"),
        ("line\n\tindented\r", False, "line\n\tindented\\r"),
        ("line\n\tindented", True, "line\\n\\tindented"),
        ("\x9b2J \x7f \u202e", False, "\\x9b2J \\x7f \\u202e"),
        ("café ✓", True, "café ✓"),
    ],
)
def test_clean_makes_control_characters_visible(value: str, one_line: bool, expected: str) -> None:
    assert clean(value, one_line=one_line) == expected


def test_literal_is_never_markup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, color_system="truecolor", width=400)
    console.print(literal(("[bold]", "red"), " ", ("says:", ""), " ", NASTY), soft_wrap=True)
    raw = out.getvalue()
    assert_no_injection(raw)
    assert f"\x1b[31m[bold]\x1b[0m says: {MESSAGE}\n" in raw


# -- tasker-ctl run ------------------------------------------------------------------------


@pytest.mark.sdk
def test_run_text_on_a_pipe_prints_data_literally() -> None:
    pytest.importorskip("tasker_core")
    done = cli("run", str(TEMPLATE), *RUN_ARGS)
    assert done.returncode == 1, done.stderr[-3000:]
    assert_no_injection(done.stdout + done.stderr)
    assert_run_report(done.stdout)
    assert "failed     fail[link=https://example.com]x attempt 1 (permanent_error)" in done.stdout
    assert "Task did not complete" in done.stdout


@pytest.mark.sdk
def test_run_text_on_a_terminal_prints_data_literally() -> None:
    pytest.importorskip("tasker_core")
    code, raw = cli_on_a_terminal("run", str(TEMPLATE), *RUN_ARGS)
    assert code == 1, raw[-3000:]
    assert_no_injection(raw)
    assert "\x1b[" in raw  # it really was a colour terminal
    assert_run_report(visible_text(raw))


@pytest.mark.parametrize("terminal", [False, True], ids=["pipe", "terminal"])
def test_run_refusing_a_template_prints_paths_and_findings_literally(
    tmp_path: Path, terminal: bool
) -> None:
    folder = "[bold]dir[/x]"
    build_file_tree(tmp_path, {f"{folder}/task[/].yaml": MISSING_DEP})
    template = tmp_path / folder / "task[/].yaml"
    if terminal:
        code, raw = cli_on_a_terminal("run", str(template))
        text = visible_text(raw)
    else:
        done = cli("run", str(template))
        code, raw, text = done.returncode, done.stdout + done.stderr, done.stderr
        assert done.stdout == ""
    assert code == 2, raw[-3000:]
    assert_no_injection(raw)
    assert f"{template}:8:20: error Step 'second[/x]' depends on 'ghost[/x]'" in text
    assert "'esc\\x1b[2Jwipe'" in text
    assert f"error: {template}: 2 lint errors stop the run" in text
    assert f"tasker-ctl validate {template}" in text


def test_error_messages_print_paths_literally(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"task.yaml": ESC_NAMES})
    context = tmp_path / "[/x]\x1b[31m[link=https://example.com].json"
    done = cli("run", str(tmp_path / "task.yaml"), "--context", str(context))
    assert done.returncode == 2, done.stderr[-3000:]
    assert_no_injection(done.stderr)
    escaped = str(context).replace("\x1b", "\\x1b")
    assert f"error: context file {escaped} does not exist" in done.stderr


def test_configuration_warnings_print_keys_literally(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {".tasker-ctl.toml": '"[/x]\\u001b[2J[bold]" = 1\n'})
    done = cli("template", "list", cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert_no_injection(done.stderr)
    assert "unknown key '[/x]\\x1b[2J[bold]' is ignored" in done.stderr


# -- tasker-ctl validate and visualize -----------------------------------------------------


@pytest.mark.parametrize("mode", ["plain", "forced-colour", "terminal"])
def test_validate_text_prints_names_literally(tmp_path: Path, mode: str) -> None:
    folder = tmp_path / "[link=https://example.com]x[/x]"
    build_file_tree(folder, {"markup.yaml": TEMPLATE.read_text(), "esc.yaml": ESC_NAMES})
    args = ("validate", str(folder), "--no-handler-check")
    if mode == "terminal":
        code, raw = cli_on_a_terminal(*args)
        text = visible_text(raw)
    else:
        done = cli(*args, **({"FORCE_COLOR": "1"} if mode == "forced-colour" else {}))
        code, raw, text = done.returncode, done.stdout + done.stderr, visible_text(done.stdout)
    assert code == 0, raw[-3000:]
    assert_no_injection(raw)
    if mode != "plain":
        assert "\x1b[" in raw  # Rich drew it, in colour
    assert f"{folder}/markup.yaml" in text
    for name in STEP_NAMES:
        assert f"Step name '{name}' is not snake_case" in text
    assert "Step name 'esc\\x1b[31mred' is not snake_case" in text
    assert "Step name 'bell\\x07[link=https://example.com]x' is not snake_case" in text


@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_visualize_writes_no_raw_control_characters(tmp_path: Path, fmt: str) -> None:
    build_file_tree(tmp_path, {"esc.yaml": ESC_NAMES})
    done = cli("visualize", str(tmp_path / "esc.yaml"), "--format", fmt)
    assert done.returncode == 0, done.stderr[-3000:]
    assert_no_injection(done.stdout)
    assert "esc\\x1b" in done.stdout.replace("\\\\", "\\")


def test_the_fixture_is_accepted_by_validate() -> None:
    """The names above are only warnings (NAME_NOT_SNAKE_CASE): ``run`` runs the template."""
    done = cli("validate", str(TEMPLATE), "--handlers-root", str(FIXTURE / "handlers"))
    assert done.returncode == 0, done.stdout
    assert "0 errors" in done.stdout
