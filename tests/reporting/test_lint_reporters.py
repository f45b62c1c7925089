"""The four `validate` output formats, pinned under snapshots/lint/, plus GitHub escaping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tasker_ctl.errors import Location
from tasker_ctl.reporting.lint_github import annotation, escape_data, escape_property
from tasker_ctl.validation import Diagnostic, Severity
from tests.conftest import ROOT, SNAPSHOTS
from tests.helpers import assert_matches_snapshot

INVALID = "tests/fixtures/templates/invalid"
PATHS = [
    "tests/fixtures/templates/valid/linear.yaml",
    f"{INVALID}/MISSING_DEP_REF",
    f"{INVALID}/CYCLE_DETECTED",
    f"{INVALID}/ORPHAN_STEP",
    f"{INVALID}/NO_RESULT_SCHEMA",
    f"{INVALID}/EVENT_PUBLISHER_INVALID",
    f"{INVALID}/INVALID_YAML",
]
FORMATS = {
    "text": "report.txt",
    "json": "report.json",
    "github": "report.github.txt",
    "sarif": "report.sarif",
}


def normalize(fmt: str, text: str) -> str:
    """Replace the machine-specific %SRCROOT% URI in SARIF output."""
    if fmt != "sarif":
        return text
    document = json.loads(text)
    document["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] = "file:///SRCROOT/"
    return json.dumps(document, indent=2) + "\n"


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_format_matches_snapshot(fmt: str, cli, snapshot_update: bool) -> None:
    result = cli("validate", *PATHS, "--format", fmt, "--no-handler-check", cwd=ROOT)
    assert result.exit_code == 1
    assert result.stderr == ""
    output = normalize(fmt, result.stdout)
    assert_matches_snapshot({FORMATS[fmt]: output}, SNAPSHOTS / "lint" / fmt, snapshot_update)


def test_text_is_grouped_per_file_and_summarised(cli) -> None:
    result = cli("validate", *PATHS, "--no-handler-check", cwd=ROOT)
    lines = result.stdout.splitlines()
    headers = [line for line in lines if line.startswith("tests/")]
    assert headers == sorted(set(headers), key=headers.index)  # each file once
    assert len(headers) == 6  # the clean file has no group
    assert lines[-1] == "3 errors, 2 warnings, 1 info in 6 of 7 files"
    assert "\x1b[" not in result.stdout  # NO_COLOR


def test_json_document_is_versioned(cli) -> None:
    result = cli("validate", *PATHS, "--format", "json", "--no-handler-check", cwd=ROOT)
    document = json.loads(result.stdout)
    assert document["version"] == 1
    assert document["summary"] == {
        "files": 7,
        "files_with_findings": 6,
        "error": 3,
        "warning": 2,
        "info": 1,
        "exit_code": 1,
    }
    cycle = next(f for f in document["files"] if "CYCLE" in f["path"])["diagnostics"][0]
    assert cycle["pointer"] == "/steps/1/dependencies"
    assert cycle["step"] == "a"
    assert (cycle["line"], cycle["column"]) == (11, 5)


def test_github_escaping() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    diagnostic = Diagnostic(
        "MISSING_DEP_REF",
        Severity.WARNING,
        "bad: a, b\nsecond line 50%",
        Location(Path("dir,x/t:1.yaml"), 3, 7),
        hint="fix it",
    )
    assert annotation(diagnostic) == (
        "::warning file=dir%2Cx/t%3A1.yaml,line=3,col=7,title=MISSING_DEP_REF"
        "::bad: a, b%0Asecond line 50%25%0A(hint: fix it)"
    )
    info = Diagnostic("NO_RESULT_SCHEMA", Severity.INFO, "m", Location("t.yaml"))
    assert annotation(info) == "::notice file=t.yaml,title=NO_RESULT_SCHEMA::m"


def test_text_output_keeps_control_characters_on_one_line(cli, tmp_path: Path) -> None:
    # a step name with a newline must not start a new output line: in a CI log a line
    # beginning with "::error::" would be read as a GitHub workflow command
    path = tmp_path / "t.yaml"
    path.write_text(
        "name: a\nnamespace_name: b\nversion: 1.0.0\nsteps:\n"
        '  - name: "x\\n::error::injected"\n'
        "    handler: {callable: x.Y}\n"
        "    result_schema: {type: object}\n"
    )
    result = cli("validate", str(path), "--no-handler-check")
    assert not any(line.startswith("::") for line in result.stdout.splitlines())
    assert "Step name 'x\\n::error::injected' is not snake_case" in result.stdout
