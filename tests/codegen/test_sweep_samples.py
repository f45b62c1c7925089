"""Schema-shaped samples for constraints nobody here chose (adversarial sweep).

``generate scaffold`` builds one sample value per schema. A ``minItems``,
``minLength``, ``minProperties`` or a pattern's repeat count in the millions
made it build gigabytes (or run until killed); ``minimum: .inf`` crashed it
(exit 3). Now a sample stays small, the scaffold is written, and a warning
names the constraint the placeholder may not meet.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasker_ctl.codegen.sample import sample

ENV = {**os.environ, "NO_COLOR": "1", "RUST_LOG": "off"}


def scaffold(tmp_path: Path, body: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "task.yaml"
    path.write_text(
        "name: samples\nnamespace_name: sp\nversion: 1.0.0\nsteps:\n  - name: s\n"
        "    handler: {callable: sp.s}\n    result_schema:\n      type: object\n"
        f"      properties:\n        v: {body}\n",
        encoding="utf-8",
    )
    return subprocess.run(
        [sys.executable, "-m", "tasker_ctl", "generate", "scaffold", "-t", str(path), "-l", "py"],
        capture_output=True, text=True, env=ENV, timeout=20, check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("body", "unmet"),
    [
        ("{type: array, minItems: 100000000, items: {type: integer}}", "minItems"),
        ("{type: array, minItems: 2000, items: {type: array, minItems: 2000}}", "minItems"),
        ("{type: string, minLength: 2000000000}", "minLength"),
        ("{type: object, minProperties: 100000000}", "minProperties"),
        ("{type: string, pattern: '^((a{1000}){1000}){1000}$'}", "pattern"),
        ("{type: string, pattern: '(?P<x>a)(?P=x){50000000}'}", "pattern"),
        ("{type: string, pattern: '^a+$', minLength: 2000000000}", "minLength"),
        ("{type: integer, minimum: .inf}", None),
        ("{type: number, minimum: 1.0e300, multipleOf: 1.0e-300}", None),
    ],
)
def test_huge_or_infinite_constraints_give_a_small_scaffold(
    tmp_path: Path, body: str, unmet: str | None
) -> None:
    result = scaffold(tmp_path, body)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout) < 300_000
    warnings = result.stderr.splitlines()
    if unmet is None:
        assert warnings == []
    else:
        assert 1 <= len(warnings) <= 2, warnings  # minLength may leave the pattern unmet too
        expected = f"the sample for steps.s.result_schema.v may not meet its {unmet}"
        assert any(expected in w for w in warnings), warnings


SIZES = st.integers(min_value=0, max_value=10**12)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(items=SIZES, length=SIZES, properties=SIZES, repeat=SIZES, depth=st.integers(1, 5))
def test_a_sample_stays_small_whatever_the_sizes(
    items: int, length: int, properties: int, repeat: int, depth: int
) -> None:
    schema: dict[str, object] = {
        "type": "object",
        "minProperties": properties,
        "properties": {
            "s": {"type": "string", "minLength": length},
            "p": {"type": "string", "pattern": f"^(ab{{{repeat}}})+$"},
        },
    }
    for _ in range(depth):
        schema = {"type": "array", "minItems": items, "items": schema}
    drawn = sample(schema)
    assert len(repr(drawn.value)) < 2_000_000


def test_a_repeat_count_re_cannot_compile_is_an_unmet_pattern() -> None:
    # (validate's own schema check still crashes on it: reported, not ours to fix)
    drawn = sample({"type": "string", "pattern": "^a{99999999999}$"})
    assert drawn.value == "example" and drawn.unmet == ["$ (pattern)"]
