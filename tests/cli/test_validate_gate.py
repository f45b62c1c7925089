"""`tasker-ctl validate` as a CI gate: it never crashes and never reports a false finding.

Each case runs the real CLI in text and in ``--format json``, checking the exit
code, the message and that no traceback reaches the user.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tasker_ctl.resolution import sources
from tests.cli.test_validate_cmd import GOOD, _no_traceback

TEMPLATE = """\
name: gate
namespace_name: shop
version: 1.0.0
steps:
  - name: charge
    handler: {callable: CALLABLE}
    result_schema: {type: object}
"""

DSL_HANDLER = """\
from tasker_core.step_handler.functional import step_handler


@step_handler("CALLABLE")
def charge(context):
    return {}
"""


def _template(path: Path, callable_: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(TEMPLATE.replace("CALLABLE", callable_))
    return path


def _both(cli, *args: str, cwd: Path | None = None):
    """(text result, json result, parsed JSON document) of one validate call."""
    text = cli("validate", *args, cwd=cwd)
    _no_traceback(text)
    as_json = cli("validate", *args, "--format", "json", cwd=cwd)
    _no_traceback(as_json)
    return text, as_json, json.loads(as_json.stdout)


def _diagnostics(document: dict) -> list[dict]:
    return [d for f in document["files"] for d in f["diagnostics"]]


# -- 1. a scan that hits its cap says so --------------------------------------------
def test_a_truncated_handler_scan_is_not_checked_not_missing(cli, tmp_path: Path) -> None:
    project = tmp_path / "repo"
    filler = project / "aaa_filler"
    filler.mkdir(parents=True)
    for number in range(sources.MAX_FILES):
        (filler / f"m{number}.py").touch()
    handlers = project / "zzz_handlers"
    handlers.mkdir()
    (handlers / "charge.py").write_text(DSL_HANDLER.replace("CALLABLE", "shop.charge"))
    template = _template(tmp_path / "t" / "gate.yaml", "shop.charge")
    text, as_json, document = _both(cli, str(template), "--handlers-root", str(project))
    assert text.exit_code == as_json.exit_code == 0
    assert "HANDLER_NOT_FOUND" not in text.stdout
    assert "HANDLER_NOT_CHECKED" in text.stdout
    assert "stopped after 20,000 source files" in text.stdout
    [diagnostic] = _diagnostics(document)
    assert diagnostic["rule_id"] == "HANDLER_NOT_CHECKED"
    assert "20,000" in diagnostic["message"] and "--handlers-root" in diagnostic["message"]
    assert "handlers-root in .tasker-ctl.toml" in diagnostic["message"]
    # narrowing the root checks it for real
    narrowed = cli("validate", str(template), "--handlers-root", str(handlers))
    assert narrowed.exit_code == 0 and "no problems" in narrowed.stdout


def test_a_truncated_scan_still_reports_what_it_found(cli, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(sources, "MAX_FILES", 3)
    (tmp_path / "a_charge.py").write_text(DSL_HANDLER.replace("CALLABLE", "shop.charge"))
    for name in ("b.py", "c.py", "d.py", "e.py"):
        (tmp_path / name).write_text("from tasker_core import x\n")
    template = _template(tmp_path / "t" / "gate.yaml", "shop.charge")
    result = cli("validate", str(template), "--handlers-root", str(tmp_path))
    assert result.exit_code == 0 and "no problems" in result.stdout
    missing = _template(tmp_path / "u" / "gate.yaml", "shop.refund")
    result = cli("validate", str(missing), "--handlers-root", str(tmp_path), "--format", "json")
    assert result.exit_code == 0
    [diagnostic] = _diagnostics(json.loads(result.stdout))
    assert diagnostic["rule_id"] == "HANDLER_NOT_CHECKED"
    assert "stopped after 3 source files" in diagnostic["message"]


def test_dependency_trees_and_virtualenvs_are_not_scanned(cli, tmp_path: Path) -> None:
    for skipped in (".git", "node_modules", ".venv", "__pycache__", "myenv"):
        directory = tmp_path / skipped / "pkg"
        directory.mkdir(parents=True)
        (directory / "h.py").write_text(DSL_HANDLER.replace("CALLABLE", "shop.charge"))
    (tmp_path / "myenv" / "pyvenv.cfg").write_text("home = /usr\n")
    walked = sources.walk_sources([tmp_path])
    assert walked.files == {} and not walked.truncated
    template = _template(tmp_path / "t" / "gate.yaml", "shop.charge")
    result = cli("validate", str(template), "--handlers-root", str(tmp_path))
    assert result.exit_code == 0
    assert "HANDLER_NOT_CHECKED" in result.stdout  # no python sources at all


# -- 2. handler sources Python cannot parse ------------------------------------------
@pytest.mark.parametrize(
    ("source", "line", "words"),
    [
        (DSL_HANDLER.replace("def charge(context):", "def charge(context:"), 5, "SyntaxError"),
        (
            DSL_HANDLER + "x = " + "1+" * 100_000 + "1\n",
            1,
            "RecursionError: the source is nested too deeply",
        ),
    ],
    ids=["syntax-error", "too-deep-for-the-parser"],
)
def test_an_unparsable_handler_source_is_reported_where_it_is(
    cli, tmp_path: Path, source: str, line: int, words: str
) -> None:
    handlers = tmp_path / "handlers"
    handlers.mkdir()
    broken = handlers / "charge.py"
    broken.write_text(source.replace("CALLABLE", "handlers.charge.charge"))
    template = _template(tmp_path / "gate.yaml", "handlers.charge.charge")
    text, as_json, document = _both(cli, str(template), "--handlers-root", str(tmp_path))
    assert text.exit_code == as_json.exit_code == 1
    assert "HANDLER_NOT_FOUND" not in text.stdout
    assert "no python handler is registered" not in text.stdout
    assert f"{broken}:{line}" in text.stdout
    assert words in text.stdout
    by_rule = {d["rule_id"]: d for d in _diagnostics(document)}
    assert set(by_rule) == {"HANDLER_IMPORT_ERROR", "HANDLER_NOT_CHECKED"}
    error = by_rule["HANDLER_IMPORT_ERROR"]
    assert error["severity"] == "error"
    assert (error["path"], error["line"]) == (str(broken), line)
    assert words in error["message"]
    assert f"{broken}:{line}" in by_rule["HANDLER_NOT_CHECKED"]["message"]


def test_an_unrelated_broken_source_does_not_fail_other_templates(cli, tmp_path) -> None:
    handlers = tmp_path / "handlers"
    handlers.mkdir()
    (handlers / "charge.py").write_text(DSL_HANDLER.replace("CALLABLE", "handlers.charge.charge"))
    (handlers / "other.py").write_text('@step_handler("other"\ndef f(:\n')
    template = _template(tmp_path / "gate.yaml", "handlers.charge.charge")
    result = cli("validate", str(template), "--handlers-root", str(tmp_path))
    assert result.exit_code == 0 and "no problems" in result.stdout


# -- 3. symlink loops ----------------------------------------------------------------
def test_symlink_loops_under_a_handler_root_are_skipped(cli, tmp_path: Path) -> None:
    handlers = tmp_path / "handlers"
    handlers.mkdir()
    (handlers / "charge.py").write_text(DSL_HANDLER.replace("CALLABLE", "handlers.charge.charge"))
    (handlers / "a.py").symlink_to(handlers / "b.py")
    (handlers / "b.py").symlink_to(handlers / "a.py")
    (handlers / "self.py").symlink_to(handlers / "self.py")
    (handlers / "up").symlink_to(tmp_path)  # a directory loop: not followed
    template = _template(tmp_path / "gate.yaml", "handlers.charge.charge")
    text, as_json, document = _both(cli, str(template), "--handlers-root", str(tmp_path))
    assert text.exit_code == as_json.exit_code == 0
    assert "no problems" in text.stdout
    assert _diagnostics(document) == []


def test_symlink_loops_among_walked_templates_are_findings(cli, tmp_path: Path) -> None:
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    (tasks / "good.yaml").write_text(GOOD)
    (tasks / "loop.yaml").symlink_to(tasks / "loop.yaml")
    (tasks / "sub").mkdir()
    (tasks / "sub" / "up").symlink_to(tasks)  # walking must not follow it forever
    text, as_json, document = _both(cli, str(tasks), "--no-handler-check")
    assert text.exit_code == as_json.exit_code == 1
    assert "FILE_UNREADABLE" in text.stdout
    assert "loop.yaml is a symlink that points nowhere" in text.stdout
    [diagnostic] = _diagnostics(document)
    assert diagnostic["rule_id"] == "FILE_UNREADABLE"
    assert diagnostic["path"] == str(tasks / "loop.yaml")
    assert document["summary"]["files"] == 2  # good.yaml was linted too


# -- 5. unreadable files in a walked directory ---------------------------------------
def _unreadable_tree(tasks: Path) -> list[Path]:
    tasks.mkdir()
    (tasks / "good.yaml").write_text(GOOD)
    (tasks / "bad.yaml").write_text(GOOD.replace("version: 1.0.0\n", ""))
    dangling = tasks / "dangling.yaml"
    dangling.symlink_to(tasks / "gone.yaml")
    unreadable = [dangling]
    if hasattr(os, "mkfifo"):
        os.mkfifo(tasks / "pipe.yaml")
        unreadable.append(tasks / "pipe.yaml")
    (tasks / "dir.yaml").mkdir()  # a directory named like a template is walked, not read
    return unreadable


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_an_unreadable_walked_file_is_a_finding_and_the_rest_is_linted(
    cli, tmp_path: Path, fmt: str
) -> None:
    unreadable = _unreadable_tree(tmp_path / "tasks")
    result = cli("validate", str(tmp_path / "tasks"), "--no-handler-check", "--format", fmt)
    _no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr == ""
    for path in unreadable:
        assert path.name in result.stdout
    assert "FILE_UNREADABLE" in result.stdout
    assert "MISSING_FIELD" in result.stdout  # bad.yaml was still linted
    if fmt == "json":
        document = json.loads(result.stdout)
        rules = {f["path"]: [d["rule_id"] for d in f["diagnostics"]] for f in document["files"]}
        assert rules[str(tmp_path / "tasks" / "good.yaml")] == []
        for path in unreadable:
            assert rules[str(path)] == ["FILE_UNREADABLE"]
    if fmt == "sarif":
        json.loads(result.stdout)


def test_an_unreadable_walked_file_through_the_fast_path(tmp_path: Path, capsys) -> None:
    from tasker_ctl.cli.validate_fast import try_fast_validate

    unreadable = _unreadable_tree(tmp_path / "tasks")
    code = try_fast_validate(
        ["validate", str(tmp_path / "tasks"), "--no-handler-check", "--format", "json"]
    )
    out = capsys.readouterr()
    assert code == 1
    document = json.loads(out.out)
    found = {f["path"] for f in document["files"] if f["diagnostics"]}
    assert {str(p) for p in unreadable} <= found


def test_explicit_paths_that_cannot_be_read_stay_usage_errors(cli, tmp_path: Path) -> None:
    missing = cli("validate", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 2
    assert "does not exist" in missing.stderr
    dangling = tmp_path / "dangling.yaml"
    dangling.symlink_to(tmp_path / "gone.yaml")
    result = cli("validate", str(dangling), "--format", "json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"{dangling} is a symlink that points nowhere" in result.stderr
    _no_traceback(result)


# -- 4. --import applies to Python only ----------------------------------------------
RUBY_HANDLER = """\
module Payments
  class ChargeHandler < TaskerCore::StepHandler::Base
    def call(context)
      {}
    end
  end
