"""serde_yaml 0.9 reading rules, one snippet per behaviour (spec section 1.1)."""

from __future__ import annotations

from typing import Any

import pytest

from tasker_ctl.validation.serde import read_template
from tasker_ctl.validation.yaml_source import parse_document

HEAD = "name: t\nnamespace_name: ns\nversion: 1.0.0\n"


def read(text: str) -> tuple[dict[str, Any], list[tuple[str, int]]]:
    document = parse_document(text.encode())
    assert document.root is not None, document.problem
    result = read_template(document.root)
    return result.data, [(f.rule_id, f.line) for f in result.findings]


def step_yaml(body: str) -> str:
    lines = "".join(f"    {line}\n" for line in body.splitlines())
    return HEAD + "steps:\n  - name: a\n    handler: {callable: x.Y}\n" + lines


@pytest.mark.parametrize(
    ("snippet", "value"),
    [
        ("version: 1.0", "1.0"),
        ("version: 1.10", "1.10"),
        ("version: true", "true"),
        ("version: ~", "~"),
        ("version:", ""),
        ("version: '2.0.0'", "2.0.0"),
    ],
)
def test_string_fields_take_the_raw_text(snippet: str, value: str) -> None:
    data, findings = read("name: t\nnamespace_name: ns\n" + snippet + "\n")
    assert findings == []
    assert data["version"] == value


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ("max_attempts: 5", 5),
        ("max_attempts: 0", 0),
        ("max_attempts: \u0663", None),  # a digit, but not an ASCII one
        ("max_attempts: 00", None),
        ("max_attempts: +5", 5),
        ("max_attempts: 0x10", 16),
        ("max_attempts: 0o10", 8),
        ("max_attempts: 0b11", 3),
        ('max_attempts: "5"', None),
        ("max_attempts: 5.0", None),
        ("max_attempts: 1_000", None),
        ("max_attempts: -1", None),
        ("max_attempts: 012", None),
        ("max_attempts: 4294967296", None),
        ("retryable: true", True),
        ("retryable: FALSE", False),
        ("retryable: yes", None),
        ("retryable: on", None),
        ('retryable: "true"', None),
    ],
)
def test_integers_and_booleans_are_strict(snippet: str, expected: Any) -> None:
    data, findings = read(step_yaml("retry:\n  " + snippet))
    key = snippet.split(":")[0]
    if expected is None:
        assert findings == [("INVALID_TYPE", 8)]
        assert key not in data["steps"][0]["retry"]
    else:
        assert findings == []
        assert data["steps"][0]["retry"][key] == expected


def test_empty_list_is_empty_but_null_is_an_error() -> None:
    data, findings = read(step_yaml("dependencies:"))
    assert findings == [] and data["steps"][0]["dependencies"] == []
    _, findings = read(step_yaml("dependencies: null"))
    assert findings == [("INVALID_TYPE", 7)]
    data, findings = read(step_yaml("system_dependency: null"))
    assert findings == [] and data["steps"][0]["system_dependency"] is None
    data, findings = read(step_yaml('result_schema: "null"'))
    assert data["steps"][0]["result_schema"] == "null"


def test_aliases_and_duplicates() -> None:
    data, findings = read(step_yaml("step_type: decision\ndepends_on: [b]"))
    assert findings == []
    assert data["steps"][0]["type"] == "decision"
    assert data["steps"][0]["dependencies"] == ["b"]
    _, findings = read(step_yaml("dependencies: []\ndepends_on: []"))
    assert findings == [("DUPLICATE_FIELD", 8)]
    _, findings = read(step_yaml("timeout_seconds: 1\ntimeout_seconds: 2"))
    assert findings == [("DUPLICATE_FIELD", 8)]


def test_value_fields_use_yaml_1_2_core_typing() -> None:
    data, findings = read(
        step_yaml("result_schema:\n  a: yes\n  b: 0x1F\n  c: 1.5e3\n  d: ~\n  e: '3'\n  f: .inf")
    )
    assert findings == []
    assert data["steps"][0]["result_schema"] == {
        "a": "yes",
        "b": 31,
        "c": 1500.0,
        "d": None,
        "e": "3",
        "f": float("inf"),
    }


def test_datetimes_must_be_rfc3339() -> None:
    _, findings = read(HEAD + "metadata:\n  created_at: 2026-01-07\n")
    assert findings == [("INVALID_TYPE", 5)]
    _, findings = read(HEAD + "metadata:\n  created_at: 2026-01-07T10:00:00+02:00\n")
    assert findings == []


def test_unknown_keys_get_suggestions_and_known_hints() -> None:
    document = parse_document(step_yaml("timout_seconds: 3\nretry:\n  initial_delay: 5").encode())
    assert document.root is not None
    result = read_template(document.root)
    hints = {f.message.split("`")[1]: f.hint for f in result.findings}
    assert hints["timout_seconds"] == "did you mean `timeout_seconds`?"
    # an old spelling of a per-step backoff time: production reads per-step backoff under no
    # spelling, so renaming it would change nothing, and it is not reported
    assert "initial_delay" not in hints


def test_required_fields_and_enum_variants() -> None:
    data, findings = read("name: t\nsteps:\n  - name: a\n    type: deferred\n    handler: {}\n")
    assert sorted(findings) == [
        ("MISSING_FIELD", 1),
        ("MISSING_FIELD", 1),
        ("MISSING_FIELD", 5),
        ("UNKNOWN_VARIANT", 4),
    ]
    assert data["steps"][0]["name"] == "a"


def test_merge_keys_are_not_applied() -> None:
    data, findings = read(step_yaml("retry:\n  <<: {max_attempts: 5}"))
    assert findings == [("MERGE_KEY_IGNORED", 8)]
    assert data["steps"][0]["retry"] == {}
