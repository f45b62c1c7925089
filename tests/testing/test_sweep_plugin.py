"""The pytest plugin on mistakes users make: what pytest shows them, run in a subprocess.

One pytest run of a copy of the sample project with a module of mistakes; each
section of its report is checked: the message says what is wrong and what to do (a
close template name, the hint), and no frame of tasker-ctl's own code is shown.
And Ctrl-C in the middle of a run stops the session.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.testing.conftest import SAMPLE
from tests.testing.test_plugin import ROOT, pytest_in

MISTAKES = """\
from tasker_ctl.testing import call, failure, result
from tasker_ctl.testing.assertions import (
    assert_calls, assert_created, assert_not_created, assert_outcome, assert_run_complete,
    assert_step, assert_waits,
)

CART = {"cart_id": "C-1", "items": [{"price": 20, "quantity": 2}]}


def test_typo_in_template_name(tasker):
    tasker.run("chekout", context=CART)


def test_typo_in_template_path(tasker):
    tasker.run("workflows/checkout.yml", context=CART)


def test_uncalled_stub_maker(tasker):
    tasker.run("checkout", context=CART, stubs={"charge": failure})


def test_unimportable_stub(tasker):
    tasker.run("checkout", context=CART, stubs={"charge": call("no_such_module:charge")})


def test_bare_string_of_names(tasker):
    run = tasker.run("checkout", context=CART)
    assert_created(run, "charge", "ship")


def test_waits_of_a_misspelt_step(tasker):
    run = tasker.run("checkout", context=CART)
    assert_waits(run, "chrage", [])


def test_waits_not_a_list(tasker):
    run = tasker.run("checkout", context=CART)
    assert_waits(run, "charge", 2000)


def test_count_as_a_string(tasker):
    run = tasker.run("checkout", context=CART)
    assert_calls(run, "charge", "1")


def test_outcome_none(tasker):
    run = tasker.run("checkout", context=CART)
    assert_outcome(run, None)


def test_not_a_run(tasker):
    assert_run_complete("checkout")


def test_step_name_not_a_string(tasker):
    run = tasker.run("checkout", context=CART)
    assert_step(run, 3, status="complete")


def test_snapshot_folder_is_a_file(tasker):
    run = tasker.run("checkout", context=CART)
    tasker.snapshot_path().parent.parent.mkdir(exist_ok=True)
    tasker.snapshot_path().parent.write_text("not a folder")
    tasker.snapshot(run)
"""

EXPECTED = {
    "test_typo_in_template_name": [
        "InputFileError: task template chekout not found (looked for: ",
        "; did you mean 'checkout'?",
        "hint: pass the path of a task template YAML file",
    ],
    "test_typo_in_template_path": ["; did you mean 'workflows/checkout.yaml'?"],
    "test_uncalled_stub_maker": [
        "TypeError: a stub must be failure(...), called with its arguments, not the function "
        "failure itself"
    ],
    "test_unimportable_stub": [
        "HandlerPackageError: the stub for step 'charge' names no_such_module:charge",
        "hint: a stub function must be defined at module level in an importable module",
    ],
    "test_bare_string_of_names": [
        "TypeError: assert_created(): 'expected' must be a list of step names (e.g. ['ship']), "
        "not str"
    ],
    "test_waits_of_a_misspelt_step": [
        "AssertionError: step 'chrage': there is no such step: 'chrage'; created: load_cart, "
        "charge, ship"
    ],
    "test_waits_not_a_list": [
        "TypeError: assert_waits(): expected_ms must be a list of milliseconds (e.g. [2000, "
        "4000]), not int"
    ],
    "test_count_as_a_string": ["TypeError: assert_calls(): count must be an int, not str"],
    "test_outcome_none": [
        "TypeError: assert_outcome(): expected must be a mapping shaped like run.outcome(), "
        "not NoneType"
    ],
    "test_not_a_run": [
        "TypeError: assert_run_complete() takes the Run that run() or tasker.run() returned "
        "as its first argument, not str"
    ],
    "test_step_name_not_a_string": ["TypeError: assert_step(): a step name must be a str, not int"],
    "test_snapshot_folder_is_a_file": [
        "AssertionError: snapshot ",
        "test_snapshot_folder_is_a_file.json cannot be written: ",
    ],
}


def _sections(report: str) -> dict[str, str]:
    """The report's failure and error sections, by test name."""
    parts = re.split(r"^_{3,} (?:ERROR at setup of )?(\S+) _{3,}$", report, flags=re.M)
    # a section ends at the next one, or at a ==== header (FAILURES, the summary)
    return {
        name: re.split(r"^={3,}", text, flags=re.M)[0]
        for name, text in zip(parts[1::2], parts[2::2], strict=True)
    }


