"""Commands run from a working directory that was deleted under the shell."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = 'cd "$1" && rmdir "$1" && shift && exec "$@"'


@pytest.mark.parametrize(
    "command",
    [["remote", "list"], ["validate"], ["template", "list"], ["run", "task.yaml"], ["init"]],
    ids=" ".join,
)
def test_a_deleted_working_directory_is_a_usage_error(tmp_path: Path, command: list[str]) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    done = subprocess.run(
        ["sh", "-c", SCRIPT, "sh", str(gone), sys.executable, "-m", "tasker_ctl", *command],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "the working directory no longer exists" in done.stderr
    assert "hint: cd to an existing directory" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_version_needs_no_working_directory(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    done = subprocess.run(
        ["sh", "-c", SCRIPT, "sh", str(gone), sys.executable, "-m", "tasker_ctl", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.startswith("tasker-ctl ")
