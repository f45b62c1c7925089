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


# -- issue 10 point 5: the offending source line with a caret under the column ----------

from tasker_ctl.reporting.lint_text import (  # noqa: E402
    SOURCE_WIDTH,
    SourceLines,
    excerpt,
    render_plain,
    report_lines,
)
from tasker_ctl.validation import lint_paths  # noqa: E402
from tasker_ctl.validation.engine import LintOptions  # noqa: E402

BASE = "name: t\nnamespace_name: shop\nversion: 1.0.0\nsteps:\n"


def _text(path: Path) -> str:
    report = lint_paths([path], LintOptions(handler_check=False))
    return render_plain(report_lines(report))


def _snippet(output: str, rule: str) -> tuple[str, str]:
    """The source line and the caret line printed after the finding of ``rule``."""
    lines = output.splitlines()
    index = next(i for i, line in enumerate(lines) if line.endswith(rule))
    return lines[index + 1], lines[index + 2]


def test_text_shows_source_line_and_caret(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        BASE + "  - name: a\n    handler: {callable: x.Y}\n    result_schema: {type: object}\n"
        "    dependencies: [nope]\n"
    )
    source, caret = _snippet(_text(path), "MISSING_DEP_REF")
    assert source == "    8 |     dependencies: [nope]"
    assert caret == "      |                    ^"
    assert source[caret.index("^")] == "n"  # under the first character of 'nope'


def test_caret_with_tabs_wide_characters_and_controls() -> None:
    # a tab is four cells, a control character its escape, a CJK character two cells
    shown, offset = excerpt("\tk: \x1b漢x", 7)
    assert shown == "    k: \\x1b漢x"
    assert offset == 4 + 3 + 4 + 2  # tab, 'k: ', '\x1b' escape, '漢' (2 cells)
    assert excerpt("abc", 99) == ("abc", 3)  # past the end: just after the last character
    assert excerpt("é\u0301z", 3)[1] == 1  # a combining mark takes no cell


def test_long_lines_are_cut_around_the_column() -> None:
    text = "x" * 300 + "HERE" + "y" * 300
    shown, offset = excerpt(text, 301)
    assert len(shown) <= SOURCE_WIDTH
    assert shown.startswith("...") and shown.endswith("...")
    assert shown[offset : offset + 4] == "HERE"
    start, offset = excerpt(text, 2)
    assert not start.startswith("...") and start.endswith("...") and offset == 1
    end, offset = excerpt(text, 604)
    assert end.startswith("...") and not end.endswith("...") and end[offset] == "y"


def test_yaml_line_breaks_and_non_utf8_bytes(tmp_path: Path) -> None:
    crlf = tmp_path / "crlf.yaml"
    crlf.write_bytes(b"a: 1\r\nb: 2\rc: 3\xc2\x85d: 4\n")
    sources = SourceLines()
    assert sources.line(str(crlf), 2, 1) == ("b: 2", 1)
    assert sources.line(str(crlf), 4, 1) == ("d: 4", 1)
    assert sources.line(str(crlf), 9, 1) is None
    binary = tmp_path / "bad.yaml"
    binary.write_bytes(b"name: \xc3\xa9\xff\r\n")
    text, column = sources.line(str(binary), 1, 9) or ("", 0)  # byte column of \xff
    assert column == 8 and text[column - 1] == "\udcff"
    assert excerpt(text, column) == ("name: é\\xff", 7)
    assert sources.line(str(tmp_path / "missing.yaml"), 1, 1) is None


def test_invalid_encoding_and_tab_findings_point_at_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes(b"name: \xc3\xa9\xff\n")
    source, caret = _snippet(_text(path), "INVALID_ENCODING")
    assert source == "    1 | name: é\\xff"
    assert source[caret.index("^")] == "\\"
    tabbed = tmp_path / "tab.yaml"
    tabbed.write_text("name: t\nsteps:\n\t- name: a\n")
    source, caret = _snippet(_text(tabbed), "INVALID_YAML")
    assert source == "    3 |     - name: a"
    assert caret == "      | ^"


def test_source_excerpt_has_no_raw_control_characters(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    # YAML allows bidi overrides and zero-width characters raw; NEL and CR are line breaks
    path.write_text(BASE + "  - name: a\u202eB\u200b  # \x85\r    handler: {callable: x.Y}\n")
    output = _text(path)
    assert not any(ch in output for ch in "\u202e\u200b\x85\r")
    source, caret = _snippet(output, "NAME_NOT_SNAKE_CASE")
    assert source == "    5 |   - name: a\\u202eB\\u200b  #"
    assert source[caret.index("^")] == "a"


def test_fast_path_and_typer_print_the_same_text(cli, tmp_path: Path, capsys) -> None:
    from tasker_ctl.cli.validate_fast import try_fast_validate

    path = tmp_path / "t.yaml"
    path.write_text(BASE + "  - name: Bad\tName\n    handler: {callable: x.Y}\n")
    args = ["validate", "t.yaml", "--no-handler-check"]
    typer = cli(*args, cwd=tmp_path)
    capsys.readouterr()
    assert try_fast_validate(args) == typer.exit_code
    assert capsys.readouterr().out == typer.stdout
    assert " | " in typer.stdout and "^" in typer.stdout
