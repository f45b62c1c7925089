"""The plugin from a built wheel, in a fresh virtualenv: what a user installs.

Builds tasker-ctl's wheel from this source tree, installs it with the ``sdk`` extra
(and pytest) into a new virtualenv, and runs the sample project's test suite with
that environment's pytest: the ``tasker`` fixture must come from the installed
wheel's ``pytest11`` entry point, not from the source tree. About 20-60 s (pip).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.testing.conftest import SAMPLE

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = [pytest.mark.slow, pytest.mark.sdk]


def sh(*args: str | Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"{args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def test_the_plugin_from_a_wheel_runs_a_projects_suite(tmp_path: Path) -> None:
    pytest.importorskip("tasker_core")  # no wheel of the SDK for this platform: nothing to show
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHONPATH", "PYTEST_", "VIRTUAL_ENV", "TASKER_", "PIP_REQUIRE"))
    }
    env["RUST_LOG"] = "off"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    wheels = tmp_path / "dist"
    sh(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "-q",
        "-w",
        wheels,
        ROOT,
        cwd=tmp_path,
        env=env,
    )
    (wheel,) = wheels.glob("tasker_ctl-*.whl")
    venv = tmp_path / "venv"
    sh(sys.executable, "-m", "venv", venv, cwd=tmp_path, env=env)
    python = venv / "bin" / "python"
    sh(python, "-m", "pip", "install", "-q", f"{wheel}[sdk]", "pytest", cwd=tmp_path, env=env)
    project = tmp_path / "shop"
    shutil.copytree(SAMPLE, project, ignore=shutil.ignore_patterns("__pycache__"))

    where = sh(
        python, "-c", "import tasker_ctl.testing as t; print(t.__file__)", cwd=project, env=env
    )
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout  # not the source tree

    done = sh(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", cwd=project, env=env)
    assert "5 passed" in done.stdout, done.stdout
    plugins = sh(
        python, "-m", "pytest", "--trace-config", "--co", "-q", "tests", cwd=project, env=env
    )
    assert "tasker_ctl/testing/pytest_plugin.py" in plugins.stdout
    assert (
        str(venv)
        in plugins.stdout.split("tasker_ctl/testing/pytest_plugin.py")[0].rsplit("\n", 1)[-1]
    )
