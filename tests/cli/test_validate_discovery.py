"""Project-aware discovery for ``tasker-ctl validate``: config found from subdirectories,
default template paths, excludes, ``.gitignore`` and the task-template heuristic.

Real git repositories (made with the ``git`` command) and the real CLI, in-process
(the ``cli`` fixture), through the Typer-free fast path, and in a subprocess.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tasker_ctl.cli.validate_fast import try_fast_validate
from tasker_ctl.validation.files import ExcludePattern, looks_like_template
from tests.helpers import build_file_tree

TEMPLATE = """\
name: {name}
namespace_name: shop
version: 1.0.0
steps:
  - name: only
    handler:
      callable: handlers.only.Only
"""
BROKEN = """\
name: broken
namespace_name: shop
version: 1.0.0
steps:
  - name: a
    handler:
      callable: handlers.a.A
    dependencies: [nope]
"""
COMPOSE = "services:\n  web:\n    image: nginx\n"
HOOKS = "- id: something\n  name: something\n  entry: something\n  language: python\n"
WORKFLOW = "name: ci\non: push\njobs:\n  test:\n    steps:\n      - run: echo\n"

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command")


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def make_repo(root: Path, files: dict[str, str]) -> Path:
    build_file_tree(root, files)
    git(root, "init", "-q")
    return root


def linted(stdout: str) -> str:
    """The summary line of a text report."""
    return stdout.strip().splitlines()[-1]


def fast(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int | None, str, str]:
    code = try_fast_validate(["validate", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


# --- 1. configuration found by walking up ------------------------------------------------


def test_config_is_found_from_a_subdirectory(cli, tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {
            ".tasker-ctl.toml": '[lint.rules]\nMISSING_DEP_REF = "off"\n',
            "config/tasks/broken.yaml": BROKEN,
            "app/deep/er/.keep": "",
        },
    )
    result = cli(
        "validate", "../../../config/tasks", "--no-handler-check", cwd=tmp_path / "app/deep/er"
    )
    assert result.exit_code == 0, result.output
    assert "MISSING_DEP_REF" not in result.stdout


def test_the_walk_up_stops_at_the_git_root(tmp_path: Path) -> None:
    from tasker_ctl.config import load_settings

    build_file_tree(tmp_path, {".tasker-ctl.toml": 'default-language = "ruby"\n'})
    inner = make_repo(tmp_path / "inner", {"sub/.keep": ""})
    assert load_settings(cwd=inner / "sub").source is None
    assert load_settings(cwd=tmp_path / "other").default_language == "ruby"


def test_explicit_config_still_wins_over_the_walk(cli, tmp_path: Path, monkeypatch) -> None:
    make_repo(
        tmp_path,
        {
            ".tasker-ctl.toml": '[lint.rules]\nMISSING_DEP_REF = "off"\n',
            "elsewhere.toml": "",
            "config/tasks/broken.yaml": BROKEN,
        },
    )
    result = cli(
        "--config",
        str(tmp_path / "elsewhere.toml"),
        "validate",
        "--no-handler-check",
        cwd=tmp_path / "config",
    )
    assert result.exit_code == 1
    monkeypatch.setenv("TASKER_CTL_CONFIG", str(tmp_path / "elsewhere.toml"))
    assert cli("validate", "tasks", "--no-handler-check", cwd=tmp_path / "config").exit_code == 1


# --- 2. no PATH: the configured template paths ---------------------------------------------


def test_no_path_lints_the_default_config_tasks_of_the_project(cli, tmp_path: Path) -> None:
    make_repo(tmp_path, {"config/tasks/broken.yaml": BROKEN, "src/pkg/.keep": ""})
    result = cli("validate", "--no-handler-check", cwd=tmp_path / "src/pkg")
    assert result.exit_code == 1
    assert "MISSING_DEP_REF" in result.stdout
    assert "broken.yaml" in result.stdout


def test_no_path_lints_configured_template_paths(cli, tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {
            ".tasker-ctl.toml": 'template-paths = ["workflows", "more/one.yaml"]\n',
            "workflows/a.yaml": TEMPLATE.format(name="a"),
            "more/one.yaml": TEMPLATE.format(name="b"),
            "config/tasks/broken.yaml": BROKEN,
        },
    )
    result = cli("validate", "--no-handler-check", cwd=tmp_path / "workflows")
    assert result.exit_code == 0, result.output
    assert "of 2 files" in linted(result.stdout)


def test_no_path_and_no_template_directory_is_a_usage_error(cli, tmp_path: Path) -> None:
    make_repo(tmp_path, {"README.md": "hi\n"})
    result = cli("validate", cwd=tmp_path)
    assert result.exit_code == 2
    assert "no PATH given" in result.stderr
    assert str(tmp_path / "config/tasks") in result.stderr
    assert "template-paths" in result.stderr


# --- 3. excludes --------------------------------------------------------------------------


def test_default_excludes_and_the_heuristic_keep_validate_dot_quiet(cli, tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {
            "config/tasks/ok.yaml": TEMPLATE.format(name="ok"),
            "node_modules/pkg/task.yaml": BROKEN,
            "build/task.yaml": BROKEN,
            "venv/task.yaml": BROKEN,
            "docker-compose.yml": COMPOSE,
            ".pre-commit-hooks.yaml": HOOKS,
            ".github/workflows/ci.yml": WORKFLOW,
            "ci/workflow.yml": WORKFLOW,
        },
    )
    result = cli("validate", ".", "--no-handler-check", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    summary = linted(result.stdout)
    assert "of 1 file" in summary
    assert "(3 YAML files skipped: not task templates)" in summary


def test_excludes_from_config_and_command_line(cli, capsys, tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {
            ".tasker-ctl.toml": 'extend-exclude = ["/legacy", "*.draft.yaml"]\n',
            "config/tasks/ok.yaml": TEMPLATE.format(name="ok"),
            "config/tasks/wip.draft.yaml": BROKEN,
            "legacy/old.yaml": BROKEN,
            "sub/legacy/kept.yaml": TEMPLATE.format(name="kept"),
            "generated/gen.yaml": BROKEN,
        },
    )
    args = ("--exclude", "generated/", "--no-handler-check")
    result = cli("validate", ".", *args, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "of 2 files" in linted(result.stdout)
    # the same from a subdirectory: config patterns stay anchored at the project
    sub = tmp_path / "sub"
    result = cli("validate", "..", "--exclude", "../generated", "--no-handler-check", cwd=sub)
    assert result.exit_code == 0, result.output
    assert "of 2 files" in linted(result.stdout)
    code, out, _ = fast(capsys, "..", "--exclude", "../generated", "--no-handler-check")
    assert (code, out) == (0, result.stdout)


def test_an_explicitly_named_file_is_always_linted(cli, tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {".gitignore": "ignored/\n", "node_modules/x.yaml": BROKEN, "ignored/y.yaml": BROKEN},
    )
    for name in ("node_modules/x.yaml", "ignored/y.yaml"):
        result = cli("validate", name, "--exclude", "*.yaml", "--no-handler-check", cwd=tmp_path)
        assert result.exit_code == 1, name
    compose = tmp_path / "docker-compose.yml"
    compose.write_text(COMPOSE)
    assert cli("validate", str(compose), "--no-handler-check").exit_code == 1


def test_exclude_replaces_the_defaults(cli, tmp_path: Path) -> None:
    build_file_tree(
        tmp_path,
        {
            ".tasker-ctl.toml": 'exclude = ["other"]\n',
            "build/t.yaml": BROKEN,
            "other/t.yaml": BROKEN,
        },
    )
    result = cli("validate", ".", "--no-handler-check", cwd=tmp_path)
    assert result.exit_code == 1
    assert "build/t.yaml" in result.stdout
    assert "other/t.yaml" not in result.stdout


def test_a_negated_exclude_is_a_usage_error(cli, tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"t.yaml": TEMPLATE.format(name="t")})
    result = cli("validate", ".", "--exclude", "!keep", cwd=tmp_path)
    assert result.exit_code == 2
    assert "negation" in result.stderr
    (tmp_path / ".tasker-ctl.toml").write_text('exclude = ["!keep"]\n')
    result = cli("validate", ".", cwd=tmp_path)
    assert result.exit_code == 2
    assert ".tasker-ctl.toml" in result.stderr


@pytest.mark.parametrize(
    ("pattern", "path", "is_dir", "expected"),
    [
        ("node_modules", "a/node_modules", True, True),
        ("*.draft.yaml", "x/y/z.draft.yaml", False, True),
        ("/build", "build", True, True),
        ("/build", "sub/build", True, False),
        ("docs/*.yaml", "docs/a.yaml", False, True),
        ("docs/*.yaml", "docs/sub/a.yaml", False, False),
        ("docs/**/*.yaml", "docs/sub/deeper/a.yaml", False, True),
        ("**/fixtures", "a/b/fixtures", True, True),
        ("out/", "out", False, False),
        ("t?.yaml", "t1.yaml", False, True),
        ("t[!0-9].yaml", "t1.yaml", False, False),
        ("./gen", "gen", True, True),
        ("./gen", "sub/gen", True, False),
        ("../gen", "../gen", True, True),
        ("../gen", "gen", True, False),
    ],
)
def test_exclude_globs_follow_gitignore(
    tmp_path: Path, pattern: str, path: str, is_dir: bool, expected: bool
) -> None:
    base = tmp_path / "base"
    compiled = ExcludePattern.compile(pattern, base)
    assert compiled.matches(os.path.normpath(base / path), is_dir) is expected


# --- 4. .gitignore ------------------------------------------------------------------------


@needs_git
def test_gitignored_files_are_skipped_unless_asked(cli, capsys, tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {
            ".gitignore": "scratch/\n*.local.yaml\n",
            "config/tasks/ok.yaml": TEMPLATE.format(name="ok"),
            "config/tasks/mine.local.yaml": BROKEN,
            "scratch/t.yaml": BROKEN,
            "config/tasks/.gitignore": "nested.yaml\n",
            "config/tasks/nested.yaml": BROKEN,
        },
    )
    result = cli("validate", ".", "--no-handler-check", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "of 1 file" in linted(result.stdout)
    assert fast(capsys, ".", "--no-handler-check")[:2] == (0, result.stdout)
    result = cli("validate", ".", "--no-respect-gitignore", "--no-handler-check")
    assert result.exit_code == 1
    assert "of 4 files" in linted(result.stdout)
    assert fast(capsys, ".", "--no-respect-gitignore", "--no-handler-check")[:2] == (
        1,
        result.stdout,
    )


@needs_git
def test_respect_gitignore_can_be_turned_off_in_config(cli, tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {
            ".tasker-ctl.toml": "respect-gitignore = false\n",
            ".gitignore": "scratch/\n",
            "scratch/t.yaml": BROKEN,
        },
    )
    assert cli("validate", ".", "--no-handler-check", cwd=tmp_path).exit_code == 1


@needs_git
def test_a_tracked_file_is_linted_even_if_it_matches_gitignore(cli, tmp_path: Path) -> None:
    make_repo(tmp_path, {"t.yaml": BROKEN})
    git(tmp_path, "add", "t.yaml")
    (tmp_path / ".gitignore").write_text("*.yaml\n")
    assert cli("validate", ".", "--no-handler-check", cwd=tmp_path).exit_code == 1


def test_outside_a_git_repository_nothing_is_gitignored(cli, tmp_path: Path) -> None:
    build_file_tree(tmp_path, {".gitignore": "scratch/\n", "scratch/t.yaml": BROKEN})
    assert cli("validate", ".", "--no-handler-check", cwd=tmp_path).exit_code == 1


# --- 5. the task-template heuristic ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (TEMPLATE.format(name="t"), True),
        ("name: t\nnamespace_name: shop\nversion: 1.0.0\n", True),  # steps missing: lint it
        ('{"name": "t", "steps": []}\n', True),
        ('# comment\n"steps": []\n', True),
        (COMPOSE, False),
        (HOOKS, False),
        (WORKFLOW, False),
        ("apiVersion: v2\nname: chart\nversion: 1.0.0\n", False),
        ("", False),
    ],
)
def test_looks_like_template(tmp_path: Path, text: str, expected: bool) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(text)
    assert looks_like_template(path) is expected


def test_only_skipped_files_still_warns(cli, tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"docker-compose.yml": COMPOSE})
    result = cli("validate", str(tmp_path))
    assert result.exit_code == 0
    assert "no task templates" in result.stderr
    assert "1 YAML file skipped: not task templates" in result.stderr


def test_the_real_command_in_a_subprocess(tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {
            ".tasker-ctl.toml": 'extend-exclude = ["vendor"]\n',
            "config/tasks/broken.yaml": BROKEN,
            "vendor/t.yaml": BROKEN,
            "node_modules/t.yaml": BROKEN,
            "docker-compose.yml": COMPOSE,
            "src/.keep": "",
        },
    )
    done = subprocess.run(
        [sys.executable, "-m", "tasker_ctl", "validate", "--no-handler-check", "--format", "json"],
        cwd=tmp_path / "src",
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "broken.yaml" in done.stdout
    assert "vendor" not in done.stdout
    done = subprocess.run(
        [sys.executable, "-m", "tasker_ctl", "validate", "..", "--no-handler-check"],
        cwd=tmp_path / "src",
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "in 1 of 1 file (1 YAML file skipped: not task templates)" in done.stdout


def test_without_a_config_file_the_nearest_config_tasks_is_linted(tmp_path: Path) -> None:
    # an example project inside a larger repository: validate from the example (or
    # below it) lints the example's config/tasks, not the repository root's
    import subprocess
    import sys

    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "config" / "tasks").mkdir(parents=True)
    (repo / "config" / "tasks" / "root.yaml").write_text(
        "name: root\nnamespace_name: x\nsteps: []\n"
    )
    example = repo / "examples" / "shop"
    (example / "config" / "tasks").mkdir(parents=True)
    (example / "handlers").mkdir()
    (example / "config" / "tasks" / "shop.yaml").write_text(
        "name: shop\nnamespace_name: ex\nversion: 1.0.0\nsteps:\n"
        "  - name: a\n    handler: {callable: ex.A}\n    result_schema: {type: object}\n"
    )
    for cwd in (example, example / "handlers"):
        done = subprocess.run(
            [sys.executable, "-m", "tasker_ctl", "validate", "--no-handler-check", "-f", "json"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        [linted] = json.loads(done.stdout)["files"]
        assert linted["path"].endswith("shop.yaml")
    at_root = subprocess.run(
        [sys.executable, "-m", "tasker_ctl", "validate", "-f", "json"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert at_root.returncode == 1
    assert json.loads(at_root.stdout)["files"][0]["path"].endswith("root.yaml")
