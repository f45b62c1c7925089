"""Property tests for the scaffold's sample data and its Python literals.

Whatever the schema (the generated schemas of ``test_properties`` plus numeric,
string, array and composition constraints), the sample is valid against it
(jsonschema, Draft 2020-12), the generated pydantic model accepts it, drawing
it twice gives the same value, and the Python literal the handlers embed
evaluates back to it and is left alone by ``ruff format``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from typing import Any

import jsonschema  # type: ignore[import-untyped]
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasker_ctl.codegen import render
from tasker_ctl.codegen.emit_python_handlers import literal_lines
from tasker_ctl.codegen.sample import sample
from tasker_ctl.codegen.schema import SchemaBuilder
from tests.codegen.test_properties import SCHEMAS, TEXT, load, root_schema

FORMATS = st.sampled_from(["date-time", "date", "email", "uri", "uuid", "ipv4", "hostname"])


def bounded_number() -> st.SearchStrategy[dict[str, Any]]:
    def build(
        kind: str, low: int | None, span: int | None, exclusive: bool, step: int | None
    ) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": kind}
        if low is not None:
            schema["exclusiveMinimum" if exclusive else "minimum"] = low
        if low is not None and span is not None:
            schema["maximum"] = low + span + (1 if exclusive else 0) + (step or 0)
        if step is not None:
            schema["multipleOf"] = step
        return schema

    return st.builds(
        build,
        st.sampled_from(["integer", "number"]),
        st.none() | st.integers(-1000, 1000),
        st.none() | st.integers(1, 50),
        st.booleans(),
        st.none() | st.integers(1, 7),
    )


CONSTRAINED = st.one_of(
    bounded_number(),
    st.builds(
        lambda low, extra: {"type": "string", "minLength": low, "maxLength": low + extra},
        st.integers(0, 30),
        st.integers(0, 5),
    ),
    FORMATS.map(lambda f: {"type": "string", "format": f}),
    st.builds(
        lambda low, item: {"type": "array", "items": item, "minItems": low, "maxItems": low + 2},
        st.integers(0, 4),
        st.sampled_from([{"type": "integer"}, {"type": "string"}, {"type": "boolean"}]),
    ),
    st.builds(lambda value: {"const": value}, st.one_of(TEXT, st.integers(), st.booleans())),
    st.builds(
        lambda a, b: {
            "allOf": [
                {"type": "object", "required": ["a"], "properties": {"a": a}},
                {"type": "object", "required": ["b"], "properties": {"b": b}},
            ]
        },
        st.sampled_from([{"type": "integer", "minimum": 5}, {"type": "string"}]),
        st.sampled_from([{"type": "boolean"}, {"type": "number", "maximum": -3}]),
    ),
    st.builds(
        lambda opt: {"oneOf": [{"type": "null"}, opt]},
        st.sampled_from([{"type": "integer", "minimum": 2}, {"type": "string", "format": "uuid"}]),
    ),
)
ANY_SCHEMA = st.one_of(SCHEMAS, CONSTRAINED, st.lists(CONSTRAINED, max_size=3).map(
    lambda parts: {"type": "object", "required": [f"p{i}" for i in range(len(parts))],
                   "properties": {f"p{i}": p for i, p in enumerate(parts)}}
))  # fmt: skip


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(body=ANY_SCHEMA)
def test_samples_are_valid_and_deterministic(body: dict[str, Any]) -> None:
    schema = root_schema(body)
    drawn = sample(schema)
    assert drawn.unmet == []
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(
        drawn.value
    )
    assert sample(schema).value == drawn.value


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(body=ANY_SCHEMA)
def test_the_generated_model_accepts_the_sample(body: dict[str, Any]) -> None:
    schema = root_schema(body)
    builder = SchemaBuilder()
    builder.add_root("SampleCheckResult", schema, ("steps", 0, "result_schema"))
    python = render(builder.module, "python")
    module = load(python, f"sample_property_{abs(hash(python))}")
    value = sample(schema).value
    model = module.SampleCheckResult.model_validate(value)
    assert module.SampleCheckResult.model_validate(model.model_dump(mode="json")) == model


@settings(max_examples=60, deadline=None, derandomize=True)
@given(value=st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), TEXT,
              st.floats(allow_nan=False, allow_infinity=False)),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(TEXT, children, max_size=3)
    ),
    max_leaves=10,
))  # fmt: skip
def test_python_literals_round_trip_and_are_ruff_formatted(value: Any) -> None:
    lines = literal_lines(value, 4)
    assert ast.literal_eval("\n".join(line.strip() for line in lines)) == value
    source = "x = f(\n" + "\n".join(lines) + "\n)\n" if len(lines) > 1 else ""
    if source:  # an exploded collection keeps its shape: the magic trailing comma
        fmt = subprocess.run(
            [sys.executable, "-m", "ruff", "format", "--isolated", "--diff", "-"],
            input=source, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert fmt.returncode == 0, fmt.stdout + fmt.stderr


PIECES = st.sampled_from(
    ["[A-Z]", "[a-z0-9]", r"\d", r"\w", "[^@ ]", "x", "-", r"\.", "(ab|cd)", "(?:q|r)", "."]
)
QUANTIFIERS = st.sampled_from(["", "+", "*", "?", "{3}", "{2,4}", "{1,}"])


@settings(max_examples=120, deadline=None, derandomize=True)
@given(
    parts=st.lists(st.tuples(PIECES, QUANTIFIERS), min_size=1, max_size=6),
    anchored=st.booleans(),
    low=st.none() | st.integers(0, 12),
)
def test_string_patterns_are_solved(
    parts: list[tuple[str, str]], anchored: bool, low: int | None
) -> None:
    body = "".join(piece + quantifier for piece, quantifier in parts)
    pattern = f"^{body}$" if anchored else body
    schema: dict[str, Any] = {"type": "string", "pattern": pattern}
    if low is not None:
        schema["minLength"] = low
    drawn = sample(schema)
    if not drawn.unmet:
        jsonschema.Draft202012Validator(schema).validate(drawn.value)
    else:  # only a minLength the pattern's shortest match cannot be padded to
        assert low is not None and anchored
