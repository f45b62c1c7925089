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
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tasker_ctl import __version__
from tasker_ctl.validation.diagnostic import Diagnostic, LintReport, Severity
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


def sarif_document(report: LintReport, base: Path | None = None) -> dict[str, Any]:
    """The SARIF log as a dict."""
    root = (base or Path.cwd()).resolve()
    diagnostics = report.all_diagnostics
    rule_ids = sorted({d.rule_id for d in diagnostics})
    rules = []
    for rule_id in rule_ids:
        rule = RULES[rule_id]
        rules.append(
            {
                "id": rule.id,
                "name": "".join(part.capitalize() for part in rule.id.split("_")),
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.doc.strip()},
                "defaultConfiguration": {"level": LEVELS[rule.severity]},
                "help": {"text": f"tasker-ctl validate --explain {rule.id}"},
                "properties": {"category": rule.category},
            }
        )
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "tasker-ctl",
                        "version": __version__,
                        "informationUri": "https://github.com/tasker-systems/tasker-core",
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": _directory_uri(root)}},
                "columnKind": "unicodeCodePoints",
                "results": [_result(d, index[d.rule_id], root) for d in diagnostics],
            }
        ],
    }


def render_sarif(report: LintReport, base: Path | None = None) -> str:
    """The SARIF log as indented JSON."""
    return json.dumps(sarif_document(report, base), indent=2) + "\n"