@pytest.mark.sdk
@pytest.mark.usefixtures("sdk")
def test_mistakes_are_reported_as_what_to_fix_not_as_tracebacks(tmp_path: Path) -> None:
    project = tmp_path / "shop"
    shutil.copytree(SAMPLE, project, ignore=shutil.ignore_patterns("__pycache__"))
    (project / "tests" / "test_mistakes.py").write_text(MISTAKES)
    # a directory whose .tasker-ctl.toml names a template folder that is not there
    lost = project / "lost"
    lost.mkdir()
    (lost / ".tasker-ctl.toml").write_text('template-paths = ["nowhere"]\n')
    (lost / "test_lost.py").write_text(
        "def test_template_paths_is_missing(tasker):\n    tasker.run('checkout')\n"
    )
    broken = project / "broken"
    broken.mkdir()
    (broken / ".tasker-ctl.toml").write_text("handlers-root = [\n")
    (broken / "test_broken.py").write_text(
        "def test_config_is_not_toml(tasker):\n    tasker.run('checkout')\n"
    )

    done = pytest_in(project, "tests/test_mistakes.py", "lost", "broken")
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    assert out.rstrip().endswith("13 failed, 1 error in " + out.rstrip().split(" in ")[-1])
    sections = _sections(out)
    assert sorted(sections) == sorted(
        [*EXPECTED, "test_template_paths_is_missing", "test_config_is_not_toml"]
    )
    for name, wanted in EXPECTED.items():
        text = sections[name]
        for fragment in wanted:
            assert fragment in text, f"{name}: {fragment!r} not in\n{text}"
    lost_text = sections["test_template_paths_is_missing"]
    assert f"'template-paths' names no directory at {lost / 'nowhere'}" in lost_text
    broken_text = sections["test_config_is_not_toml"].strip()
    assert broken_text.splitlines() == [
        f"{broken / '.tasker-ctl.toml'}: invalid TOML: Invalid value (at end of document)",
        "hint: fix the syntax of the configuration file",
    ]
    # the user's own line is shown; none of tasker-ctl's frames are
    assert str(ROOT / "tasker_ctl") not in out
    assert "tests/test_mistakes.py:" in sections["test_typo_in_template_name"]


@pytest.mark.sdk
@pytest.mark.usefixtures("sdk")
def test_ctrl_c_during_a_run_stops_the_session(tmp_path: Path) -> None:
    # the run caught SIGINT to stop its workers and returned a partial Run: the test
    # went on, and so did every later test; Ctrl-C must stop pytest
    project = tmp_path / "shop"
    shutil.copytree(SAMPLE, project, ignore=shutil.ignore_patterns("__pycache__"))
    started, later = tmp_path / "started", tmp_path / "later"
    (project / "tests" / "slow_stubs.py").write_text(
        "import time\nfrom pathlib import Path\n\n"
        f"def hang(context):\n    Path({str(started)!r}).touch()\n    time.sleep(60)\n"
    )
    (project / "tests" / "test_slow.py").write_text(
        "from pathlib import Path\nfrom tasker_ctl.testing import call\n\n"
        "def test_slow(tasker):\n    from slow_stubs import hang\n"
        "    tasker.run('checkout', context={'cart_id': 'C', 'items': []},\n"
        "               stubs={'charge': call(hang)})\n\n"
        f"def test_later():\n    Path({str(later)!r}).touch()\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "TASKER_"))}
    session = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "tests/test_slow.py"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**env, "RUST_LOG": "off"},
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    try:
        deadline = time.monotonic() + 60
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert started.exists(), "the stub never ran"
        os.killpg(session.pid, signal.SIGINT)  # what Ctrl-C sends: pytest and its workers
        out, _ = session.communicate(timeout=60)
    finally:
        if session.poll() is None:
            os.killpg(session.pid, signal.SIGKILL)
            session.wait()
    assert session.returncode == 2, out  # pytest's "interrupted"
    assert "KeyboardInterrupt" in out and "no tests ran" in out
    assert not later.exists()
