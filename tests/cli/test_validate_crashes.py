"""Issue 10: inputs that used to crash `tasker-ctl validate` (and the commands sharing its
loader and config) are findings or usage errors with a location, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tasker_ctl.cli.validate_fast import try_fast_validate
from tests.cli.test_validate_cmd import _no_traceback

HUGE = "1" * 5000  # beyond Python's 4,300-digit limit on int conversion


def _template(retry: str = "3", init: str = "1") -> str:
    return (
        "name: t\n"
        "namespace_name: shop\n"
        "version: 1.0.0\n"
        "steps:\n"
        "  - name: a\n"
        "    handler:\n"
        "      callable: shop.a\n"
        "      initialization:\n"
        f"        n: {init}\n"
        "    result_schema: {type: object}\n"
        "    retry:\n"
        f"      max_attempts: {retry}\n"
    )


@pytest.mark.parametrize(
    ("init", "exit_code", "rule", "words"),
    [
        # > 128 bits and beyond f64: serde_yaml 0.9 falls back to a string
        (HUGE, 0, "VALUE_OUT_OF_RANGE", "reads it as a string"),
        ("-" + HUGE, 0, "VALUE_OUT_OF_RANGE", "reads it as a string"),
        ("0x" + "f" * 5000, 0, "VALUE_OUT_OF_RANGE", "reads it as a string"),
        # > 128 bits but a finite f64
        ("1" * 45, 0, "VALUE_OUT_OF_RANGE", "reads it as the float 1.111111111111111e+44"),
        # 65..128 bits: serde_yaml visits a u128, serde_json::Value refuses it
        (str(2**64), 1, "INVALID_TYPE", "JSON number out of range"),
    ],
)
def test_a_big_integer_in_a_json_value_is_a_finding(
    cli, tmp_path: Path, init: str, exit_code: int, rule: str, words: str
) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(_template(init=init))
    result = cli("validate", str(path), "--no-handler-check", "--format", "json")
    _no_traceback(result)
    assert result.exit_code == exit_code, result.stdout + result.stderr
    [diagnostic] = json.loads(result.stdout)["files"][0]["diagnostics"]
    assert diagnostic["rule_id"] == rule
    assert words in diagnostic["message"]
    assert (diagnostic["line"], diagnostic["column"]) == (9, 12)
    assert len(diagnostic["message"]) < 300  # the number is shortened, not printed in full


@pytest.mark.parametrize("retry", [HUGE, "0x" + "f" * 5000, "0b" + "1" * 5000, "1" * 45])
def test_a_big_integer_in_an_integer_field_is_an_error(cli, tmp_path: Path, retry: str) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(_template(retry=retry))
    result = cli("validate", str(path), "--no-handler-check")
    _no_traceback(result)
    assert result.exit_code == 1
    assert f"{path}" in result.stdout
    assert "12:21" in result.stdout
    assert "is not an unsigned 32-bit integer: beyond 128 bits serde_yaml 0.9" in result.stdout
    assert "INVALID_TYPE" in result.stdout
    # the Typer-free fast path gives the same
    assert try_fast_validate(["validate", str(path), "--no-handler-check"]) == 1


def test_a_big_integer_does_not_crash_visualize(cli, tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(_template(init=HUGE))
    assert cli("visualize", str(path)).exit_code == 0
    path.write_text(_template(retry=HUGE))
    result = cli("visualize", str(path))
    _no_traceback(result)
    assert result.exit_code == 2  # visualize: a template that does not load is bad input
    assert f"{path}:12:21" in result.stderr


RESOLVER_TEMPLATE = """\
name: t
namespace_name: shop
version: 1.0.0
steps:
  - name: a
    handler: {callable: shop.a, resolver: payments_resolver}
    result_schema: {type: object}
