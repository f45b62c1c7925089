"""``tasker-ctl validate --format json``: one versioned JSON document on stdout.

Schema (version 1)::

    {"version": 1,
     "tool": {"name": "tasker-ctl", "version": "..."},
     "files": [{"path": "...", "loads": true,
                "diagnostics": [{"rule_id": "...", "severity": "error", "message": "...",
                                 "path": "...", "line": 3, "column": 5,
                                 "pointer": "/steps/0/name", "step": "a", "hint": null}]}],
     "diagnostics": [...],          # findings spanning files
     "summary": {"files": 3, "files_with_findings": 1, "error": 1, "warning": 0,
                 "info": 2, "exit_code": 1}}

The document is written as files are linted (:class:`JsonWriter`), so the
summary comes last and memory does not grow with the number of files.

Plain ``json`` only (no rich): machine output is never styled or folded.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from tasker_ctl import __version__
from tasker_ctl.validation.diagnostic import Diagnostic, FileResult, LintReport, LintTally

SCHEMA_VERSION = 1


def diagnostic_dict(diagnostic: Diagnostic) -> dict[str, Any]:
    """One diagnostic as a JSON object."""
    location = diagnostic.location
    return {
        "rule_id": diagnostic.rule_id,
        "severity": diagnostic.severity.value,
        "message": diagnostic.message,
        "path": str(location.path),
        "line": location.line,
        "column": location.column,
        "pointer": diagnostic.pointer,
        "step": diagnostic.step,
        "hint": diagnostic.hint,
    }


def file_dict(result: FileResult) -> dict[str, Any]:
    """One file's entry."""
    return {
        "path": str(result.path),
        "loads": result.loads,
        "diagnostics": [diagnostic_dict(d) for d in result.diagnostics],
    }


def summary_dict(tally: LintTally, *, strict: bool) -> dict[str, Any]:
    """The ``summary`` object."""
    return {
        "files": tally.files,
        "files_with_findings": tally.files_with_findings,
        **{severity.value: count for severity, count in tally.counts.items()},
        "exit_code": int(tally.exit_code(strict=strict)),
    }


def nested_json(value: Any, level: int) -> str:
    """``value`` as indented JSON, for a position ``level`` deep in a streamed document."""
    return json.dumps(value, indent=2).replace("\n", "\n" + "  " * level)


class JsonWriter:
    """Writes the document to ``stream`` as files come, laid out like ``json.dumps(indent=2)``."""

    def __init__(self, stream: TextIO, *, strict: bool = False) -> None:
        self.stream = stream
        self.strict = strict
        self.count = 0
        tool = nested_json({"name": "tasker-ctl", "version": __version__}, 1)
        stream.write(f'{{\n  "version": {SCHEMA_VERSION},\n  "tool": {tool},\n  "files": [')

    def file(self, result: FileResult) -> None:
        """Append one file's entry."""
        self.stream.write(
            ("," if self.count else "") + "\n    " + nested_json(file_dict(result), 2)
        )
        self.count += 1

    def finish(self, tally: LintTally, cross_file: tuple[Diagnostic, ...] = ()) -> None:
        """Close the files list; write the cross-file findings and the summary."""
        closing = "\n  ]" if self.count else "]"
        spanning = nested_json([diagnostic_dict(d) for d in cross_file], 1)
        summary = nested_json(summary_dict(tally, strict=self.strict), 1)
        self.stream.write(f'{closing},\n  "diagnostics": {spanning},\n  "summary": {summary}\n}}\n')


def report_document(report: LintReport, *, strict: bool = False) -> dict[str, Any]:
    """The whole report as a JSON-ready dict."""
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "tasker-ctl", "version": __version__},
        "files": [file_dict(result) for result in report.files],
        "diagnostics": [diagnostic_dict(d) for d in report.diagnostics],
        "summary": summary_dict(report.tally(), strict=strict),
    }


def render_json(report: LintReport, *, strict: bool = False) -> str:
    """The JSON document, pretty-printed, with a trailing newline."""
    return json.dumps(report_document(report, strict=strict), indent=2) + "\n"
