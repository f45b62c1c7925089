"""The pieces of composition validation: config schemas, jq messages, schema contracts."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasker_ctl.validation.composition.catalogue import CAPABILITIES
from tasker_ctl.validation.composition.config_schema import SUPPORTED_KEYWORDS, config_problems
from tasker_ctl.validation.composition.expressions import compile_error, parse_jq_message
from tasker_ctl.validation.composition.schema_compat import Contract, check_compatibility

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)


def _schema_keywords(schema: dict[str, Any]) -> set[str]:
    found = set(schema)
    for sub in schema.get("properties", {}).values():
        found |= _schema_keywords(sub)
    return found


def test_the_catalogue_is_upstreams_six_capabilities_with_supported_keywords_only() -> None:
    assert sorted(CAPABILITIES) == ["acquire", "assert", "emit", "persist", "transform", "validate"]
    assert {n for n, c in CAPABILITIES.items() if c.mutating} == {"persist", "emit"}
    for capability in CAPABILITIES.values():
        assert _schema_keywords(capability.config_schema) <= SUPPORTED_KEYWORDS
        jsonschema.Draft202012Validator.check_schema(capability.config_schema)


def _config(name: str) -> st.SearchStrategy[Any]:
    """Configs near the capability's schema: its keys with arbitrary values, or anything."""
    keys = list(CAPABILITIES[name].config_schema["properties"])
    near = st.dictionaries(st.sampled_from([*keys, "other"]), JSON, max_size=len(keys) + 1)
    return st.one_of(near, JSON)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.sampled_from(sorted(CAPABILITIES)).flatmap(lambda n: st.tuples(st.just(n), _config(n))))
def test_config_check_agrees_with_jsonschema(case: tuple[str, Any]) -> None:
    name, config = case
    schema = CAPABILITIES[name].config_schema
    ours = sorted((p.path, p.missing) for p in config_problems(config, schema))
    theirs = sorted(
        (
            tuple(str(x) for x in error.absolute_path),
            _missing(error),
        )
        for error in jsonschema.Draft202012Validator(schema).iter_errors(config)
    )
    assert ours == theirs


def _missing(error: jsonschema.ValidationError) -> str | None:
    if error.validator != "required":
        return None
    return str(error.message).split("'")[1]


def test_jq_messages_old_and_new_formats() -> None:
    new = parse_jq_message(
        "jq: error: syntax error, unexpected '|' at <top-level>, line 1, column 7:\n"
        "    .foo ||| .bar\n          ^\njq: 1 compile error"
    )
    assert (new.message, new.line, new.column, new.count) == (
        "syntax error, unexpected '|'",
        1,
        7,
        1,
    )
    old = parse_jq_message(
        "jq: error: syntax error, unexpected INVALID_CHARACTER (Unix shell quoting issues?) "
        "at <top-level>, line 1:\n.a ||| b\njq: error: b/0 is not defined at <top-level>, line 1:\n"
        ".a ||| b\njq: 2 compile errors"
    )
    assert old.describe() == (
        "syntax error, unexpected INVALID_CHARACTER (filter line 1) (and 1 more)"
    )
    assert parse_jq_message("something else entirely").message == "something else entirely"
    assert parse_jq_message("").message == "jq refused the filter"
    surrogate = compile_error("\ud800")
    assert surrogate is not None and surrogate.message == "the filter is not valid Unicode text"


@pytest.mark.parametrize(
    ("expression", "ok"),
    [
        (".context | {result: .name}", True),
        (".prev as $o | ($o.items | map(.price) | add) as $t | {total: $t}", True),
        ('if .a > 1 then "x" elif .a > 0 then "y" else "z" end', True),
        ("reduce .[] as $x (0; . + $x)", True),
        (".foo ||| .bar", False),
        ("(.foo", False),
        ("", False),
        ('"unclosed', False),
        ("nonexistent_function", False),
        ("$undefined", False),
        ('import "a" as a; .', False),
        ("a\x00b", False),
        ("\ud800", False),
    ],
)
def test_jq_compile(expression: str, ok: bool) -> None:
    assert (compile_error(expression) is None) is ok


C = Contract("producer", "consumer", "/p", "/c")


