"""SARIF output validates against the official SARIF 2.1.0 JSON schema (shipped offline)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from tests.conftest import ROOT

SCHEMA = ROOT / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"
INVALID = ROOT / "tests" / "fixtures" / "templates" / "invalid"


def _sarif(cli, *paths: Path) -> dict:
    result = cli("validate", *map(str, paths), "--format", "sarif", "--no-handler-check", cwd=ROOT)
    assert result.stderr == ""
    return json.loads(result.stdout)


def test_sarif_validates_against_the_schema(cli) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    document = _sarif(cli, INVALID)
    jsonschema.Draft4Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(document), key=str)
    assert errors == []
    results = document["runs"][0]["results"]
    assert len(results) > 60
    assert {r["level"] for r in results} == {"error", "warning", "note"}


def test_sarif_results_point_at_files_and_rules(cli) -> None:
    document = _sarif(cli, INVALID / "MISSING_DEP_REF")
    run = document["runs"][0]
    [result] = run["results"]
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "MISSING_DEP_REF"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "tests/fixtures/templates/invalid/MISSING_DEP_REF/missing_dep_ref.yaml",
        "uriBaseId": "%SRCROOT%",
    }
    assert location["region"] == {"startLine": 11, "startColumn": 20}
    assert result["properties"] == {"pointer": "/steps/1/dependencies/0", "step": "charge"}


def test_clean_run_is_still_a_valid_log(cli) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    document = _sarif(cli, ROOT / "tests" / "fixtures" / "templates" / "valid")
    assert document["runs"][0]["results"] == []
    jsonschema.Draft4Validator(schema).validate(document)


def test_file_names_are_percent_encoded_uris(cli, tmp_path: Path) -> None:
    from urllib.parse import unquote

    name = "we%ird, na:me é.yaml"
    (tmp_path / name).write_text("name: a\nnamespace_name: b\nversion: 1.0.0\nsteps: []\n")
    result = cli("validate", name, "--format", "sarif", "--no-handler-check", cwd=tmp_path)
    [found] = json.loads(result.stdout)["runs"][0]["results"]
    uri = found["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "we%25ird%2C%20na%3Ame%20%C3%A9.yaml"
    assert unquote(uri) == name
