"""`generate types` on task templates nobody here wrote (adversarial sweep).

Each case is a template `validate` accepts (at most with warnings) whose
generated types once failed to compile; the generated code goes through the
real CLI and then the language's own parser.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ENV = {**os.environ, "NO_COLOR": "1", "RUST_LOG": "off"}


def tasker_ctl(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tasker_ctl", *args],
        capture_output=True, text=True, env=ENV, cwd=cwd, timeout=120, check=False,
    )  # fmt: skip


def template(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / "task.yaml"
    path.write_text(
        f"name: {name}\nnamespace_name: payments\nversion: 1.0.0\n{body}", encoding="utf-8"
    )
    return path


NESTED_INPUT = """\
input_schema:
  type: object
  properties:
    card: {type: object, properties: {number: {type: string}}}
steps:
  - name: charge
    handler: {callable: payments.charge}
    result_schema: {type: object, properties: {id: {type: string}}}
"""


@pytest.mark.parametrize("name", ["2fa_flow", "'名前'", "'_'"])
def test_task_names_that_do_not_start_a_class_name(tmp_path: Path, name: str) -> None:
    path = template(tmp_path, name, NESTED_INPUT)
    assert tasker_ctl("validate", "--no-handler-check", str(path)).returncode == 0
    python = tasker_ctl("generate", "types", "-t", str(path), "-l", "python")
    assert python.returncode == 0, python.stderr
    classes = [n.name for n in ast.parse(python.stdout).body if isinstance(n, ast.ClassDef)]
    assert len(classes) == 3 and all(c.endswith(("Input", "InputCard", "Result")) for c in classes)
    ruby = tasker_ctl("generate", "types", "-t", str(path), "-l", "ruby")
    assert ruby.returncode == 0, ruby.stderr
    constants = re.findall(r"^class (\S+) < Dry::Struct$", ruby.stdout, re.MULTILINE)
    assert len(constants) == 3 and all(re.fullmatch(r"[A-Z]\w*", c) for c in constants)
    if shutil.which("ruby"):
        (tmp_path / "models.rb").write_text(ruby.stdout, encoding="utf-8")
        check = subprocess.run(
            ["ruby", "-wc", str(tmp_path / "models.rb")], capture_output=True, text=True
        )
        assert check.returncode == 0 and check.stderr == "", check.stderr
