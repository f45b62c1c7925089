"""Failures the orchestrator makes up have the shape the worker would have submitted."""

from __future__ import annotations

import uuid

import pytest

from tasker_ctl.executor.entries import failure_entry

pytestmark = pytest.mark.sdk


@pytest.mark.parametrize("retryable", [True, False])
def test_a_made_up_failure_is_what_the_sdk_would_persist(retryable: bool) -> None:
    pytest.importorskip("tasker_core")
    from tasker_ctl.executor.invoke import Invoker
    from tasker_ctl.executor.persist import complete
    from tasker_ctl.executor.sdk import load_sdk

    sdk = load_sdk()
    invoker = Invoker(sdk, sdk.HandlerRegistry())
    step = uuid.uuid4()
    result = sdk.failure("handler did not finish", "timeout", retryable=retryable)
    through_sdk = complete(invoker, None, result, (step, uuid.uuid4(), uuid.uuid4())).entry
    made_up = failure_entry(str(step), "handler did not finish", "timeout", retryable=retryable)
    for entry in (through_sdk, made_up):
        assert entry["metadata"].pop("completed_at")  # a timestamp: when each was made
    assert made_up == through_sdk
