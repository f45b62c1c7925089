"""`tasker-ctl validate` on paths that are not ordinary template files: never a hang."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tasker_ctl.cli.validate_fast import try_fast_validate
from tasker_ctl.validation.yaml_source import MAX_FILE_BYTES, read_document
from tests.cli.test_validate_cmd import GOOD, _no_traceback


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_a_usage_error_not_a_hang(cli, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    result = cli("validate", str(fifo))
    assert result.exit_code == 2
    assert f"cannot read {fifo}: not a regular file" in result.stderr
    _no_traceback(result)
    # found by walking a directory, it is a finding on that file: the rest is still linted
    walked = cli("validate", str(tmp_path))
    assert walked.exit_code == 1
    assert "FILE_UNREADABLE" in walked.stdout and "pipe.yaml" in walked.stdout
    _no_traceback(walked)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_device_is_a_usage_error(cli) -> None:
    result = cli("validate", "/dev/zero")
    assert result.exit_code == 2
    assert "not a regular file" in result.stderr


def test_a_file_whose_size_stat_hides_is_still_bounded(tmp_path: Path, monkeypatch) -> None:
    # /proc files report st_size 0: the read itself must stop at the limit
    path = tmp_path / "grows.yaml"
    path.write_bytes(b"a: 1\n" * (MAX_FILE_BYTES // 5 + 10))
    real_stat = Path.stat

    def small_stat(self: Path, *args, **kwargs):
        info = real_stat(self, *args, **kwargs)
        return os.stat_result((info.st_mode, *info[1:6], 0, *info[7:]))

    monkeypatch.setattr(Path, "stat", small_stat)
    document = read_document(path)
    assert document.root is None
    assert document.problem is not None
    assert document.problem.rule_id == "FILE_TOO_LARGE"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_among_the_handler_sources_is_skipped(cli, tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(GOOD)
    os.mkfifo(tmp_path / "handlers.py")
    result = cli("validate", str(tmp_path / "good.yaml"), "--handlers-root", str(tmp_path))
    assert result.exit_code == 0
    assert "HANDLER_NOT_CHECKED" in result.stdout


def test_a_directory_given_to_visualize_gets_a_user_hint(cli, tmp_path: Path) -> None:
    result = cli("visualize", str(tmp_path))
    assert result.exit_code == 2
    assert "is a directory" in result.stderr
    assert "lint_paths" not in result.stderr
    assert "pass a task-template file" in result.stderr


def test_a_missing_handlers_root_is_a_usage_error(cli, tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(GOOD)
    missing = tmp_path / "handlrs"
    result = cli("validate", str(tmp_path / "good.yaml"), "--handlers-root", str(missing))
    assert result.exit_code == 2
    assert f"--handlers-root {missing} is not a directory" in result.stderr
    assert (
        try_fast_validate(
            ["validate", str(tmp_path / "good.yaml"), "--handlers-root", str(missing)]
        )
        == 2
    )


def test_a_missing_handlers_root_in_the_config_is_a_config_error(cli, tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(GOOD)
    (tmp_path / ".tasker-ctl.toml").write_text('handlers-root = ["nowhere"]\n')
    result = cli("validate", "good.yaml", cwd=tmp_path)
    assert result.exit_code == 2
    assert "nowhere is not a directory" in result.stderr


def test_a_large_template_without_aliases_is_linted_like_any_other(cli, tmp_path: Path) -> None:
    # serde_yaml caps what aliases expand to, not the size of a plain document: 25,000
    # chained steps (over 300,000 YAML nodes) are a template the real loader reads
    path = tmp_path / "huge.yaml"
    lines = ["name: a", "namespace_name: b", "version: 1.0.0", "steps:"]
    lines += [
        f"  - {{name: s{i}, handler: {{callable: x.Y}}, dependencies: [s{i - 1}],"
        " result_schema: {type: object}}"
        for i in range(25_000)
    ]
    lines[4] = "  - {name: s0, handler: {callable: x.Y}, result_schema: {type: object}}"
    lines.append("  - {name: s5, handler: {callable: x.Y}, result_schema: {type: object}}")
    path.write_text("\n".join(lines) + "\n")
    result = cli("validate", str(path), "--format", "json", "--no-handler-check")
    assert result.exit_code == 1
    found = json.loads(result.stdout)["files"][0]["diagnostics"]
    assert [(d["rule_id"], d["line"]) for d in found] == [("DUPLICATE_STEP_NAME", 25_005)]


def test_tabs_in_indentation_are_named_in_the_message(cli, tmp_path: Path) -> None:
    path = tmp_path / "tabs.yaml"
    path.write_text("name: a\nsteps:\n\t- name: s\n")
    result = cli("validate", str(path), "--no-handler-check")
    assert result.exit_code == 1
    assert "3:1" in result.stdout
    assert "tab" in result.stdout
    assert "indent with spaces" in result.stdout


def test_findings_inside_an_alias_point_at_the_alias(cli, tmp_path: Path) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_text(
        "name: a\n"
        "namespace_name: b\n"
        "version: 1.0.0\n"
        "steps:\n"
        "  - &first\n"
        "    name: s1\n"
        "    handler: {callable: x.Y}\n"
        "    result_schema: {type: object}\n"
        "  - *first\n"
    )
    result = cli("validate", str(path), "--format", "json", "--no-handler-check")
    [duplicate] = [
        d
        for d in json.loads(result.stdout)["files"][0]["diagnostics"]
        if d["rule_id"] == "DUPLICATE_STEP_NAME"
    ]
    assert (duplicate["line"], duplicate["column"]) == (9, 5)


def test_aliases_nested_deeper_than_the_limit_are_one_finding(cli, tmp_path: Path) -> None:
    # each alias adds one level: 300 levels, although no line nests more than twice
    lines = ["name: a", "namespace_name: b", "version: 1.0.0", "x0: &a0 [1]"]
    lines += [f"x{i}: &a{i} [*a{i - 1}]" for i in range(1, 300)]
    lines += ["steps: []"]
    path = tmp_path / "chain.yaml"
    path.write_text("\n".join(lines) + "\n")
    result = cli("validate", str(path), "--format", "json", "--no-handler-check")
    _no_traceback(result)
    assert result.exit_code == 1
    [diagnostic] = json.loads(result.stdout)["files"][0]["diagnostics"]
    assert diagnostic["rule_id"] == "YAML_TOO_COMPLEX"
    assert "deeper than 128 levels through aliases" in diagnostic["message"]
    assert diagnostic["line"] == 4 + 127


def test_a_file_named_twice_is_linted_once(cli, tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(GOOD)
    result = cli(
        "validate", str(tmp_path), str(tmp_path / "good.yaml"), "--strict", "--no-handler-check"
    )
    assert result.exit_code == 0, result.stdout
    assert "DUPLICATE_TEMPLATE_IDENTITY" not in result.stdout
    assert "no problems in 1 file" in result.stdout


def test_fast_entry_leaves_short_options_with_equals_to_typer(cli, tmp_path: Path) -> None:
    # Click reads `-f=json` as the value "=json" and rejects it: the fast entry must not
    # accept it as json, it leaves the command line to Typer
    (tmp_path / "good.yaml").write_text(GOOD)
    argv = ["validate", str(tmp_path / "good.yaml"), "-f=json"]
    assert cli(*argv).exit_code == 2
    assert try_fast_validate(argv) is None
