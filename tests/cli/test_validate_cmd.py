"""`tasker-ctl validate` end to end: exit codes, bad input, config, rule docs, formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import build_file_tree
from tests.validation.corpus import INVALID, PYTHON_HANDLERS, VALID

GOOD = """\
name: good
namespace_name: shop
version: 1.0.0
steps:
  - name: a
    handler: {callable: shop.a}
    result_schema: {type: object}
"""

BOMB = "".join(
    f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}" if i else "x"] * 10) + "]\n"
    for i in range(7)
)


def _no_traceback(result) -> None:
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("name", "content", "rule", "words"),
    [
        ("binary.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "INVALID_ENCODING", "NUL byte"),
        ("latin1.yaml", "name: caf\xe9\n".encode("latin-1"), "INVALID_ENCODING", "invalid UTF-8"),
        ("utf16.yaml", "name: x\n".encode("utf-16"), "INVALID_ENCODING", "NUL byte"),
        ("bomb.yaml", BOMB.encode(), "YAML_TOO_COMPLEX", "alias bomb"),
        ("list.yaml", b"- name: a\n", "NOT_A_MAPPING", "a sequence"),
        ("scalar.yaml", b"just text\n", "NOT_A_MAPPING", "a scalar"),
        ("empty.yaml", b"# only a comment\n", "NOT_A_MAPPING", "empty"),
        ("two.yaml", GOOD.encode() + b"---\n" + GOOD.encode(), "MULTIPLE_DOCUMENTS", "one"),
        ("syntax.yaml", b"name: [unclosed\n", "INVALID_YAML", "syntax error"),
        ("recursive.yaml", b"a: &a [*a]\n", "YAML_TOO_COMPLEX", "recursive"),
        ("deep.yaml", b"a: " + b"[" * 300 + b"]" * 300 + b"\n", "YAML_TOO_COMPLEX", "nesting"),
    ],
)
def test_bad_input_is_one_clear_finding(cli, tmp_path: Path, name, content, rule, words) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = cli("validate", str(path), "--format", "json", "--no-handler-check")
    assert result.exit_code == 1
    _no_traceback(result)
    document = json.loads(result.stdout)
    [diagnostic] = document["files"][0]["diagnostics"]
    assert diagnostic["rule_id"] == rule
    assert words in diagnostic["message"]
    assert document["files"][0]["loads"] is False


def test_fifty_megabyte_file_is_not_read(cli, tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    result = cli("validate", str(path), "--no-handler-check")
    assert result.exit_code == 1
    assert "FILE_TOO_LARGE" in result.stdout
    assert "50.0 MiB" in result.stdout
    _no_traceback(result)


def test_missing_file_is_a_usage_error(cli, tmp_path: Path) -> None:
    result = cli("validate", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    _no_traceback(result)


def test_no_path_is_a_usage_error(cli) -> None:
    result = cli("validate")
    assert result.exit_code == 2
    assert "no PATH given" in result.stderr


def test_unknown_format_is_a_usage_error(cli, tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(GOOD)
    result = cli("validate", str(tmp_path / "t.yaml"), "--format", "xml")
    assert result.exit_code == 2
    assert "unknown --format" in result.stderr


def test_clean_directory_exits_zero(cli) -> None:
    result = cli("validate", str(VALID), "--no-handler-check")
    assert result.exit_code == 0, result.stdout
    assert "no problems in 5 files" in result.stdout


def test_warnings_pass_unless_strict(cli) -> None:
    path = INVALID / "ORPHAN_STEP"
    assert cli("validate", str(path), "--no-handler-check").exit_code == 0
    assert cli("validate", str(path), "--no-handler-check", "--strict").exit_code == 1


def test_errors_exit_one_and_show_line_and_hint(cli) -> None:
    path = INVALID / "MISSING_DEP_REF" / "missing_dep_ref.yaml"
    result = cli("validate", str(path), "--no-handler-check")
    assert result.exit_code == 1
    assert "depends on 'validate_card' which does not exist" in result.stdout
    assert "hint: did you mean 'validate_cart'?" in result.stdout
    assert "MISSING_DEP_REF" in result.stdout


def test_cycle_message_prints_the_path(cli) -> None:
    result = cli("validate", str(INVALID / "CYCLE_DETECTED"), "--no-handler-check")
    assert "Dependency cycle detected: a -> b -> c -> a" in result.stdout


def test_list_rules_and_explain(cli) -> None:
    listing = cli("validate", "--list-rules")
    assert listing.exit_code == 0
    assert "CYCLE_DETECTED" in listing.stdout and "ORPHAN_STEP" in listing.stdout
    explained = cli("validate", "--explain", "retry_limit_ignored")
    assert explained.exit_code == 0
    assert "max_attempts" in explained.stdout and "FAIL" in explained.stdout
    # the documentation reads as text, not as reStructuredText markup
    cycle = cli("validate", "--explain", "CYCLE_DETECTED").stdout
    assert "``" not in cycle and "::" not in cycle
    assert "SDK code `CYCLE_DETECTED`" in cycle
    assert "FAIL:\n\n    - name: a\n" in cycle
    for rule in ("ORPHAN_STEP", "DECISION_CONVERGENCE_DEPENDENCY_IGNORED", "UNKNOWN_KEY"):
        assert "``" not in cli("validate", "--explain", rule).stdout
    unknown = cli("validate", "--explain", "CYCLE_DETECT")
    assert unknown.exit_code == 2
    assert "did you mean 'CYCLE_DETECTED'" in unknown.stderr


def test_config_turns_rules_off_and_relevels_them(cli, tmp_path: Path) -> None:
    build_file_tree(
        tmp_path, {"t.yaml": (INVALID / "ORPHAN_STEP" / "orphan_step.yaml").read_text()}
    )
    (tmp_path / ".tasker-ctl.toml").write_text('[lint.rules]\nORPHAN_STEP = "error"\n')
    assert cli("validate", "t.yaml", "--no-handler-check", cwd=tmp_path).exit_code == 1
    (tmp_path / ".tasker-ctl.toml").write_text('[lint.rules]\nORPHAN_STEP = "off"\n')
    result = cli("validate", "t.yaml", "--no-handler-check", cwd=tmp_path)
    assert result.exit_code == 0
    assert "ORPHAN_STEP" not in result.stdout


def test_config_with_unknown_rule_suggests_the_closest(cli, tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(GOOD)
    (tmp_path / ".tasker-ctl.toml").write_text('[lint.rules]\nORPHAN_STEPS = "off"\n')
    result = cli("validate", "t.yaml", cwd=tmp_path)
    assert result.exit_code == 2
    assert "unknown rule 'ORPHAN_STEPS'" in result.stderr
    assert "did you mean 'ORPHAN_STEP'" in result.stderr
    (tmp_path / ".tasker-ctl.toml").write_text('[lint.rules]\nORPHAN_STEP = "loud"\n')
    assert "is not a level" in cli("validate", "t.yaml", cwd=tmp_path).stderr


def test_configured_resolver_names_are_accepted(cli, tmp_path: Path) -> None:
    text = (INVALID / "UNKNOWN_RESOLVER" / "unknown_resolver.yaml").read_text()
    (tmp_path / "t.yaml").write_text(text.replace("explicit_mapping", "payments_resolver"))
    assert cli("validate", "t.yaml", "--no-handler-check", cwd=tmp_path).exit_code == 1
    (tmp_path / ".tasker-ctl.toml").write_text(
        '[lint.rules.UNKNOWN_RESOLVER]\nknown = ["payments_resolver"]\n'
    )
    assert cli("validate", "t.yaml", "--no-handler-check", cwd=tmp_path).exit_code == 0


def test_handlers_root_option_resolves_callables(cli, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(GOOD.replace("shop.a", "billing.handlers.charge"))
    result = cli("validate", str(path), "--handlers-root", str(PYTHON_HANDLERS), "--format", "json")
    assert result.exit_code == 0, result.stdout
    path.write_text(GOOD.replace("shop.a", "billing.handlers.chrage"))
    result = cli("validate", str(path), "--handlers-root", str(PYTHON_HANDLERS), "--format", "json")
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)["files"][0]["diagnostics"]
    assert finding["rule_id"] == "HANDLER_NOT_FOUND"
    assert finding["hint"].startswith("did you mean 'billing.handlers.charge'")


def test_output_file(cli, tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(GOOD)
    out = tmp_path / "report.sarif"
    result = cli(
        "validate",
        str(tmp_path / "t.yaml"),
        "--format",
        "sarif",
        "-o",
        str(out),
        "--no-handler-check",
    )
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(out.read_text())["version"] == "2.1.0"


def test_fast_entry_matches_the_typer_command(cli, capsys, tmp_path: Path) -> None:
    from tasker_ctl.cli.validate_fast import try_fast_validate

    target = str(INVALID / "MISSING_DEP_REF")
    for fmt in ("text", "json", "github"):
        expected = cli("validate", target, "--no-handler-check", "--format", fmt)
        capsys.readouterr()
        code = try_fast_validate(["validate", target, "--no-handler-check", f"--format={fmt}"])
        assert code == expected.exit_code == 1
        assert capsys.readouterr().out == expected.stdout
    missing = try_fast_validate(["validate", str(tmp_path / "nope.yaml")])
    assert missing == 2
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["template", "list"],
        ["validate"],
        ["validate", "--help"],
        ["validate", "--list-rules"],
        ["validate", "x.yaml", "--explain", "ORPHAN_STEP"],
        ["validate", "x.yaml", "--format"],
        ["--config", "c.toml", "validate", "x.yaml"],
    ],
)
def test_fast_entry_leaves_everything_else_to_typer(argv: list[str]) -> None:
    from tasker_ctl.cli.validate_fast import try_fast_validate

    assert try_fast_validate(argv) is None


def test_a_directory_without_templates_is_reported(cli, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a template\n")
    result = cli("validate", str(tmp_path))
    assert result.exit_code == 0
    assert f"no task templates (*.yaml, *.yml) found in {tmp_path}" in result.stderr
