"""The pytest plugin as users meet it: pytest in a subprocess, on a project of its own.

Also: the examples' workflow tests, the plugin's import weight, and the public API
type-checked with ``mypy --strict`` from a consumer's module.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.testing.conftest import EXAMPLES, HERE, SAMPLE

ROOT = HERE.parent.parent


def pytest_in(
    cwd: Path, *args: str, python: str = sys.executable
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "TASKER_"))}
    env["RUST_LOG"] = "off"
    return subprocess.run(
        [python, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the sample project (its snapshots may be written)."""
    target = tmp_path / "shop"
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.mark.sdk
@pytest.mark.usefixtures("sdk")
def test_the_sample_project_suite_with_the_fixture(project: Path) -> None:
    # its own 5 tests pass; two of them each see a handler's module-level counter at 1
    tests = project / "tests"
    (tests / "test_rewritten.py").write_text(
        "from _pytest.assertion.rewrite import AssertionRewritingHook\n"
        "import tasker_ctl.testing.assertions as helpers\n\n"
        "def test_the_helpers_are_rewritten_by_pytest():\n"
        "    assert isinstance(helpers.__loader__, AssertionRewritingHook)\n"
    )
    (tests / "test_broken.py").write_text(
        "from tasker_ctl.testing import failure\n"
        "from tasker_ctl.testing.assertions import assert_step\n\n"
        "def test_broken(tasker):\n"
        "    run = tasker.run('checkout', context={'cart_id': 'C', 'items': []},\n"
        "                     stubs={'charge': failure('declined', retryable=False)})\n"
        "    assert_step(run, 'charge', status='complete')\n"
    )
    (tests / "__snapshots__").rename(project / "stored")  # the first run writes it anew
    done = pytest_in(project, "tests")
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    assert "2 failed, 5 passed" in out
    explained = [line[1:].strip() for line in out.splitlines() if line.startswith("E ")]
    start = explained.index("AssertionError: step 'charge': status is 'error', expected 'complete'")
    assert explained[start : start + 6] == [
        "AssertionError: step 'charge': status is 'error', expected 'complete'",
        "",
        "task 'checkout' (checkout.yaml): blocked_by_failures",
        "load_cart: complete, 1 attempt",
        "charge: error, 1 attempt, handler_error: declined [stubbed]",
        "ship: pending, 0 attempts",
    ]
    assert "assertions.py" not in out  # the helpers' own frames are hidden
    snapshot = tests / "__snapshots__" / "test_checkout" / "test_checkout_completes.json"
    written = f"AssertionError: snapshot {snapshot} did not exist; it was written now"
    assert written in " ".join(explained)
    stored = project / "stored" / "test_checkout" / "test_checkout_completes.json"
    assert snapshot.read_text() == stored.read_text()  # the same outcome, byte for byte


def test_loading_the_plugin_and_the_api_imports_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "import tasker_ctl.testing.pytest_plugin, tasker_ctl.testing\n"
        "heavy = ('tasker_core', 'typer', 'rich', 'jinja2', 'tasker_ctl.executor.runner',\n"
        "         'tasker_ctl.cli', 'tasker_ctl.reporting')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.sdk
@pytest.mark.usefixtures("sdk")
def test_a_run_through_the_api_imports_no_cli_or_rich() -> None:
    code = (
        "import sys\n"
        "from tasker_ctl.testing import Tasker\n"
        f"run = Tasker({str(SAMPLE)!r}).run('checkout', context={{'cart_id': 'C', 'items': []}})\n"
        "heavy = ('typer', 'rich', 'tasker_core')\n"
        "print(run.status, sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "complete []"  # the SDK runs in the worker only


@pytest.mark.sdk
@pytest.mark.usefixtures("sdk")
def test_the_examples_workflow_tests_pass() -> None:
    # one pytest for all four: their test files share a name, hence importlib mode
    tests = sorted(str(p.relative_to(ROOT)) for p in EXAMPLES.glob("*/tests"))
    assert len(tests) == 4
    done = pytest_in(ROOT, "--import-mode=importlib", *tests)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "passed" in done.stdout and "failed" not in done.stdout


def test_the_public_api_type_checks_for_a_consumer(tmp_path: Path) -> None:
    config = tmp_path / "mypy.ini"
    config.write_text(
        "[mypy]\nstrict = true\nwarn_unused_ignores = true\n"
        "[mypy-tasker_core.*]\nignore_missing_imports = true\n"
        "[mypy-re2]\nignore_missing_imports = true\n"
    )
    consumer = HERE / "typed_consumer.py"
    misuse = HERE / "typed_misuse.py"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(config),
            "--cache-dir",
            str(ROOT / ".mypy_cache" / "consumer"),
            str(consumer),
            str(misuse),
        ],
        cwd=tmp_path,  # tasker_ctl is found as an installed package (py.typed), not as source
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = done.stdout.splitlines()
    assert not [line for line in lines if "typed_consumer.py" in line], done.stdout
    errors = sorted(line.split(": error: ")[1] for line in lines if "typed_misuse.py" in line)
    assert errors == [
        'Argument "retryable" to "failure" has incompatible type "str"; expected "bool"  '
        "[arg-type]",
        'Argument 1 to "waits_for" of "Clock" has incompatible type "int"; expected "str"  '
        "[arg-type]",
        'Incompatible types in assignment (expression has type "int", variable has type '
        '"str")  [assignment]',
    ]
