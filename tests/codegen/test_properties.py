"""Property tests: generated JSON Schemas -> every language renders, Python compiles,
passes ruff, and its models accept instances drawn from the schema."""

from __future__ import annotations

import subprocess
import sys
import types
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasker_ctl.codegen import render
from tasker_ctl.codegen.naming import attribute_name, pascal_case, snake_case, split_words
from tasker_ctl.codegen.schema import SchemaBuilder


def instances(schema: Any, defs: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """JSON values valid against ``schema`` (the subset of JSON Schema drawn below).

    hypothesis-jsonschema 0.23 does not run on current Hypothesis, so this is our own.
    """
    if "$ref" in schema:
        return instances(defs[schema["$ref"].rsplit("/", 1)[1]], defs, depth)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "anyOf" in schema:
        return st.one_of([instances(s, defs, depth + 1) for s in schema["anyOf"]])
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([instances({**schema, "type": k}, defs, depth) for k in kind])
    if kind == "string":
        return TEXT
    if kind == "integer":
        return st.integers(-(2**40), 2**40)
    if kind == "number":
        return st.one_of(st.integers(-1000, 1000), st.floats(allow_nan=False, allow_infinity=False))
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        return st.lists(instances(schema["items"], defs, depth + 1), max_size=3)
    assert kind == "object", schema
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    fixed = {p: instances(s, defs, depth + 1) for p, s in properties.items() if p in required}
    optional = {
        p: instances(s, defs, depth + 1) for p, s in properties.items() if p not in required
    }
    known = st.fixed_dictionaries(fixed, optional=optional)
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        others = st.dictionaries(
            TEXT.filter(lambda k: k not in properties),
            instances(extra, defs, depth + 1),
            max_size=3,
        )
        return st.builds(lambda a, b: {**b, **a}, known, others)
    return known


NAMES = st.one_of(
    st.sampled_from(
        ["id", "orderId", "class", "json", "model_x", "2fa", "a b", "HTTPServer", "x-y", "list"]
    ),
    st.from_regex(r"[a-z][a-zA-Z0-9_]{0,12}", fullmatch=True),
)
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)
SCALAR_ENUM = st.lists(
    st.one_of(TEXT, st.integers(-5, 5), st.booleans(), st.none()),
    min_size=1,
    max_size=4,
    unique_by=lambda v: (type(v), v),
)


def leaf() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.sampled_from(["string", "integer", "number", "boolean", "null"]).map(
            lambda t: {"type": t}
        ),
        st.builds(lambda t: {"type": ["string", t]}, st.sampled_from(["null", "integer"])),
        SCALAR_ENUM.map(lambda values: {"enum": values}),
        st.just({"$ref": "#/$defs/Shared"}),
        st.builds(lambda d: {"type": "string", "description": d, "format": "date-time"}, TEXT),
    )


def extend(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        children.map(lambda c: {"type": "array", "items": c}),
        children.map(lambda c: {"type": "object", "additionalProperties": c}),
        st.lists(children, min_size=2, max_size=3).map(lambda cs: {"anyOf": cs}),
        st.builds(
            lambda props, required, closed, description: {
                "type": "object",
                "properties": props,
                "required": [p for p in props if p in required],
                **({"additionalProperties": False} if closed else {}),
                **({"description": description} if description else {}),
            },
            st.dictionaries(NAMES, children, max_size=4),
            st.frozensets(NAMES),
            st.booleans(),
            TEXT,
        ),
    )


SCHEMAS = st.recursive(leaf(), extend, max_leaves=8)
SHARED = {
    "type": "object",
    "required": ["code"],
    "properties": {"code": {"type": "string"}, "count": {"type": "integer"}},
}


def root_schema(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["payload"],
        "properties": {"payload": body, "extra": {"$ref": "#/$defs/Shared"}},
        "$defs": {"Shared": SHARED},
    }


def load(source: str, name: str) -> types.ModuleType:
    module = types.ModuleType(name)
    sys.modules[name] = module
    exec(compile(source, f"<{name}>", "exec"), module.__dict__)
    return module


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(body=SCHEMAS, data=st.data())
def test_generated_schemas_render_compile_and_accept_instances(
    body: dict[str, Any], data: st.DataObject
) -> None:
    schema = root_schema(body)
    builder = SchemaBuilder()
    name = builder.add_root("PropertyCheckResult", schema, ("steps", 0, "result_schema"))
    assert name == "PropertyCheckResult"
    sources = {language: render(builder.module, language) for language in
               ("python", "typescript", "ruby", "rust")}  # fmt: skip
    assert all(text.endswith("\n") for text in sources.values())
    python = sources["python"]
    check = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--stdin-filename", "m.py", "-"],
        input=python, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + python
    fmt = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--isolated", "--check", "-"],
        input=python, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr + python
    module = load(python, f"generated_property_{abs(hash(python))}")
    model = module.PropertyCheckResult
    for _ in range(3):
        instance = data.draw(instances(schema, schema["$defs"]), label="instance")
        model.model_validate(instance)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(max_size=30))
def test_names_are_stable_and_identifiers(name: str) -> None:
    words = split_words(name)
    assert snake_case(name) == "_".join(w.lower() for w in words)
    assert snake_case(snake_case(name)) == snake_case(name)
    attribute = attribute_name(name)
    assert attribute.isidentifier() and attribute.isascii() and attribute == attribute.lower()
    assert pascal_case(name) == pascal_case(snake_case(name)) or any(not w.isascii() for w in words)


@pytest.mark.parametrize(
    ("name", "snake", "pascal"),
    [
        ("orderId", "order_id", "OrderId"),
        ("HTTPServer", "http_server", "HttpServer"),
        ("XMLHttpRequest", "xml_http_request", "XmlHttpRequest"),
        ("version2Name", "version2_name", "Version2Name"),
        ("shipping_address", "shipping_address", "ShippingAddress"),
        ("__private__", "private", "Private"),
        ("content-type", "content_type", "ContentType"),
    ],
)
def test_word_splitting_matches_heck(name: str, snake: str, pascal: str) -> None:
    assert (snake_case(name), pascal_case(name)) == (snake, pascal)
