"""``tasker-ctl validate --format sarif``: a SARIF 2.1.0 log for code-scanning uploads.

One run; ``tool.driver.rules`` describes every rule that has a result (ID,
summary, full documentation, default level); each result carries the rule,
level (``error``/``warning``/``note``), message, the file and the line/column
region; the JSON pointer and step go into ``properties``.

A file below the working directory is a relative URI with ``uriBaseId``
``%SRCROOT%`` (the working directory, declared in ``originalUriBaseIds``); a
file elsewhere is an absolute ``file://`` URI *without* ``uriBaseId`` (SARIF
validator rule SARIF1004: a ``uriBaseId`` goes with relative URIs only). Bytes
of a file name that are not UTF-8 are percent-encoded as they are (``%FF``).
Columns count characters (code points: the YAML parser's marks), which the run
declares with ``columnKind``.

The log is written as files are linted (:class:`SarifWriter`): the results
come first and ``tool`` (whose ``rules`` list the rules in the order they first
appear, as ``ruleIndex`` counts them) after them, so memory does not grow with
the number of files. JSON object members have no order, for SARIF consumers too.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from tasker_ctl import __version__
from tasker_ctl.reporting.lint_json import nested_json
from tasker_ctl.validation.diagnostic import Diagnostic, FileResult, LintReport, Severity
from tasker_ctl.validation.rules import RULES

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _artifact_location(path: Path | str, base: Path) -> dict[str, str]:
    """``uri`` relative to ``%SRCROOT%`` when below ``base``, else absolute (RFC 3986)."""
    candidate = Path(path).resolve()
    try:
        relative = candidate.relative_to(base)
    except ValueError:
        return {"uri": candidate.as_uri()}
    return {"uri": quote(os.fsencode(relative.as_posix()), safe="/"), "uriBaseId": "%SRCROOT%"}


def _directory_uri(directory: Path) -> str:
    """``file:///work/`` for a directory; ``file:///`` (not ``file:////``) for ``/``."""
    uri = directory.as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _result(diagnostic: Diagnostic, rule_index: int, base: Path) -> dict[str, Any]:
    location = diagnostic.location
    physical: dict[str, Any] = {"artifactLocation": _artifact_location(location.path, base)}
    if location.line:
        region: dict[str, Any] = {"startLine": location.line}
        if location.column:
            region["startColumn"] = location.column
        physical["region"] = region
    message = diagnostic.message + (f" (hint: {diagnostic.hint})" if diagnostic.hint else "")
    result: dict[str, Any] = {
        "ruleId": diagnostic.rule_id,
        "ruleIndex": rule_index,
        "level": LEVELS[diagnostic.severity],
        "message": {"text": message},
        "locations": [{"physicalLocation": physical}],
    }
    properties = {
        k: v for k, v in (("pointer", diagnostic.pointer), ("step", diagnostic.step)) if v
    }
    if properties:
        result["properties"] = properties
    return result


def _rule(rule_id: str) -> dict[str, Any]:
    rule = RULES[rule_id]
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("_")),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.doc.strip()},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "help": {"text": f"tasker-ctl validate --explain {rule.id}"},
        "properties": {"category": rule.category},
    }


class SarifWriter:
    """Writes the SARIF log to ``stream`` as files come (results first, then ``tool``)."""

    def __init__(self, stream: TextIO, base: Path | None = None) -> None:
        self.stream = stream
        self.root = (base or Path.cwd()).resolve()
        self.rule_index: dict[str, int] = {}
        self.count = 0
        bases = nested_json({"%SRCROOT%": {"uri": _directory_uri(self.root)}}, 3)
        stream.write(
            f'{{\n  "$schema": "{SARIF_SCHEMA}",\n  "version": "2.1.0",\n  "runs": [\n    {{\n'
            f'      "originalUriBaseIds": {bases},\n'
            '      "columnKind": "unicodeCodePoints",\n      "results": ['
        )

    def file(self, result: FileResult) -> None:
        """Append one file's results."""
        self._results(result.diagnostics)

    def _results(self, diagnostics: tuple[Diagnostic, ...]) -> None:
        for diagnostic in diagnostics:
            index = self.rule_index.setdefault(diagnostic.rule_id, len(self.rule_index))
            entry = nested_json(_result(diagnostic, index, self.root), 4)
            self.stream.write(("," if self.count else "") + "\n        " + entry)
            self.count += 1

    def finish(self, _tally: object = None, cross_file: tuple[Diagnostic, ...] = ()) -> None:
        """Write the cross-file results, then ``tool`` with the rules that have results."""
        self._results(cross_file)
        driver = {
            "name": "tasker-ctl",
            "version": __version__,
            "informationUri": "https://github.com/tasker-systems/tasker-core",
            "rules": [_rule(rule_id) for rule_id in self.rule_index],
        }
        closing = "\n      ]" if self.count else "]"
        tool = nested_json({"driver": driver}, 3)
        self.stream.write(f'{closing},\n      "tool": {tool}\n    }}\n  ]\n}}\n')


def sarif_document(report: LintReport, base: Path | None = None) -> dict[str, Any]:
    """The SARIF log as a dict."""
    document: dict[str, Any] = json.loads(render_sarif(report, base))
    return document


def render_sarif(report: LintReport, base: Path | None = None) -> str:
    """The SARIF log as indented JSON."""
    buffer = io.StringIO()
    writer = SarifWriter(buffer, base)
    for result in report.files:
        writer.file(result)
    writer.finish(None, report.diagnostics)
    return buffer.getvalue()
