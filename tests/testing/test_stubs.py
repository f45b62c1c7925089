"""Stubs as data: construction, validation, and their JSON form read back by the worker."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasker_ctl.testing import call, checkpoint, failure, result, sequence
from tasker_ctl.testing.stubs import Failure, Function, Result, Stub, to_stub

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
OBJECTS = st.dictionaries(st.text(max_size=6), JSON, max_size=4)

FIXED = st.one_of(
    OBJECTS.map(result),
    st.builds(
        failure,
        st.text(max_size=20),
        retryable=st.booleans(),
        retry_after=st.none() | st.integers(0, 10**6) | st.floats(0, 1e6, allow_nan=False),
        error_type=st.text(min_size=1, max_size=10),
    ),
    st.builds(checkpoint, JSON, st.integers(0, 10**9), st.none() | OBJECTS),
)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(FIXED)
def test_a_fixed_stub_survives_the_trip_to_the_worker(stub: Stub) -> None:
    from tasker_ctl.testing._worker import _outcome

    spec = json.loads(json.dumps(stub.spec(), allow_nan=False))  # through the protocol
    assert _outcome(spec) == stub


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.lists(FIXED, min_size=1, max_size=4))
def test_a_sequence_keeps_its_outcomes_in_order(outcomes: list[Stub]) -> None:
    from tasker_ctl.testing._worker import _outcome

    spec = json.loads(json.dumps(sequence(*outcomes).spec()))
    assert spec["kind"] == "sequence"
    assert [_outcome(s) for s in spec["outcomes"]] == outcomes


@settings(max_examples=100, deadline=None, derandomize=True)
@given(OBJECTS)
def test_a_mapping_is_a_result(value: dict[str, Any]) -> None:
    assert to_stub(value) == Result(value)


def test_result_takes_a_mapping_or_keywords() -> None:
    assert result({"a": 1}) == result(a=1) == Result({"a": 1})
    assert result() == Result({})


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: result({"when": object()}), "a stub result must be JSON data"),
        (lambda: result({"x": float("nan")}), "a stub result must be JSON data"),
        (lambda: failure("x", retry_after=-1), "retry_after must be a number of seconds >= 0"),
        (lambda: failure("x", retry_after=float("inf")), "retry_after must be a number"),
        (lambda: failure("x", retry_after=True), "retry_after must be a number"),
        (lambda: checkpoint(1, True), "items_processed must be an int"),
        (lambda: checkpoint(object(), 1), "a checkpoint cursor must be JSON data"),
        (lambda: sequence(), "a sequence needs at least one outcome"),
        (lambda: call("no_colon"), "must look like 'package.module:function'"),
        (lambda: call(lambda c: {}), "<lambda> cannot be imported by the handler worker"),
        (lambda: to_stub(42), "a stub must be a mapping"),  # type: ignore[arg-type]
    ],
)
def test_bad_stubs_are_refused_with_a_sentence(make: Any, message: str) -> None:
    with pytest.raises((TypeError, ValueError), match=re.escape(message)):
        make()


def test_a_nested_function_cannot_travel() -> None:
    def inner(context: Any) -> Any:
        return {}

    with pytest.raises(ValueError, match=re.escape("cannot_travel.<locals>.inner cannot be")):
        call(inner)


def test_a_module_function_travels_by_reference_with_its_import_root() -> None:
    from tests.testing import stubfns

    stub = call(stubfns.charge_half)
    assert stub == Function("tests.testing.stubfns:charge_half", stub.path)
    assert stub.path is not None
    assert (Path(stub.path) / "tests" / "testing" / "stubfns.py").is_file()


def test_failure_defaults_are_a_retryable_handler_error() -> None:
    assert failure("x") == Failure("x", True, None, "handler_error")