end
"""


@pytest.mark.parametrize(
    ("language", "callable_", "file", "source"),
    [
        ("ruby", "Payments::ChargeHandler", "charge_handler.rb", RUBY_HANDLER),
        (
            "typescript",
            "Payments.ChargeHandler",
            "charge.ts",
            "export const h = defineHandler('Payments.ChargeHandler', async () => ({}));\n",
        ),
        (
            "rust",
            "payments_charge",
            "charge.rs",
            'impl StepHandler for Charge { fn name(&self) -> &str { "payments_charge" } }\n',
        ),
    ],
)
def test_import_keeps_the_static_check_for_other_languages(
    cli, tmp_path: Path, language: str, callable_: str, file: str, source: str
) -> None:
    handlers = tmp_path / "handlers"
    handlers.mkdir()
    (handlers / file).write_text(source)
    template = _template(tmp_path / "gate.yaml", callable_)
    text, as_json, document = _both(
        cli, str(template), "--import", "--handlers-root", str(handlers)
    )
    assert text.exit_code == as_json.exit_code == 0, text.stdout
    assert "no problems" in text.stdout
    assert _diagnostics(document) == []
    # a callable that is really missing is still found missing, statically
    missing = _template(tmp_path / "missing.yaml", callable_ + "X")
    result = cli(
        "validate", str(missing), "--import", "--handlers-root", str(handlers), "-f", "json"
    )
    assert result.exit_code == 1
    [diagnostic] = _diagnostics(json.loads(result.stdout))
    assert diagnostic["rule_id"] == "HANDLER_NOT_FOUND"
    assert f"no {language} handler is registered" in diagnostic["message"]
    assert "tasker_core registry" not in diagnostic["message"]


# -- 6. validate says what `run` needs to find a generated handler --------------------
def _generated_project(cli, project: Path) -> Path:
    project.mkdir()
    generate = (
        "template",
        "generate",
        "step_handler",
        "-l",
        "python",
        "--param",
        "name=X",
        "--param",
        "module_name=app.handlers",
        "--output",
        str(project),
    )
    assert cli(*generate).exit_code == 0
    template = (
        "template",
        "generate",
        "task_template",
        "-l",
        "python",
        "--param",
        "name=X",
        "--param",
        "handler_callable=app.handlers.x_handler.x",
        "--output",
        str(project),
    )
    assert cli(*template).exit_code == 0
    return project / "config" / "tasks" / "x.yaml"


def test_validate_names_the_handler_package_run_will_need(cli, tmp_path: Path) -> None:
    project = tmp_path / "proj"
    template = _generated_project(cli, project)
    text, as_json, document = _both(cli, "config/tasks/x.yaml", cwd=project)
    assert text.exit_code == as_json.exit_code == 0  # advice, not a failure
    assert "RUN_NEEDS_HANDLER_PACKAGE" in text.stdout
    [diagnostic] = _diagnostics(document)
    assert diagnostic["rule_id"] == "RUN_NEEDS_HANDLER_PACKAGE"
    assert diagnostic["severity"] == "info"
    assert diagnostic["step"] == "x"
    assert "--handler-package app.handlers" in diagnostic["message"]
    assert 'handler-packages = ["app.handlers"]' in diagnostic["message"]
    assert str(project / "app" / "handlers" / "x_handler.py") in diagnostic["message"]
    # from elsewhere, the package is still named from the template's project
    elsewhere = cli("validate", str(template), "--format", "json", cwd=tmp_path)
    [diagnostic] = _diagnostics(json.loads(elsewhere.stdout))
    assert "--handler-package app.handlers," in diagnostic["message"]
    # with the key set, validate and run agree and validate stays quiet
    (project / ".tasker-ctl.toml").write_text('handler-packages = ["app.handlers"]\n')
    quiet = cli("validate", "config/tasks/x.yaml", cwd=project)
    assert quiet.exit_code == 0 and "no problems" in quiet.stdout


def test_no_advice_when_run_finds_the_default_handlers_package(cli, tmp_path: Path) -> None:
    project = tmp_path / "proj"
    (project / "handlers").mkdir(parents=True)
    (project / "handlers" / "charge.py").write_text(
        DSL_HANDLER.replace("CALLABLE", "handlers.charge.charge")
    )
    _template(project / "config" / "tasks" / "gate.yaml", "handlers.charge.charge")
    text, as_json, document = _both(cli, "config/tasks/gate.yaml", cwd=project)
    assert as_json.exit_code == 0
    assert text.exit_code == 0 and "no problems" in text.stdout
    assert _diagnostics(document) == []


def test_run_prints_the_same_advice_as_validate(cli, tmp_path: Path) -> None:
    project = tmp_path / "proj"
    _generated_project(cli, project)
    (project / "ctx.json").write_text("{}")
    linted = cli("validate", "config/tasks/x.yaml", "--format", "json", cwd=project)
    [diagnostic] = _diagnostics(json.loads(linted.stdout))
    advice = diagnostic["message"].removeprefix("Step 'x': ")
    assert advice.startswith("`tasker-ctl run` looks for handlers")
    ran = cli(
        "run", "config/tasks/x.yaml", "--context", "ctx.json", "--format", "json", cwd=project
    )
    assert ran.exit_code == 1
    report = json.loads(ran.stdout)
    [warning] = [w for w in report["warnings"] if w["code"] == "handler_not_found"]
    assert warning["message"].endswith(advice)
    # following the advice, run finds the handler and the task completes
    fixed = cli(
        "run",
        "config/tasks/x.yaml",
        "--context",
        "ctx.json",
        "--handler-package",
        "app.handlers",
        "--format",
        "json",
        cwd=project,
    )
    assert json.loads(fixed.stdout)["task"]["status"] == "complete", fixed.stdout


def test_a_handler_module_that_exits_on_import_is_one_import_error_for_both(
    cli, tmp_path: Path
) -> None:
    # The module next to it is still registered: validate --import resolves it and
    # run completes; both name the module that called sys.exit() with its line.
    project = tmp_path / "proj"
    (project / "handlers").mkdir(parents=True)
    (project / "handlers" / "__init__.py").write_text("")
    (project / "handlers" / "aaa_exits.py").write_text("import sys\n\nsys.exit(3)\n")
    (project / "handlers" / "charge.py").write_text(
        DSL_HANDLER.replace("CALLABLE", "handlers.charge.charge")
    )
    _template(project / "config" / "tasks" / "gate.yaml", "handlers.charge.charge")
    (project / "ctx.json").write_text("{}")
    linted = cli("validate", "config/tasks/gate.yaml", "--import", "-f", "json", cwd=project)
    _no_traceback(linted)
    [diagnostic] = _diagnostics(json.loads(linted.stdout))
    assert diagnostic["rule_id"] == "HANDLER_IMPORT_ERROR"
    assert diagnostic["path"].endswith("aaa_exits.py") and diagnostic["line"] == 3
    assert "SystemExit: 3" in diagnostic["message"]
    ran = cli("run", "config/tasks/gate.yaml", "--context", "ctx.json", "-f", "json", cwd=project)
    report = json.loads(ran.stdout)
    assert report["task"]["status"] == "complete"
    [warning] = report["warnings"]
    assert warning["code"] == "handler_import_error"
    assert "aaa_exits.py:3" in warning["message"] and "SystemExit: 3" in warning["message"]


def test_validate_import_also_names_what_run_will_need(cli, tmp_path: Path) -> None:
    # app/handlers is a namespace package the SDK's discovery does not walk from `app`:
    # --import cannot resolve the callable, and says what run (and it) need
    project = tmp_path / "proj"
    _generated_project(cli, project)
    static = cli("validate", "config/tasks/x.yaml", "--format", "json", cwd=project)
    imported = cli("validate", "config/tasks/x.yaml", "--import", "--format", "json", cwd=project)
    _no_traceback(imported)
    assert imported.exit_code == 1
    [by_import] = _diagnostics(json.loads(imported.stdout))
    [by_scan] = _diagnostics(json.loads(static.stdout))
    assert by_scan["rule_id"] == "RUN_NEEDS_HANDLER_PACKAGE"
    assert by_import["rule_id"] == "HANDLER_NOT_FOUND"
    advice = by_scan["message"].removeprefix("Step 'x': ")
    assert by_import["message"].endswith(advice)
    assert "--handler-package app.handlers" in advice
    fixed = cli(
        "validate",
        "config/tasks/x.yaml",
        "--import",
        "--handler-package",
        "app.handlers",
        "--format",
        "json",
        cwd=project,
    )
    assert fixed.exit_code == 0, fixed.stdout
    assert _diagnostics(json.loads(fixed.stdout)) == []


def test_quiet_prints_only_what_fails(cli, tmp_path: Path) -> None:
    import subprocess
    import sys

    def validate(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tasker_ctl", "validate", "--no-handler-check", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={**os.environ, "NO_COLOR": "1"},
        )

    clean = _template(tmp_path / "clean.yaml", "shop.charge")
    noisy = tmp_path / "noisy.yaml"  # warnings (ORPHAN_STEP) and an info (NO_RESULT_SCHEMA)
    noisy.write_text(
        "name: noisy\nnamespace_name: shop\nversion: 1.0.0\nsteps:\n"
        "  - {name: a, handler: {callable: shop.A}}\n"
        "  - {name: b, handler: {callable: shop.B}, result_schema: {type: object}}\n"
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text(clean.read_text().replace("steps:", "steps:\n  - name: x\n"))
    for flag in ("-q", "--quiet"):  # the fast path and Typer take both spellings
        passed = validate(flag, "clean.yaml", "noisy.yaml")
        assert (passed.returncode, passed.stdout, passed.stderr) == (0, "", "")
    _template(tmp_path / "config" / "tasks" / "clean.yaml", "shop.charge")
    typer_path = validate("--quiet")  # no PATH (config/tasks): Typer handles it
    assert (typer_path.returncode, typer_path.stdout, typer_path.stderr) == (0, "", "")
    strict = validate("-q", "--strict", "noisy.yaml")
    assert strict.returncode == 1
    assert "ORPHAN_STEP" in strict.stdout and "NO_RESULT_SCHEMA" not in strict.stdout
    assert strict.stdout.rstrip().endswith("in 1 of 1 file")
    failed = validate("-q", "noisy.yaml", "broken.yaml")
    assert failed.returncode == 1
    assert "MISSING_FIELD" in failed.stdout or "error" in failed.stdout
    assert "ORPHAN_STEP" not in failed.stdout and "noisy.yaml" not in failed.stdout
    # without --quiet an info finding is one line (and its hint), with no source excerpt
    loud = validate("noisy.yaml")
    lines = loud.stdout.splitlines()
    [info] = [i for i, line in enumerate(lines) if "NO_RESULT_SCHEMA" in line]
    assert " | " not in lines[info + 1]
    warning = next(i for i, line in enumerate(lines) if "ORPHAN_STEP" in line)
    assert " | " in lines[warning + 1]
