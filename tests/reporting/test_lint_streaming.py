"""Lint reports are written while files are linted, and a report file is all or nothing.

The JSON and SARIF writers lay their documents out by hand (summary and SARIF
``tool`` last); they must stay exactly what ``json.dumps`` of the same document
would give, for any findings (property test), and SARIF must stay schema-valid.
``validate`` checks named files before writing anything, so a report is never cut
short, and ``--output`` replaces the file only when the whole report is written.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from tasker_ctl.errors import Location
from tasker_ctl.reporting.lint_github import render_github
from tasker_ctl.reporting.lint_json import JsonWriter, report_document
from tasker_ctl.reporting.lint_sarif import render_sarif
from tasker_ctl.reporting.lint_text import render_plain, report_lines
from tasker_ctl.validation import Diagnostic, FileResult, LintReport, Severity
from tasker_ctl.validation.rules import RULES
from tests.conftest import ROOT

SARIF_SCHEMA = json.loads(
    (ROOT / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json").read_text()
)
GOOD = """\
name: order
namespace_name: shop
version: 1.0.0
steps:
  - name: a
    handler: {callable: shop.A}
    result_schema: {type: object}
"""
BAD = GOOD.replace("shop.A}", "shop.A}\n    dependencies: [missing]")

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
_diagnostic = st.builds(
    Diagnostic,
    rule_id=st.sampled_from(sorted(RULES)),
    severity=st.sampled_from(list(Severity)),
    message=_text,
    location=st.builds(
        Location,
        st.sampled_from(["a.yaml", "dir/b.yml", "ü ñ.yaml"]),
        st.none() | st.integers(1, 10_000),
        st.none() | st.integers(1, 500),
    ),
    pointer=st.sampled_from(["", "/steps/0/name", "/steps/3/handler/callable"]),
    step=st.none() | _text,
    hint=st.none() | _text,
)
_file = st.builds(
    FileResult,
    path=st.sampled_from([Path("a.yaml"), Path("dir/b.yml"), Path("ü ñ.yaml")]),
    diagnostics=st.lists(_diagnostic, max_size=4).map(tuple),
    loads=st.booleans(),
)
_report = st.builds(
    LintReport,
    files=st.lists(_file, max_size=5).map(tuple),
    diagnostics=st.lists(_diagnostic, max_size=2).map(tuple),
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(_report, st.booleans())
def test_streamed_json_is_the_document_json_dumps_would_write(report, strict) -> None:
    buffer = io.StringIO()
    writer = JsonWriter(buffer, strict=strict)
    for result in report.files:
        writer.file(result)
    writer.finish(report.tally(), report.diagnostics)
    document = report_document(report, strict=strict)
    assert buffer.getvalue() == json.dumps(document, indent=2) + "\n"
    summary = document["summary"]
    assert summary["files"] == len(report.files)
    assert summary["exit_code"] == int(report.exit_code(strict=strict))


@settings(max_examples=100, deadline=None, derandomize=True)
@given(_report)
def test_streamed_sarif_is_valid_and_indexes_its_rules(report) -> None:
    text = render_sarif(report, ROOT)
    document = json.loads(text)
    assert text == json.dumps(document, indent=2) + "\n"
    jsonschema.validate(document, SARIF_SCHEMA)
    [run] = document["runs"]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert len(rules) == len(set(rules))
    assert len(run["results"]) == len(report.all_diagnostics)
    for result in run["results"]:
        assert rules[result["ruleIndex"]] == result["ruleId"]


@settings(max_examples=100, deadline=None, derandomize=True)
@given(_report)
def test_text_and_github_summaries_count_every_finding(report) -> None:
    counts = report.counts()
    text = render_plain(report_lines(report))
    github = render_github(report).splitlines()
    assert len(github) == len(report.all_diagnostics) + 1
    assert f"{counts[Severity.ERROR]} error(s)" in github[-1]
    if any(counts.values()):
        assert f"{counts[Severity.WARNING]} warning" in text.splitlines()[-1]


def _tasker(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "tasker_ctl", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_a_named_file_that_cannot_be_read_stops_before_any_output(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(GOOD)
    os.mkfifo(tmp_path / "pipe.yaml")
    for fmt in ("json", "sarif", "text", "github"):
        result = _tasker("validate", "good.yaml", "pipe.yaml", "--format", fmt, cwd=tmp_path)
        assert result.returncode == 2
        assert result.stdout == ""  # no half document
        assert "pipe.yaml" in result.stderr and "not a regular file" in result.stderr
        assert "Traceback" not in result.stderr


def test_output_replaces_the_report_file_only_when_complete(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(GOOD)
    (tmp_path / "bad.yaml").write_text(BAD)
    report = tmp_path / "report.json"
    report.write_text("previous report\n")
    os.mkfifo(tmp_path.parent / f"{tmp_path.name}-pipe.yaml")
    pipe = f"../{tmp_path.name}-pipe.yaml"
    failed = _tasker("validate", ".", pipe, "--format", "json", "-o", "report.json", cwd=tmp_path)
    assert failed.returncode == 2
    assert report.read_text() == "previous report\n"  # untouched
    done = _tasker("validate", ".", "--format", "json", "-o", "report.json", cwd=tmp_path)
    assert done.returncode == 1 and done.stdout == ""
    document = json.loads(report.read_text())
    assert [f["path"] for f in document["files"]] == ["bad.yaml", "good.yaml"]
    assert document["summary"]["error"] == 1
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    missing_dir = _tasker("validate", ".", "-o", "nowhere/report.txt", cwd=tmp_path)
    assert missing_dir.returncode == 2
    assert "cannot write nowhere/report.txt" in missing_dir.stderr


def test_duplicate_identities_are_reported_on_the_later_file_as_files_stream(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text(GOOD)
    result = _tasker("validate", ".", "--format", "json", "--no-handler-check", cwd=tmp_path)
    files = {f["path"]: f["diagnostics"] for f in json.loads(result.stdout)["files"]}
    assert [d["rule_id"] for d in files["a.yaml"]] == []
    [duplicate] = files["b.yaml"]
    assert duplicate["rule_id"] == "DUPLICATE_TEMPLATE_IDENTITY"
    assert "also defined in a.yaml" in duplicate["message"]
