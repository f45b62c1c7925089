"""`tasker-ctl generate handler|scaffold` through the real CLI: what a user sees.

Writing is all or nothing and stays inside the output directory; a re-run after
the YAML changed refreshes models.py and keeps hand-edited handlers; --dry-run
shows diffs and writes nothing; bad input is one clear error with exit 2.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.helpers import assert_matches_snapshot, read_tree

FIXTURE = ROOT / "tests" / "fixtures" / "codegen" / "order_flow.yaml"
ENV = {**os.environ, "NO_COLOR": "1", "RUST_LOG": "off"}


def tasker_ctl(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tasker_ctl", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=ENV,
        timeout=120,
        check=False,
    )


def scaffold(project: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return tasker_ctl(
        "generate", "scaffold", "-t", "task.yaml", "-l", "py", "--output-dir", "handlers",
        *extra, cwd=project,
    )  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "task.yaml").write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def test_scaffold_writes_upstreams_files_and_registers_every_callable(project: Path) -> None:
    result = scaffold(project)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (project / "handlers").iterdir())
    assert names == [
        ".tasker-ctl-scaffold.json", "__init__.py", "handlers.py", "models.py", "tests.py"
    ]  # fmt: skip
    handlers = (project / "handlers" / "handlers.py").read_text(encoding="utf-8")
    for step in ("validate_order", "price", "stock", "route_order", "express", "split_lines",
                 "process_lines", "sum_lines", "finish"):  # fmt: skip
        assert f'("shop.{step}"' in handlers
    assert "from .models import (" in handlers
    models = (project / "handlers" / "models.py").read_text(encoding="utf-8")
    assert "class ValidateOrderResult(BaseModel):" in models  # upstream's scaffold names
    assert "class OrderFlowInput(BaseModel):" in models


def test_scaffold_without_output_dir_prints_the_files(project: Path) -> None:
    result = tasker_ctl("generate", "scaffold", "-t", "task.yaml", "-l", "python", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "# --- models.py ---" in result.stdout
    assert "# --- handlers.py ---" in result.stdout
    assert "# --- tests.py ---" in result.stdout
    assert not (project / "handlers").exists()


def test_rerun_refreshes_models_and_keeps_edited_handlers(project: Path) -> None:
    assert scaffold(project).returncode == 0
    handlers = project / "handlers" / "handlers.py"
    edited = handlers.read_text(encoding="utf-8") + "\n# my logic\n"
    handlers.write_text(edited, encoding="utf-8")
    yaml = project / "task.yaml"
    text = yaml.read_text(encoding="utf-8")
    yaml.write_text(text.replace("{type: number}", "{type: integer}"), encoding="utf-8")
    result = scaffold(project)
    assert result.returncode == 0, result.stderr
    assert "updated" in result.stdout and "models.py" in result.stdout
    assert "kept" in result.stdout and "edited since it was generated" in result.stdout
    assert handlers.read_text(encoding="utf-8") == edited
    assert "amount: int" in (project / "handlers" / "models.py").read_text(encoding="utf-8")
    # tests.py was not edited, so it follows the template
    forced = scaffold(project, "--force")
    assert forced.returncode == 0
    assert "# my logic" not in handlers.read_text(encoding="utf-8")


def test_identical_rerun_changes_nothing(project: Path) -> None:
    assert scaffold(project).returncode == 0
    before = read_tree(project / "handlers")
    result = scaffold(project)
    assert result.returncode == 0
    assert "Wrote 0 file(s)" in result.stdout
    assert read_tree(project / "handlers") == before


def test_dry_run_shows_diffs_and_writes_nothing(project: Path) -> None:
    result = scaffold(project, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "would create" in result.stdout
    assert "+++ b/handlers.py" in result.stdout
    assert "nothing was written" in result.stdout
    assert not (project / "handlers").exists()


def test_never_writes_through_a_symlink_out_of_the_output_dir(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (project / "handlers").mkdir()
    (project / "handlers" / "models.py").symlink_to(outside / "models.py")
    result = scaffold(project)
    assert result.returncode == 2
    assert "outside the output directory" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in (project / "handlers").iterdir()) == ["models.py"]


def test_handler_to_stdout_and_with_tests_to_a_sibling_file(project: Path) -> None:
    printed = tasker_ctl("generate", "handler", "-t", "task.yaml", "-l", "python", "-s", "price",
                         "--with-tests", cwd=project)  # fmt: skip
    assert printed.returncode == 0, printed.stderr
    assert '@step_handler("shop.price")' in printed.stdout
    assert "ShopPriceResult" in printed.stdout  # generate types' names
    assert "# --- tests ---" in printed.stdout
    assert "def validate_order(" not in printed.stdout
    out = project / "pkg" / "step_handlers.py"
    written = tasker_ctl("generate", "handler", "-t", "task.yaml", "-l", "python", "-o", str(out),
                         "--with-tests", "--style", "class", cwd=project)  # fmt: skip
    assert written.returncode == 0, written.stderr
    assert "class PriceHandler(StepHandler):" in out.read_text(encoding="utf-8")
    tests = (project / "pkg" / "test_step_handlers.py").read_text(encoding="utf-8")
    assert "from . import step_handlers as handlers" in tests


def test_handler_output_may_be_a_directory(project: Path) -> None:
    for language, names in {
        "python": ["handlers.py", "test_handlers.py"],
        "ts": ["handlers.test.ts", "handlers.ts"],
        "rb": ["handlers.rb", "handlers_spec.rb"],
    }.items():
        out = project / language
        out.mkdir()
        result = tasker_ctl("generate", "handler", "-t", "task.yaml", "-l", language, "-o",
                            f"{language}/", "--with-tests", cwd=project)  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert sorted(p.name for p in out.iterdir()) == names


def test_handler_refuses_to_overwrite_a_different_file_without_force(project: Path) -> None:
    out = project / "handlers.py"
    out.write_text("# mine\n", encoding="utf-8")
    args = ("generate", "handler", "-t", "task.yaml", "-l", "python", "-o", "handlers.py")
    refused = tasker_ctl(*args, cwd=project)
    assert refused.returncode == 2
    assert "--force" in refused.stderr
    assert out.read_text(encoding="utf-8") == "# mine\n"
    dry = tasker_ctl(*args, "--dry-run", cwd=project)
    assert dry.returncode == 1
    assert "would refuse" in dry.stdout
    assert tasker_ctl(*args, "--force", cwd=project).returncode == 0
    assert "@step_handler" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-l", "java"], "unsupported language 'java'"),
        (["-l", "rust", "--style", "class"], "--style class is not available for rust"),
        (["-l", "python", "--style", "oop"], "unknown handler style 'oop'"),
        (["-l", "python", "-s", "prcie"], "the template has no step named 'prcie'"),
        (["-l", "python", "-t", "missing.yaml"], "missing.yaml: no such file"),
    ],
)
def test_usage_errors_exit_2_with_one_clear_line(
    project: Path, args: list[str], message: str
) -> None:
    command = ["generate", "scaffold", "-t", "task.yaml", *args, "--output-dir", "out"]
    if "-t" in args[1:] or args[0] == "-t":
        command = ["generate", "scaffold", *args, "--output-dir", "out"]
    result = tasker_ctl(*command, cwd=project)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "out").exists()


def test_a_template_without_steps_is_an_error(project: Path) -> None:
    (project / "empty.yaml").write_text(
        "name: empty\nnamespace_name: e\nversion: 1.0.0\nsteps: []\n", encoding="utf-8"
    )
    result = tasker_ctl("generate", "scaffold", "-t", "empty.yaml", "-l", "python",
                        "--output-dir", "out", cwd=project)  # fmt: skip
    assert result.returncode == 2
    assert "the template has no steps" in result.stderr
    assert not (project / "out").exists()


def test_a_template_that_does_not_load_names_its_line(project: Path) -> None:
    (project / "bad.yaml").write_text("name: x\nsteps: [\n", encoding="utf-8")
    result = tasker_ctl("generate", "scaffold", "-t", "bad.yaml", "-l", "python", cwd=project)
    assert result.returncode == 2
    assert "bad.yaml:" in result.stderr
    assert "Traceback" not in result.stderr


def test_scaffold_snapshot(project: Path, snapshot_update: bool) -> None:
    """One representative template, both styles: the files exactly as generated."""
    actual: dict[str, str] = {}
    for style in ("dsl", "class"):
        out = project / style
        result = tasker_ctl("generate", "scaffold", "-t", "task.yaml", "-l", "python",
                            "--output-dir", str(out), "--style", style, cwd=project)  # fmt: skip
        assert result.returncode == 0, result.stderr
        for rel, data in read_tree(out).items():
            if not rel.startswith("."):
                actual[f"{style}/{rel}"] = data.decode("utf-8")
    manifest = json.loads((project / "dsl" / ".tasker-ctl-scaffold.json").read_text("utf-8"))
    assert sorted(manifest["files"]) == ["__init__.py", "handlers.py", "models.py", "tests.py"]
    snapshots = ROOT / "snapshots" / "codegen" / "scaffold_order_flow"
    assert_matches_snapshot(actual, snapshots, snapshot_update)
