"""Hostile schemas through every language's own toolchain at once (adversarial sweep).

``test_properties.py`` checks the Python models with ruff and by validating
instances. This fuzz draws property names that are keywords or reserved in some
target (``class``, ``end``, ``fn``, ``self``, ``__proto__``, ``model_config``), collide
once converted (``user_id``/``userId``), are long enough to sit at the line-width
limits, empty or not ASCII; values and descriptions full of quotes, ``#{}`` and
``*/``; and every schema shape ``generate types`` reads. Each example is a batch
of root types in one module per language, checked by ruff (lint and format),
``mypy --strict``, ``tsc --strict`` against the real zod, ``ruby -wc`` and
``rustfmt --check``: the fuzz that found the ruff-format layout bug.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tasker_ctl.codegen import render
from tasker_ctl.codegen.schema import SchemaBuilder
from tests.conftest import ROOT

TOOLS = ROOT / ".tools" / "node_modules"
HOSTILE = [
    "class", "type", "self", "end", "fn", "async", "def", "nil", "None", "true", "yield",
    "super", "crate", "Self", "user_id", "userId", "UserID", "", "2fa", "名前", "a b", "a-b",
    "__proto__", "constructor", "toString", "model_config", "model_dump", "schema", "KEYS",
    "attributes", "to_h", "hash", "str", "int", "list", "Any", "Field", "z", "Value",
    "estimated_delivery_window_for_international_orders",
    "estimatedDeliveryWindowForInternationalOrdersWithSignature",
]  # fmt: skip
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=10
) | st.sampled_from(["#{x}", "${y}", "*/", '"""', "\\", "'", "a\nb", "{{z}}"])
NAMES = st.sampled_from(HOSTILE) | TEXT
SCALARS = st.lists(
    st.one_of(TEXT, st.integers(-3, 3), st.booleans(), st.none()),
    min_size=1, max_size=3, unique_by=lambda v: (type(v), v),
)  # fmt: skip


def leaf() -> st.SearchStrategy[Any]:
    kinds = st.sampled_from(["string", "integer", "number", "boolean", "null"])
    return st.one_of(
        kinds.map(lambda t: {"type": t}),
        st.lists(kinds, min_size=1, max_size=3).map(lambda ts: {"type": ts}),
        SCALARS.map(lambda values: {"enum": values}),
        TEXT.map(lambda v: {"const": v}),
        st.just({"$ref": "#/$defs/Shared"}),
        st.just({}),
        st.builds(lambda d: {"type": "string", "description": d, "format": d}, TEXT),
    )


def extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        children.map(lambda c: {"type": "array", "items": c}),
        children.map(lambda c: {"type": "object", "additionalProperties": c}),
        st.lists(children, min_size=1, max_size=3).map(lambda cs: {"anyOf": cs}),
        st.builds(
            lambda props, required, closed, nullable: {
                "type": ["object", "null"] if nullable else "object",
                "properties": props,
                "required": [p for p in props if p in required],
                **({"additionalProperties": False} if closed else {}),
            },
            st.dictionaries(NAMES, children, max_size=4),
            st.frozensets(NAMES),
            st.booleans(),
            st.booleans(),
        ),
    )


ROOTS = st.builds(
    lambda props, description: {
        "type": "object",
        "description": description,
        "properties": props,
        "required": list(props)[:2],
        "$defs": {"Shared": {"type": "object", "properties": {"class": {"type": "string"}}}},
    },
    st.dictionaries(NAMES, st.recursive(leaf(), extend, max_leaves=6), min_size=1, max_size=5),
    TEXT,
)


def run(args: list[str], cwd: Path) -> str:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300)
    return "" if result.returncode == 0 else f"{args[:3]}:\n{result.stdout}{result.stderr}"


@pytest.mark.toolchain
@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # shrinking a batch through six tools takes minutes
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(ROOTS, min_size=12, max_size=12))
def test_every_language_passes_its_toolchain(roots: list[dict[str, Any]]) -> None:
    missing = [t for t in ("node", "ruby", "rustfmt") if shutil.which(t) is None]
    if missing or not (TOOLS / "zod").exists():
        pytest.skip(f"needs node, ruby, rustfmt and .tools/node_modules: missing {missing}")
    builder = SchemaBuilder()
    for i, schema in enumerate(roots):
        builder.add_root(f"Fuzz{i}Result", schema, ("steps", i, "result_schema"))
    import tempfile

    with tempfile.TemporaryDirectory() as temp:
        out = Path(temp)
        for language, name in (("python", "models.py"), ("typescript", "models.ts"),
                               ("ruby", "models.rb"), ("rust", "models.rs")):  # fmt: skip
            (out / name).write_text(render(builder.module, language), encoding="utf-8")
        (out / "node_modules").symlink_to(TOOLS)
        tsc = [
            "node", str(TOOLS / "typescript" / "bin" / "tsc"), "--strict", "--noEmit",
            "--skipLibCheck", "--target", "es2020", "--module", "nodenext",
            "--moduleResolution", "nodenext", "models.ts",
        ]  # fmt: skip
        problems = [
            run([sys.executable, "-m", "ruff", "check", "--isolated", "models.py"], out),
            run(
                [sys.executable, "-m", "ruff", "format", "--isolated", "--check", "models.py"], out
            ),
            run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "models.py"], out),
            run(tsc, out),
            run(["ruby", "-wc", "models.rb"], out),
            run(["rustfmt", "--check", "--edition", "2021", "models.rs"], out),
        ]
        found = [p for p in problems if p]
        assert not found, "\n".join(found) + "\nschemas: " + json.dumps(roots)[:3000]
