"""Issue 10: `--format github` and `--format sarif` never crash and never lie.

GitHub annotations follow the workflow-command escaping and never write raw control
characters into the CI log; SARIF locations outside the working directory are absolute
``file://`` URIs without ``uriBaseId`` (SARIF1004), ``/`` as working directory gives
``file:///``, and the run declares that columns count code points.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import jsonschema
import pytest

from tasker_ctl.cli.validate_fast import try_fast_validate
from tasker_ctl.reporting.lint_github import escape_data, escape_property
from tests.conftest import ROOT

SCHEMA = ROOT / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"
# a step name with ESC (a colour sequence), a bell, a C1 control, a bidi override,
# a percent sign, CR/LF, a colon and a comma
NASTY = "a\\e[31mRED\\a\\x85\\u202e%b\\r\\n::error::forged,x:y"
TEMPLATE = f"""\
name: t
namespace_name: shop
version: 1.0.0
steps:
  - name: "{NASTY}"
    handler: {{callable: shop.a}}
    result_schema: {{type: object}}
    dependencies: [nope]
"""
NON_UTF8 = sys.platform != "darwin"  # macOS file systems refuse names that are not UTF-8


def _no_traceback(result) -> None:
    assert "Traceback" not in result.stdout + result.stderr


def test_escaping_follows_the_workflow_command_rules() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%\nd") == "a%3Ab%2Cc%25%0Ad"
    assert escape_data("x:y,z") == "x:y,z"  # only properties escape ':' and ','


def test_control_characters_are_shown_as_escapes() -> None:
    assert (
        escape_data("a\x1b[31mb\x07\x85\u202e\x7fc\td") == "a\\x1b[31mb\\x07\\x85\\u202e\\x7fc\td"
    )
    assert escape_property("f\x1bg:h") == "f\\x1bg%3Ah"
    # a file-name byte that is not UTF-8 (os.fsdecode gives a lone surrogate)
    assert escape_property(os.fsdecode(b"d/\xff.yaml")) == "d/\\xff.yaml"


def test_github_annotations_from_nasty_yaml(cli, tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(TEMPLATE)
    result = cli("validate", "t.yaml", "--no-handler-check", "--format", "github", cwd=tmp_path)
    _no_traceback(result)
    assert result.exit_code == 1
    out = result.stdout
    # one line per annotation plus the summary: CR/LF in data never break a line
    lines = out.splitlines()
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines[:-1])
    assert lines[-1].startswith("tasker-ctl validate: 1 file(s)")
    assert not any(ch in out for ch in "\x1b\x07\x85\u202e\r")
    error = next(line for line in lines if "title=MISSING_DEP_REF" in line)
    assert error.startswith("::error file=t.yaml,line=8,col=")
    assert "a\\x1b[31mRED\\x07\\x85\\u202e%25b%0D%0A::error::forged,x:y" in error
    # the fast path writes the same bytes
    fast = tmp_path / "fast.txt"
    typer = tmp_path / "typer.txt"
    args = ["validate", "t.yaml", "--no-handler-check", "--format", "github"]
    assert cli(*args, "--output", str(typer), cwd=tmp_path).exit_code == 1
    assert try_fast_validate([*args, "--output", str(fast)]) == 1
    assert fast.read_bytes() == typer.read_bytes() == out.encode("utf-8")


@pytest.mark.skipif(not NON_UTF8, reason="the file system refuses non-UTF-8 names")
def test_github_output_with_file_names_that_are_not_utf8(cli, tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path)
    template = os.fsdecode(folder + b"/caf\xff.yaml")
    Path(template).write_text(TEMPLATE)
    output = Path(os.fsdecode(folder + b"/out\xfe.txt"))
    result = cli(
        "validate", template, "--no-handler-check", "--format", "github", "--output", str(output)
    )
    _no_traceback(result)
    assert result.exit_code == 1
    assert result.stdout == ""
    written = output.read_bytes().decode("utf-8")  # valid UTF-8, nothing raw
    assert f"file={os.fsdecode(folder)}/caf\\xff.yaml".replace(":", "%3A") in written
    assert (
        try_fast_validate(
            [
                "validate",
                template,
                "--no-handler-check",
                "--format",
                "github",
                "--output",
                str(output),
            ]
        )
        == 1
    )
    assert output.read_bytes().decode("utf-8") == written


# -- SARIF --------------------------------------------------------------------------------


def _sarif(cli, path: Path, cwd: Path) -> dict:
    result = cli("validate", str(path), "--no-handler-check", "--format", "sarif", cwd=cwd)
    _no_traceback(result)
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert sorted(jsonschema.Draft4Validator(schema).iter_errors(document), key=str) == []
    return document


def _location(document: dict) -> dict:
    result = next(r for r in document["runs"][0]["results"] if r["ruleId"] == "MISSING_DEP_REF")
    return result["locations"][0]["physicalLocation"]


def test_sarif_file_outside_the_working_directory_has_no_uri_base(cli, tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(TEMPLATE)
    (tmp_path / "elsewhere").mkdir()
    document = _sarif(cli, tmp_path / "t.yaml", cwd=tmp_path / "elsewhere")
    location = _location(document)
    assert location["artifactLocation"] == {"uri": (tmp_path / "t.yaml").resolve().as_uri()}
    run = document["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == (
        (tmp_path / "elsewhere").resolve().as_uri() + "/"
    )


def test_sarif_below_the_working_directory_is_relative(cli, tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(TEMPLATE)
    location = _location(_sarif(cli, tmp_path / "t.yaml", cwd=tmp_path))
    assert location["artifactLocation"] == {"uri": "t.yaml", "uriBaseId": "%SRCROOT%"}


def test_sarif_with_the_root_as_working_directory(cli, tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(TEMPLATE)
    document = _sarif(cli, tmp_path / "t.yaml", cwd=Path("/"))
    run = document["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///"
    location = _location(document)
    assert location["artifactLocation"] == {
        "uri": (tmp_path / "t.yaml").resolve().as_posix().lstrip("/"),
        "uriBaseId": "%SRCROOT%",
    }


def test_sarif_declares_code_point_columns(cli, tmp_path: Path) -> None:
    # the finding is after a non-ASCII name: the column counts characters, not bytes
    (tmp_path / "t.yaml").write_text(TEMPLATE.replace("[nope]", "[ñandú, nope]"))
    document = _sarif(cli, tmp_path / "t.yaml", cwd=tmp_path)
    assert document["runs"][0]["columnKind"] == "unicodeCodePoints"
    regions = [
        r["locations"][0]["physicalLocation"]["region"]
        for r in document["runs"][0]["results"]
        if r["ruleId"] == "MISSING_DEP_REF"
    ]
    assert {
        "startLine": 8,
        "startColumn": 27,
    } in regions  # `nope` after `ñandú`: 27 code points, 29 bytes


@pytest.mark.skipif(not NON_UTF8, reason="the file system refuses non-UTF-8 names")
def test_sarif_file_name_that_is_not_utf8(cli, tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xff.yaml")
    (tmp_path / name).write_text(TEMPLATE)
    location = _location(_sarif(cli, tmp_path / name, cwd=tmp_path))
    assert location["artifactLocation"] == {"uri": "caf%FF.yaml", "uriBaseId": "%SRCROOT%"}
