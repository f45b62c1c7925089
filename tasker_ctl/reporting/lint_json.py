"""``tasker-ctl validate --format json``: one versioned JSON document on stdout.

Schema (version 1)::

    {"version": 1,
     "tool": {"name": "tasker-ctl", "version": "..."},
     "summary": {"files": 3, "files_with_findings": 1, "error": 1, "warning": 0,
                 "info": 2, "exit_code": 1},
     "files": [{"path": "...", "loads": true,
                "diagnostics": [{"rule_id": "...", "severity": "error", "message": "...",
                                 "path": "...", "line": 3, "column": 5,
                                 "pointer": "/steps/0/name", "step": "a", "hint": null}]}],
     "diagnostics": [...]}          # findings spanning files

Plain ``json`` only (no rich): machine output is never styled or folded.
"""

from __future__ import annotations

import json
from typing import Any

from tasker_ctl import __version__
from tasker_ctl.validation.diagnostic import Diagnostic, LintReport

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


def report_document(report: LintReport, *, strict: bool = False) -> dict[str, Any]:
    """The whole report as a JSON-ready dict."""
    counts = report.counts()
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "tasker-ctl", "version": __version__},
        "summary": {
            "files": len(report.files),
            "files_with_findings": sum(1 for f in report.files if f.diagnostics),
            **{severity.value: count for severity, count in counts.items()},
            "exit_code": int(report.exit_code(strict=strict)),
        },
        "files": [
            {
                "path": str(result.path),
                "loads": result.data is not None,
                "diagnostics": [diagnostic_dict(d) for d in result.diagnostics],
            }
            for result in report.files
        ],
        "diagnostics": [diagnostic_dict(d) for d in report.diagnostics],
    }


def render_json(report: LintReport, *, strict: bool = False) -> str:
    """The JSON document, pretty-printed, with a trailing newline."""
    return json.dumps(report_document(report, strict=strict), indent=2) + "\n"
