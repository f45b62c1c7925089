"""`generate handler -o` with file names its tests could not import (adversarial sweep).

``-o newdir/`` for a directory not created yet wrote a file named ``newdir``
(no extension: nothing could import it); ``-o class.py`` wrote a test saying
``from . import class as handlers`` and ``-o type.rs`` one saying
``use super::type;``, both syntax errors; ``-o x.rb -l python`` wrote Python
into a Ruby file.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

TEMPLATE = ROOT / "tests" / "fixtures" / "codegen" / "order_flow.yaml"
ENV = {**os.environ, "NO_COLOR": "1", "RUST_LOG": "off"}


def handler(cwd: Path, language: str, output: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tasker_ctl", "generate", "handler", "-t", str(TEMPLATE),
         "-l", language, "-o", output, "--with-tests"],
        cwd=cwd, capture_output=True, text=True, env=ENV, timeout=60, check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("language", "output", "message"),
    [
        ("python", "newdir/", "--output newdir: a python handler file ends in .py"),
        ("python", "x.rb", "--output x.rb: a python handler file ends in .py"),
        ("rust", "handlers", "--output handlers: a rust handler file ends in .rs"),
        ("python", "class.py", "cannot import a module named 'class' from class.py"),
        ("rust", "type.rs", "cannot import a module named 'type' from type.rs"),
        ("rust", "self.rs", "cannot import a module named 'self' from self.rs"),
        ("rust", "名前.rs", "cannot import a module named '名前' from 名前.rs"),
    ],
)
def test_unimportable_output_files_are_refused(
    tmp_path: Path, language: str, output: str, message: str
) -> None:
    result = handler(tmp_path, language, output)
    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith(f"error: {message}\nhint: ")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("language", "output", "written"),
    [
        ("python", "step_handlers.py", ["step_handlers.py", "test_step_handlers.py"]),
        ("typescript", "handlers.tsx", ["handlers.test.ts", "handlers.tsx"]),
        ("ruby", "class.rb", ["class.rb", "class_spec.rb"]),
        ("rust", "handlers.rs", ["handlers.rs", "test_handlers.rs"]),
    ],
)
def test_importable_output_files_are_written(
    tmp_path: Path, language: str, output: str, written: list[str]
) -> None:
    result = handler(tmp_path, language, output)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == written
