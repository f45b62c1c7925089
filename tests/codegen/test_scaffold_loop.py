"""The loop a developer follows, through the real CLI in a fresh directory.

``init`` -> ``generate scaffold`` for a template with a diamond, a decision, a batch
and deferred convergence -> ``validate`` (exit 0: every callable resolves) -> ``run``
(exit 0, ``complete``, every generated handler called) -> the generated pytest suite
passes -> ``ruff`` and ``mypy --strict`` accept the generated code. Both SDK styles.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

TEMPLATE = ROOT / "tests" / "fixtures" / "codegen" / "order_flow.yaml"
ENV = {**os.environ, "NO_COLOR": "1", "RUST_LOG": "off", "PYTHONDONTWRITEBYTECODE": "1"}

pytestmark = [
    pytest.mark.sdk,
    pytest.mark.skipif(
        importlib.util.find_spec("tasker_core") is None,
        reason="needs the tasker_core SDK: pip install 'tasker-ctl[sdk]'",
    ),
]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*args], capture_output=True, text=True, cwd=cwd, env=ENV, timeout=300, check=False
    )


def tasker_ctl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run(sys.executable, "-m", "tasker_ctl", *args, cwd=cwd)


@pytest.fixture(scope="module", params=["dsl", "class"])
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh project: init, the template under config/tasks/, the scaffold in handlers/."""
    root = tmp_path_factory.mktemp(f"loop-{request.param}")
    init = tasker_ctl("init", "--no-contrib", cwd=root)
    assert init.returncode == 0, init.stderr
    (root / "config" / "tasks").mkdir(parents=True)
    shutil.copy(TEMPLATE, root / "config" / "tasks" / "order_flow.yaml")
    (root / "context.json").write_text('{"order_id": "A-1001"}', encoding="utf-8")
    scaffold = tasker_ctl(
        "generate", "scaffold", "-t", "config/tasks/order_flow.yaml", "-l", "python",
        "--output-dir", "handlers", "--style", request.param, cwd=root,
    )  # fmt: skip
    assert scaffold.returncode == 0, scaffold.stderr
    assert scaffold.stderr == ""  # no warnings: every sample meets its schema
    return root


def test_validate_resolves_every_callable(project: Path) -> None:
    result = tasker_ctl(
        "validate", "config/tasks/order_flow.yaml", "--strict", "--format", "json", cwd=project
    )
    assert result.returncode == 0, result.stdout
    document = json.loads(result.stdout)
    found = [d for f in document["files"] for d in f["diagnostics"]]
    assert document["summary"]["files"] == 1
    assert not [d for d in found if d["severity"] in ("error", "warning")], found
    assert "HANDLER_NOT_FOUND" not in {d["rule_id"] for d in found}


def test_run_completes_and_calls_every_handler(project: Path) -> None:
    result = tasker_ctl(
        "run", "config/tasks/order_flow.yaml", "--context", "context.json", "--format", "json",
        cwd=project,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["task"]["status"] == "complete"
    steps = {s["name"]: s for s in report["steps"]}
    assert all(s["status"] == "complete" for s in steps.values())
    # The decision created both of its children; the batch ran two workers of 50 items.
    assert steps["express"]["created_by"] == "route_order"
    assert steps["split_lines"]["created_by"] == "route_order"
    workers = [n for n in steps if n.startswith("process_lines_")]
    assert len(workers) == 2
    assert steps["validate_order"]["result"]["orderId"] == "example"  # JSON names kept
    assert steps["sum_lines"]["result"] == {"worker_count": 2, "no_batches": False}
    assert not [w for w in report["warnings"] if w["code"] == "result_schema_mismatch"]


def test_generated_pytest_suite_passes(project: Path) -> None:
    result = run(
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "handlers/tests.py",
        cwd=project,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]
    assert "9 passed" in result.stdout


def test_generated_code_passes_ruff_and_mypy_strict(project: Path) -> None:
    ruff = [sys.executable, "-m", "ruff"]
    check = run(*ruff, "check", "--isolated", "--extend-select", "E501,I", ".", cwd=project)
    assert check.returncode == 0, check.stdout
    fmt = run(*ruff, "format", "--isolated", "--check", ".", cwd=project)
    assert fmt.returncode == 0, fmt.stdout
    mypy = run(
        sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull,
        "handlers", cwd=project,
    )  # fmt: skip
    assert mypy.returncode == 0, mypy.stdout


EXAMPLES = sorted((ROOT / "examples").glob("*/config/tasks/*.yaml"))


@pytest.mark.parametrize("template", EXAMPLES, ids=[t.stem for t in EXAMPLES])
def test_every_example_runs_to_complete_on_its_scaffold_alone(
    template: Path, tmp_path: Path
) -> None:
    """The placeholders replace the example's own handlers: decisions, batches and all."""
    (tmp_path / "config" / "tasks").mkdir(parents=True)
    shutil.copy(template, tmp_path / "config" / "tasks" / template.name)
    shutil.copy(template.parents[2] / "context.json", tmp_path / "context.json")
    task = f"config/tasks/{template.name}"
    made = tasker_ctl("generate", "scaffold", "-t", task, "-l", "py", "--output-dir", "handlers",
                      cwd=tmp_path)  # fmt: skip
    assert made.returncode == 0, made.stderr
    ran = tasker_ctl("run", task, "--context", "context.json", "--format", "json", cwd=tmp_path)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-2000:]
    assert json.loads(ran.stdout)["task"]["status"] == "complete"


def test_generate_types_and_generate_handler_pair_up(tmp_path: Path) -> None:
    """`generate handler` imports the `generate types` names from .models beside it."""
    (tmp_path / "config" / "tasks").mkdir(parents=True)
    shutil.copy(TEMPLATE, tmp_path / "config" / "tasks" / "order_flow.yaml")
    (tmp_path / "context.json").write_text('{"order_id": "A-1001"}', encoding="utf-8")
    task = "config/tasks/order_flow.yaml"
    types = tasker_ctl("generate", "types", "-t", task, "-l", "py", "-o", "handlers/models.py",
                       cwd=tmp_path)  # fmt: skip
    assert types.returncode == 0, types.stderr
    handlers = tasker_ctl("generate", "handler", "-t", task, "-l", "py", "-o",
                          "handlers/handlers.py", "--with-tests", cwd=tmp_path)  # fmt: skip
    assert handlers.returncode == 0, handlers.stderr
    (tmp_path / "handlers" / "__init__.py").write_text("", encoding="utf-8")
    ran = tasker_ctl("run", task, "--context", "context.json", "--format", "json", cwd=tmp_path)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-2000:]
    assert json.loads(ran.stdout)["task"]["status"] == "complete"
    tests = run(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                "handlers/test_handlers.py", cwd=tmp_path)  # fmt: skip
    assert tests.returncode == 0, tests.stdout[-3000:]
