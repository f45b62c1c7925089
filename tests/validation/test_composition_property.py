"""Property: no composition block makes the engine raise, and every finding points into the file.

Blocks are drawn from three families: well-formed compositions (every capability,
checkpoints, expressions from a pool of filters jq accepts and refuses, outcome
schemas), the same with one subtree replaced by an arbitrary value or one key
removed, and arbitrary values. Each goes into a template written as YAML in
block or flow style and is linted through the engine.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasker_ctl.validation import LintOptions, lint_file
from tasker_ctl.validation.composition import check_step
from tasker_ctl.validation.composition.catalogue import CAPABILITIES

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(),
    st.text(max_size=12),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
FILTERS = st.one_of(
    st.sampled_from(
        [
            ".",
            ".context",
            ".prev | {id: .id}",
            "{total: (.deps.cart.items | map(.price) | add)}",
            ".foo ||| .bar",
            "(.prev",
            "",
            "undefined_fn",
            "$nope",
            '"\\u00',
            'include "m"; .',
        ]
    ),
    st.text(max_size=20),
)
TYPES = st.sampled_from(["object", "string", "integer", "number", "array", "boolean", "null"])
SCHEMAS = st.recursive(
    st.builds(lambda t: {"type": t}, TYPES),
    lambda inner: st.builds(
        lambda props, req: {"type": "object", "properties": props, "required": req},
        st.dictionaries(st.sampled_from(["a", "b", "id"]), inner, max_size=3),
        st.lists(st.sampled_from(["a", "b", "id", "z"]), max_size=2),
    ),
    max_leaves=6,
)


def _expression(filter_: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    return filter_ | filter_.map(lambda f: {"expression": f})


def _config(name: str) -> st.SearchStrategy[dict[str, Any]]:
    cap = CAPABILITIES[name]
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for key, sub in cap.config_schema["properties"].items():
        if key in cap.expression_fields:
            fields[key] = _expression(FILTERS)
        elif key == "output":
            fields[key] = SCHEMAS
        elif key == "metadata":
            fields[key] = st.fixed_dictionaries(
                {}, optional={"correlation_id": _expression(FILTERS)}
            )
        elif sub.get("type") == "string":
            fields[key] = st.text(max_size=10)
        else:
            fields[key] = st.dictionaries(st.sampled_from(["type", "target"]), st.text(max_size=5))
    required = set(cap.config_schema["required"])
    return st.fixed_dictionaries(
        {k: v for k, v in fields.items() if k in required},
        optional={k: v for k, v in fields.items() if k not in required},
    )


INVOCATIONS = st.sampled_from(sorted(CAPABILITIES)).flatmap(
    lambda name: st.fixed_dictionaries(
        {"capability": st.just(name), "config": _config(name)},
        optional={"checkpoint": st.booleans()},
    )
)
WELL_FORMED = st.fixed_dictionaries(
    {
        "outcome": st.fixed_dictionaries(
            {"description": st.text(max_size=20), "output_schema": SCHEMAS}
        ),
        "invocations": st.lists(INVOCATIONS, max_size=4),
    },
    optional={"name": st.text(max_size=10)},
)


def _paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*at, index))
    return found


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    block = draw(WELL_FORMED)
    path = draw(st.sampled_from(_paths(block)))
    if not path:
        return draw(JSON)
    parent = block
    for step in path[:-1]:
        parent = parent[step]
    if draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(JSON)
    return block


BLOCKS = st.one_of(WELL_FORMED, mutated(), JSON)


@settings(
    max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(BLOCKS, st.one_of(st.none(), SCHEMAS), st.booleans())
def test_engine_never_raises_and_locates_every_finding(
    block: Any, result_schema: Any, flow: bool
) -> None:
    step: dict[str, Any] = {"name": "composed", "handler": {"callable": "grammar:composed"}}
    if result_schema is not None:
        step["result_schema"] = result_schema
    step["composition"] = block
    template = {"name": "prop", "namespace_name": "test", "version": "1.0.0", "steps": [step]}
    text = yaml.safe_dump(template, default_flow_style=flow, allow_unicode=True, sort_keys=False)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory, "template.yaml")
        path.write_text(text, encoding="utf-8")
        result = lint_file(path, LintOptions(handler_check=False))
    lines = text.split("\n")
    for diagnostic in result.diagnostics:
        line, column = diagnostic.location.line, diagnostic.location.column
        assert line is not None and column is not None, diagnostic
        assert 1 <= line <= len(lines), diagnostic
        assert 1 <= column <= len(lines[line - 1]) + 1, diagnostic
        if diagnostic.rule_id.startswith("COMPOSITION_"):
            assert diagnostic.pointer.startswith("/steps/0/"), diagnostic


@settings(max_examples=400, deadline=None, derandomize=True)
@given(BLOCKS, st.one_of(st.none(), JSON))
def test_check_step_never_raises(block: Any, result_schema: Any) -> None:
    for problem in check_step(block, "/steps/0/composition", result_schema):
        assert problem.pointer.startswith("/steps/0/")
        assert problem.message
