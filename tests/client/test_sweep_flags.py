"""JSON given on the command line (``task complete-step --result/--metadata``).

Found by the adversarial sweep: a number too large for a double (``1e400``) was
read as infinity and crashed the request encoder (exit 3); ``task create --input``
already refused it with a clear message.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasker_ctl.cli.task_cmd import _json_flag
from tasker_ctl.client.errors import InvalidArgumentError
from tests.client.fake_server import TASK, FakeTasker, clean_env, run_cli

STEP = "0190f3a4-8c1e-7b2a-9d4e-5f6a7b8c9d02"


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--result", "1e400"], "--result is not valid JSON: the number 1e400 does not fit"),
        (
            ["--result", "{}", "--metadata", '{"x": [-1e999]}'],
            "--metadata is not valid JSON: the number -1e999 does not fit",
        ),
    ],
)
def test_a_number_beyond_a_double_is_a_usage_error(
    tmp_path: Path, flags: list[str], message: str
) -> None:
    with FakeTasker() as orch:
        env = clean_env(tmp_path, TASKER_ORCHESTRATION_URL=orch.url)
        run = run_cli(
            ["task", "complete-step", TASK, STEP, "-r", "fixed by hand", *flags],
            cwd=tmp_path,
            env=env,
        )
        sent = len(orch.seen)
    assert run.returncode == 2 and sent == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert message in run.stderr


_number = st.sampled_from(["1e400", "-1e999", "1.5", "-0", "12345678901234567890", "NaN"])
_atom = st.one_of(_number, st.sampled_from(['"s"', "true", "null", '"\\ud800"', "[", "}"]))
_json_like = st.recursive(
    _atom,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(inner, max_size=3).map(
            lambda xs: "{" + ", ".join(f'"k{i}": {x}' for i, x in enumerate(xs)) + "}"
        ),
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=_json_like)
def test_a_json_flag_is_a_body_value_or_a_usage_error(text: str) -> None:
    try:
        value: Any = _json_flag(text, "--result")
    except InvalidArgumentError as exc:
        assert exc.message.startswith("--result is not valid JSON")
        return
    json.dumps(value, allow_nan=False)  # what the request encoder does with it
