"""`template generate task_template` wired to a `template generate step_handler` handler.

Without ``handler_callable``, the task template's step calls what the step handler
template registers for the same ``name``, ``module_name`` and style
(``handler_style``), so a project made of the two validates and runs.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ENV = {**os.environ, "NO_COLOR": "1", "RUST_LOG": "off", "PYTHONDONTWRITEBYTECODE": "1"}


def tasker_ctl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tasker_ctl", *args],
        capture_output=True, text=True, cwd=cwd, env=ENV, timeout=120, check=False,
    )  # fmt: skip


def generate(kind: str, cwd: Path, *params: str) -> None:
    args = [a for p in params for a in ("--param", p)]
    result = tasker_ctl("template", "generate", kind, "-l", "python", *args, "-o", ".", cwd=cwd)
    assert result.returncode == 0, result.stderr


def step_callable(path: Path) -> str:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return str(document["steps"][0]["handler"]["callable"])


@pytest.mark.sdk
@pytest.mark.skipif(importlib.util.find_spec("tasker_core") is None, reason="needs tasker_core")
@pytest.mark.parametrize("style", ["dsl", "class"])
def test_generated_pair_validates_and_runs(tmp_path: Path, style: str) -> None:
    generate("step_handler", tmp_path, "name=ShipOrder", f"style={style}")
    generate("task_template", tmp_path, "name=ShipOrder", f"handler_style={style}")
    task = tmp_path / "config" / "tasks" / "ship_order.yaml"
    expected = {
        "dsl": "handlers.ship_order_handler.ship_order",
        "class": "handlers.ship_order_handler.ShipOrderHandler",
    }
    assert step_callable(task) == expected[style]
    checked = tasker_ctl("validate", str(task), "--format", "json", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    assert not json.loads(checked.stdout)["diagnostics"]
    (tmp_path / "context.json").write_text('{"input_value": 7}', encoding="utf-8")
    ran = tasker_ctl(
        "run", str(task), "--context", "context.json", "--format", "json", cwd=tmp_path
    )
    assert ran.returncode == 0, ran.stdout[-2000:] + ran.stderr[-2000:]
    report = json.loads(ran.stdout)
    assert report["task"]["status"] == "complete"
    assert report["steps"][0]["result"]["input_received"] == 7


def test_module_name_and_an_explicit_callable(tmp_path: Path) -> None:
    generate("task_template", tmp_path, "name=ShipOrder", "module_name=app.handlers")
    task = tmp_path / "config" / "tasks" / "ship_order.yaml"
    assert step_callable(task) == "app.handlers.ship_order_handler.ship_order"
    (tmp_path / "x").mkdir()
    generate("task_template", tmp_path / "x", "name=ShipOrder", "handler_callable=my.own")
    assert step_callable(tmp_path / "x" / "config" / "tasks" / "ship_order.yaml") == "my.own"


def test_a_bad_style_is_refused(tmp_path: Path) -> None:
    result = tasker_ctl(
        "template", "generate", "task_template", "-l", "python", "--param", "name=A",
        "--param", "handler_style=oop", "-o", ".", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert "handler_style" in result.stderr
    assert not (tmp_path / "config").exists()
