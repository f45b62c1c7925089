"""Generated Python is real code: ruff-clean, tests pass with the real SDK, YAML fits the model."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tasker_ctl.model import TaskTemplate
from tests.scaffold.cases import Case, all_cases, render

PYTHON_CASES = [c for c in all_cases() if c.language == "python" and c.kind != "task_template"]
YAML_CASES = [c for c in all_cases() if c.kind == "task_template"]
HAS_SDK = importlib.util.find_spec("tasker_core") is not None


def ruff(*args: str, cwd: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--isolated", "."],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def run_generated_tests(project: Path) -> subprocess.CompletedProcess[str]:
    """``python -m pytest tests`` in ``project``, as the generated test modules say."""
    env = {**os.environ, "RUST_LOG": "off", "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    return result


@pytest.mark.parametrize("case", PYTHON_CASES, ids=[c.id for c in PYTHON_CASES])
def test_generated_python_passes_ruff(case: Case, tmp_path: Path) -> None:
    canonical = tmp_path / "canonical"
    render(case, canonical)
    ruff("check", "--select", "E,F,W,I,B,UP,SIM", cwd=canonical)
    ruff("format", "--check", cwd=canonical)
    # Any valid name and package yields lint-clean code (long names may exceed 88 columns).
    awkward = tmp_path / "awkward"
    render(case, awkward, name="HTTPClient2 retry", module_name="app.handlers.v2")
    ruff("check", "--select", "E,F,W,I,B,UP,SIM", "--ignore", "E501", cwd=awkward)


@pytest.mark.sdk
@pytest.mark.skipif(not HAS_SDK, reason="needs the tasker_core SDK: pip install 'tasker-ctl[sdk]'")
@pytest.mark.parametrize("case", PYTHON_CASES, ids=[c.id for c in PYTHON_CASES])
def test_generated_pytest_tests_pass_against_the_real_sdk(case: Case, tmp_path: Path) -> None:
    render(case, tmp_path, module_name="app.handlers")
    result = run_generated_tests(tmp_path)
    assert " passed" in result.stdout and "failed" not in result.stdout


DSL_CASES = [c for c in PYTHON_CASES if c.style == "dsl"]


@pytest.mark.sdk
@pytest.mark.skipif(not HAS_SDK, reason="needs the tasker_core SDK: pip install 'tasker-ctl[sdk]'")
@pytest.mark.parametrize("case", DSL_CASES, ids=[c.id for c in DSL_CASES])
def test_generated_tests_pass_for_names_close_to_their_own(case: Case, tmp_path: Path) -> None:
    # The handler functions are named after the handler: neither a name that the
    # test module uses itself nor one pytest would collect may break the tests.
    for name in ("make_context", "Test Str", "uuid"):
        render(case, tmp_path, name=name)
    run_generated_tests(tmp_path)
    ruff("check", "--select", "E,F,W,I,B,UP,SIM", "--ignore", "E501", cwd=tmp_path)


@pytest.mark.parametrize("case", YAML_CASES, ids=[c.id for c in YAML_CASES])
def test_generated_task_template_follows_the_model(case: Case, tmp_path: Path) -> None:
    (path,) = render(case, tmp_path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    template = TaskTemplate.model_validate(data)
    assert "task_handler" not in data  # the stale block the real templates still carry
    assert template.name == "process_order"
    assert template.version == "1.0.0"
    step = template.steps[0]
    assert step.handler.callable == case.params["handler_callable"]
    assert step.retry.max_attempts == 3
    assert f"language:{case.language}" in (template.metadata.tags if template.metadata else [])


@pytest.mark.parametrize(("name", "namespace"), [("True", "null"), ("Null", "yes"), ("On", "off")])
def test_task_template_names_that_yaml_reads_as_other_types_stay_strings(
    name: str, namespace: str, tmp_path: Path
) -> None:
    case = YAML_CASES[0]
    (path,) = render(case, tmp_path, name=name, namespace=namespace)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))  # YAML 1.1, as the Python worker
    template = TaskTemplate.model_validate(data)
    assert (template.name, template.namespace_name) == (name.lower(), namespace)
    assert template.steps[0].name == name.lower()
    assert f"namespace:{namespace}" in (template.metadata.tags if template.metadata else [])
