"""Backoff arithmetic and clocks."""

from __future__ import annotations

import time

import pytest

from tasker_ctl.executor.entries import retry_after_seconds
from tasker_ctl.executor.retry import (
    BackoffPolicy,
    RealClock,
    VirtualClock,
)
from tasker_ctl.model import BackoffStrategy, RetryConfiguration


def policy(kind: str, base: int | None = 100, cap: int | None = 10_000) -> BackoffPolicy:
    retry = RetryConfiguration(backoff=kind, backoff_base_ms=base, max_backoff_ms=cap)  # type: ignore[arg-type]
    return BackoffPolicy.from_retry(retry)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("exponential", [200, 400, 800, 1600, 3200]),
        ("linear", [100, 200, 300, 400, 500]),
        ("fibonacci", [100, 100, 200, 300, 500]),
        ("none", [0, 0, 0, 0, 0]),
    ],
)
def test_strategies(kind: str, expected: list[int]) -> None:
    assert [policy(kind).delay_ms(n) for n in range(1, 6)] == expected


def test_cap_applies_to_every_strategy_and_to_retry_after() -> None:
    assert policy("exponential", cap=1000).delay_ms(10) == 1000
    assert policy("linear", cap=1000).delay_ms(50) == 1000
    assert policy("exponential").delay_ms(3, retry_after_s=2.5) == 2500
    assert policy("exponential", cap=1000).delay_ms(1, retry_after_s=60) == 1000
    assert policy("exponential").delay_ms(500) == 10_000


def test_unset_times_use_the_default_block() -> None:
    unset = policy("exponential", base=None, cap=None)
    assert (unset.base_ms, unset.max_ms) == (1000, 30000)
    no_block = BackoffPolicy.from_retry(RetryConfiguration.default_block())
    assert no_block.strategy is BackoffStrategy.EXPONENTIAL
    assert no_block.delay_ms(1) == 2000


def test_retry_after_is_read_from_handler_metadata() -> None:
    assert retry_after_seconds({"retry_after": 3}) == 3.0
    assert retry_after_seconds({"retry_after_seconds": 1.5}) == 1.5
    assert retry_after_seconds({"retry_after": True}) is None
    assert retry_after_seconds({"retry_after": "soon"}) is None
    assert retry_after_seconds({}) is None


def test_virtual_clock_jumps_without_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_sleep(seconds: float) -> None:
        raise AssertionError(f"the virtual clock slept {seconds} s")

    monkeypatch.setattr(time, "sleep", no_sleep)
    clock = VirtualClock()
    clock.wait_until(3_600_000)
    assert clock.now_ms() == clock.waited_ms == 3_600_000
    clock.wait_until(10)
    assert clock.now_ms() == 3_600_000


def test_real_clock_sleeps() -> None:
    clock = RealClock()
    target = clock.now_ms() + 60
    clock.wait_until(target)
    assert clock.now_ms() >= target
    assert clock.waited_ms >= 50