def _codes(producer: Any, consumer: Any) -> list[tuple[str, bool, str]]:
    return [(p.code, p.error, p.pointer) for p in check_compatibility(producer, consumer, C)]


def _obj(required: list[str], **props: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": props}


def test_contract_rules() -> None:
    string, integer, number = {"type": "string"}, {"type": "integer"}, {"type": "number"}
    # a consumer with no schema asks for nothing; a producer with none meets nothing
    assert _codes(_obj(["a"], a=string), {}) == []
    assert _codes(_obj(["a"], a=string), None) == []
    assert _codes({}, _obj(["a"], a=string)) == [("MISSING_PRODUCER_SCHEMA", True, "/p")]
    # integer meets number, not the other way round
    assert _codes(_obj([], n=integer), _obj(["n"], n=number)) == []
    assert _codes(_obj([], n=number), _obj(["n"], n=integer)) == [
        ("TYPE_MISMATCH", True, "/c/properties/n/type")
    ]
    # a nullable producer meets the non-null consumer; the reverse misses "null"
    assert _codes(_obj([], n={"type": ["string", "null"]}), _obj(["n"], n=string)) == []
    assert _codes(_obj([], n=string), _obj(["n"], n={"type": ["string", "null"]})) == [
        ("TYPE_MISMATCH", True, "/c/properties/n/type")
    ]
    # missing required fields are errors; extra producer fields are fine
    assert _codes(_obj([], b=string), _obj(["a"], a=string)) == [
        ("MISSING_REQUIRED_FIELD", True, "/c/required/0")
    ]
    # optional fields: type problems are warnings, nested ones too
    nested_p = _obj([], o=_obj([], x=string))
    nested_c = _obj([], o=_obj(["x", "y"], x=integer))
    assert _codes(nested_p, nested_c) == [
        ("TYPE_MISMATCH", False, "/c/properties/o/properties/x/type"),
        ("MISSING_REQUIRED_FIELD", False, "/c/properties/o/required/1"),
    ]
    # array items are compared
    arr_p = _obj([], a={"type": "array", "items": _obj([], id=string)})
    arr_c = _obj(["a"], a={"type": "array", "items": _obj(["id"], id=integer)})
    assert _codes(arr_p, arr_c) == [
        ("TYPE_MISMATCH", True, "/c/properties/a/items/properties/id/type")
    ]
    # keywords of shapes serde cannot read: the schema counts as none
    assert _codes(_obj([], a=string), {"required": "a"}) == []
    assert _codes({"required": "a"}, _obj(["a"], a=string)) == [
        ("MISSING_PRODUCER_SCHEMA", True, "/p")
    ]
    # unknown type names are ignored
    assert _codes(_obj([], a={"type": "str"}), _obj(["a"], a=string)) == []


NAMES = st.sampled_from(["a", "b", "c", "id", "é"])
TYPES = st.sampled_from(["string", "number", "integer", "boolean", "object", "array", "null"])


def _schemas() -> st.SearchStrategy[dict[str, Any]]:
    leaf = st.builds(
        lambda t: {"type": t}, st.one_of(TYPES, st.lists(TYPES, min_size=1, max_size=3))
    )

    def extend(inner: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
        props = st.dictionaries(NAMES, inner, max_size=3)
        obj = props.flatmap(
            lambda p: st.builds(
                lambda req: {"type": "object", "properties": p, "required": req},
                st.lists(st.sampled_from(sorted(p)), unique=True) if p else st.just([]),
            )
        )
        arr = st.builds(lambda items: {"type": "array", "items": items}, inner)
        return obj | arr

    return st.recursive(leaf, extend, max_leaves=10)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(_schemas())
def test_a_schema_meets_itself(schema: dict[str, Any]) -> None:
    assert [p for p in check_compatibility(schema, schema, C) if p.error] == []


@settings(max_examples=200, deadline=None, derandomize=True)
@given(JSON, JSON)
def test_contract_check_never_raises_and_points_into_the_schemas(
    producer: Any, consumer: Any
) -> None:
    for problem in check_compatibility(producer, consumer, C):
        assert problem.pointer.startswith(("/p", "/c"))
