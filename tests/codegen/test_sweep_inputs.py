"""`generate types|handler|scaffold` agree on a --template that is not a file (adversarial sweep).

``generate handler`` and ``scaffold`` said "no such file" for a directory or a
FIFO that exists, where ``generate types`` (and validate's loader) say what it is.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ENV = {**os.environ, "NO_COLOR": "1", "RUST_LOG": "off"}


def generate(command: str, template: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tasker_ctl", "generate", command, "-t", str(template), "-l", "py"],
        capture_output=True, text=True, env=ENV, timeout=20, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("command", ["types", "handler", "scaffold"])
def test_a_template_that_is_not_a_file_is_named_for_what_it_is(
    tmp_path: Path, command: str
) -> None:
    (tmp_path / "tasks").mkdir()
    os.mkfifo(tmp_path / "task.yaml")
    for path, message in (
        (tmp_path / "tasks", "is a directory"),
        (tmp_path / "task.yaml", "is not a file"),
        (tmp_path / "missing.yaml", "no such file"),
    ):
        result = generate(command, path)
        assert result.returncode == 2, result.stderr
        first = result.stderr.splitlines()[0]
        assert first.startswith("error: ") and str(path) in first and first.endswith(message)
