"""The shipped JSON Schema is generated from the model and accepts what the real loader accepts."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from tasker_ctl.cli.schema_cmd import SCHEMA_FILE
from tasker_ctl.model.json_schema import render_json_schema
from tests.validation.corpus import VALID

VALID_FILES = sorted(VALID.glob("*.yaml"))


def test_shipped_schema_equals_a_fresh_generation() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render_json_schema(), (
        "run: python -m tasker_ctl.model.json_schema > tasker_ctl/schemas/task-template.json"
    )


@pytest.mark.parametrize("path", VALID_FILES, ids=[p.stem for p in VALID_FILES])
def test_schema_accepts_the_valid_corpus(path) -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(yaml.safe_load(path.read_text()))


def test_schema_knows_what_the_stale_upstream_schema_got_wrong() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    base = {"name": "t", "namespace_name": "ns", "version": "1.0.0"}
    step = {
        "name": "a",
        "handler": {"callable": "pkg.mod.snake_fn"},
        "type": "batch_worker",
        "retry": {"max_attempts": 5, "backoff_base_ms": 50, "max_backoff_ms": 200},
        "publishes_events": [{"name": "a.b", "description": "d", "schema": {}}],
    }
    assert validator.is_valid({**base, "steps": [step]})
    assert not validator.is_valid({**base, "steps": [{**step, "type": "deferred"}]})
    assert not validator.is_valid({**base, "steps": [{**step, "retry": {"max_attempts": -1}}]})
    both = {**step, "dependencies": [], "depends_on": []}
    assert not validator.is_valid({**base, "steps": [both]})
    assert not validator.is_valid({"name": "t", "version": "1.0.0"})


def test_schema_command_prints_it(cli, tmp_path) -> None:
    result = cli("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "TaskTemplate"
    out = tmp_path / "schema.json"
    assert cli("schema", "--output", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == result.stdout