"""


@pytest.mark.parametrize(
    ("config", "line", "words"),
    [
        (
            '[lint]\nlanguage = "python"\n\n[lint.rules.UNKNOWN_RESOLVER]\nknown = 5\n',
            5,
            "[lint.rules.UNKNOWN_RESOLVER] known must be a list of strings, not an integer (5)",
        ),
        (
            '[lint]\nlanguage = "python"\n[lint.rules]\nUNKNOWN_RESOLVER = {known = [1]}\n',
            4,
            "known must be a list of strings, not a list holding a non-string",
        ),
        (
            '[lint]\nlanguage = "python"\n[lint.rules.UNKNOWN_RESOLVER]\nknow = ["x"]\n',
            4,
            "unknown option 'know' in [lint.rules.UNKNOWN_RESOLVER] (did you mean 'known'?)",
        ),
        ("[lint.rules]\nORPHAN_STEP = 3\n", 2, "ORPHAN_STEP = 3 is not a level"),
        ("[lint]\nlanguage = 7\n", 2, "[lint] language must be a string"),
    ],
)
def test_a_rule_option_of_the_wrong_type_is_a_usage_error(
    cli, capsys, tmp_path: Path, config: str, line: int, words: str
) -> None:
    (tmp_path / "t.yaml").write_text(RESOLVER_TEMPLATE)
    config_file = tmp_path / ".tasker-ctl.toml"
    config_file.write_text(config)
    result = cli("validate", "t.yaml", "--no-handler-check", cwd=tmp_path)
    _no_traceback(result)
    assert result.exit_code == 2
    assert f"{config_file}:{line}: " in result.stderr
    assert words in result.stderr
    assert "hint:" in result.stderr
    capsys.readouterr()
    assert try_fast_validate(["validate", "t.yaml", "--no-handler-check"]) == 2
    assert words in capsys.readouterr().err


def test_a_rule_option_of_the_wrong_type_in_the_unified_config(cli, tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(RESOLVER_TEMPLATE)
    unified = tmp_path / ".config" / "tasker.toml"
    unified.parent.mkdir()
    unified.write_text(
        '[cli.lint]\nlanguage = "python"\n[cli.lint.rules.UNKNOWN_RESOLVER]\nknown = "x"\n'
    )
    result = cli("validate", "t.yaml", "--no-handler-check", cwd=tmp_path)
    assert result.exit_code == 2
    assert f"{unified}:4: " in result.stderr
    assert "known must be a list of strings, not a string ('x')" in result.stderr


def test_a_well_typed_rule_option_still_works(cli, tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(RESOLVER_TEMPLATE)
    config = '[lint]\nlanguage = "python"\n[lint.rules.UNKNOWN_RESOLVER]\nknown = []\n'
    (tmp_path / ".tasker-ctl.toml").write_text(config)
    assert cli("validate", "t.yaml", "--no-handler-check", cwd=tmp_path).exit_code == 1
    (tmp_path / ".tasker-ctl.toml").write_text(config.replace("[]", '["payments_resolver"]'))
    assert cli("validate", "t.yaml", "--no-handler-check", cwd=tmp_path).exit_code == 0


def _deep_output(tmp_path: Path) -> Path:
    """An existing output directory whose path is ~4,000 bytes long (PATH_MAX is 4,096)."""
    deep = tmp_path.joinpath(*["d" * 200] * ((4000 - len(str(tmp_path))) // 201))
    deep.mkdir(parents=True)
    return deep


@pytest.mark.parametrize("pathconf_knows", [True, False])
def test_generate_with_a_path_longer_than_the_os_allows(
    cli, tmp_path: Path, monkeypatch, pathconf_knows: bool
) -> None:
    import tasker_ctl.scaffold.writer as writer

    deep = _deep_output(tmp_path)
    if not pathconf_knows:  # the OS itself refuses (ENAMETOOLONG) at the first stat
        monkeypatch.setattr(writer, "_path_max", lambda directory: 10**9)
    result = cli(
        "template", "generate", "step_handler", "--language", "python",
        "--param", "name=" + "x" * 200, "--output", str(deep),
    )  # fmt: skip
    _no_traceback(result)
    assert result.exit_code == 2
    assert "cannot write 'handlers/" + "x" * 200 in result.stderr
    assert "ENAMETOOLONG" in result.stderr
    assert "nothing was written" in result.stderr
    assert "shorter" in result.stderr
    assert list(deep.iterdir()) == []  # no file, no directory: all or nothing


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("'a{99999999999}'", "is not a usable regular expression"),  # OverflowError in re
        ("'" + "(" * 3000 + ")" * 3000 + "'", "nests groups too deeply"),  # RecursionError
    ],
    ids=["huge-repeat", "deep-groups"],
)
def test_a_pattern_python_cannot_compile_is_a_finding(
    cli, tmp_path: Path, pattern: str, words: str
) -> None:
    path = tmp_path / "pattern.yaml"
    path.write_text(
        _template().replace(
            "result_schema: {type: object}",
            "result_schema: {type: object, properties: {x: {type: string, pattern: "
            + pattern
            + "}}}",
        )
    )
    result = cli("validate", str(path), "--no-handler-check", "--format", "json")
    _no_traceback(result)
    [found] = json.loads(result.stdout)["files"][0]["diagnostics"]
    assert found["rule_id"] == "INVALID_JSON_SCHEMA" and words in found["message"]
    assert found["line"] == 10
