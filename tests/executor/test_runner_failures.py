"""Failures: retry decisions, classification, backoff, timeouts, bad results, Ctrl-C."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tasker_ctl.executor import StepState, TaskState, WarningCode
from tests.executor.conftest import STYLES, Run, step

pytestmark = pytest.mark.sdk


def codes(result: Any) -> set[str]:
    return {str(w.code) for w in result.warnings}


def test_permanent_failure_blocks_the_task(run: Run, style: str) -> None:
    result = run(
        [
            step("a", style),
            step("bad", style, ("a",), config={"fail": "permanent"}),
            step("sibling", style, ("a",)),
            step("after", style, ("bad", "sibling")),
        ]
    )
    assert result.status is TaskState.BLOCKED_BY_FAILURES and not result.complete
    bad = result.step("bad")
    assert bad.status is StepState.ERROR and bad.attempts == 1
    assert bad.error is not None and bad.error.message == "refused for good"
    assert bad.error.error_type == "rejected" and bad.error.retryable is False
    # the sibling was already enqueued with it, so it still ran; nothing new is scheduled
    assert result.step("sibling").status is StepState.COMPLETE
    assert result.step("after").status is StepState.PENDING


def test_retries_exhaust_max_attempts(run: Run, style: str) -> None:
    result = run(
        [
            step(
                "flaky",
                style,
                config={"fail": "retryable"},
                retry={"max_attempts": 4, "backoff": "linear", "backoff_base_ms": 100},
            )
        ]
    )
    flaky = result.step("flaky")
    assert flaky.status is StepState.ERROR and flaky.attempts == 4
    assert flaky.backoff_ms == (100, 200, 300)
    assert result.status is TaskState.BLOCKED_BY_FAILURES
    assert result.virtual_ms == 600
    assert WarningCode.BACKOFF_NOT_APPLIED in codes(result)


def test_virtual_clock_costs_no_wall_time(
    run: Run, style: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_sleeping(seconds: float) -> None:
        raise AssertionError(f"slept {seconds} s")

    monkeypatch.setattr(time, "sleep", no_sleeping)
    result = run(
        [
            step(
                "slow_retry",
                style,
                config={"fail_until": 2},
                retry={"max_attempts": 3, "backoff_base_ms": 60_000, "max_backoff_ms": 600_000},
            )
        ]
    )
    assert result.complete
    assert result.step("slow_retry").backoff_ms == (120_000, 240_000)
    assert result.virtual_ms == 360_000


def test_real_time_sleeps_through_backoff(run: Run, style: str) -> None:
    started = time.perf_counter()
    result = run(
        [
            step(
                "flaky",
                style,
                config={"fail_until": 1},
                retry={"backoff": "linear", "backoff_base_ms": 150},
            )
        ],
        real_time=True,
    )
    assert result.complete
    assert time.perf_counter() - started >= 0.15
    assert result.virtual_ms >= 140


def test_template_retryable_false_with_retryable_failure_is_stuck(run: Run, style: str) -> None:
    result = run([step("trap", style, config={"fail": "retryable"}, retry={"retryable": False})])
    trap = result.step("trap")
    assert trap.status is StepState.WAITING_FOR_RETRY and trap.attempts == 1
    assert result.status is TaskState.WAITING_FOR_DEPENDENCIES
    assert WarningCode.RETRY_STUCK in codes(result)


@pytest.mark.parametrize(
    ("style_name", "attempts", "warned"), [("dsl", 1, False), ("cls", 3, True)]
)
def test_raised_permanent_error_differs_by_style(
    run: Run, style_name: str, attempts: int, warned: bool
) -> None:
    result = run([step("strict", STYLES[style_name], config={"fail": "raise_permanent"})])
    strict = result.step("strict")
    assert strict.status is StepState.ERROR and strict.attempts == attempts
    assert strict.error is not None and "bad input, do not retry" in strict.error.message
    assert (WarningCode.PERMANENT_ERROR_RETRIED in codes(result)) is warned
    if style_name == "cls":
        assert strict.error.error_type == "PermanentError" and strict.error.retryable
        assert strict.error.location is not None and "behaviour.py" in strict.error.location
    else:
        assert strict.error.error_type == "permanent_error" and not strict.error.retryable


def test_unexpected_exception_is_retryable_with_location(run: Run, style: str) -> None:
    result = run([step("boom", style, config={"fail": "raise_value"}, retry={"max_attempts": 2})])
    boom = result.step("boom")
    assert boom.attempts == 2 and boom.status is StepState.ERROR
    assert boom.error is not None and boom.error.retryable
    assert boom.error.message == "something unexpected"
    assert boom.error.location is not None
    assert "fixtures/run/runfx/behaviour.py" in boom.error.location
    assert "in behave" in boom.error.location


def test_retry_after_is_recorded_and_flagged(run: Run, style: str) -> None:
    result = run(
        [
            step(
                "busy",
                style,
                config={"fail": "raise_retryable", "retry_after": 7},
                retry={"max_attempts": 2},
            )
        ]
    )
    busy = result.step("busy")
    if style == STYLES["dsl"]:
        assert busy.backoff_ms == (7000,)
        assert WarningCode.RETRY_AFTER_DROPPED in codes(result)
    else:  # class handlers lose the exception's metadata: the subscriber only keeps a traceback
        assert busy.backoff_ms == (2000,)


def test_unknown_callable_is_a_permanent_handler_not_found(run: Run) -> None:
    result = run([step("ghost", "runfx.nowhere.Missing")])
    ghost = result.step("ghost")
    assert ghost.status is StepState.ERROR and ghost.attempts == 1
    assert ghost.error is not None
    assert ghost.error.error_type == "handler_not_found"
    assert ghost.error.message == "Handler not found: runfx.nowhere.Missing"


def test_result_that_json_cannot_hold_fails_permanently(run: Run, style: str) -> None:
    result = run([step("odd", style, config={"fail": "non_json"})])
    odd = result.step("odd")
    assert odd.status is StepState.ERROR and odd.attempts == 1
    assert odd.error is not None and odd.error.error_type == "FFI_SERIALIZATION_ERROR"
    assert "Unable to serialize unknown type" in odd.error.message
    assert WarningCode.RESULT_NOT_JSON in codes(result)


def test_converted_values_reach_later_steps_as_json(
    run: Run, style: str, seen: list[dict[str, Any]]
) -> None:
    result = run(
        [step("dated", style, config={"fail": "datetime"}), step("next", style, ("dated",))]
    )
    assert result.complete
    assert result.step("dated").result["when"] == "2025-01-02T03:04:05"
    assert seen[-1]["dependencies"]["dated"]["result"]["when"] == "2025-01-02T03:04:05"
    assert WarningCode.RESULT_CONVERTED in codes(result)


def test_class_handler_returning_a_dict_times_out_like_production(run: Run) -> None:
    result = run(
        [step("raw", STYLES["cls"], config={"fail": "return_dict"}, retry={"max_attempts": 1})]
    )
    raw = result.step("raw")
    assert raw.status is StepState.ERROR
    assert raw.error is not None and raw.error.error_type == "ffi_timeout"
    assert WarningCode.INVALID_HANDLER_RESULT in codes(result)


def test_timeout_seconds_turns_a_hang_into_a_failed_attempt(run_worker: Run, style: str) -> None:
    started = time.perf_counter()
    result = run_worker(
        [
            step(
                "hang",
                style,
                config={"fail": "hang", "hang": 3},
                timeout_seconds=1,
                retry={"max_attempts": 2, "backoff": "none"},
            ),
        ],
        poll_interval_s=0.05,
    )
    elapsed = time.perf_counter() - started
    hang = result.step("hang")
    assert hang.status is StepState.ERROR and hang.attempts == 2
    assert hang.error is not None and hang.error.error_type == "timeout" and hang.error.retryable
    assert "timeout_seconds (1 s)" in hang.error.message
    assert hang.error.location is not None and "behaviour.py" in hang.error.location
    # Each attempt waited its 1-second timeout; neither waited for its 3-second sleep.
    assert elapsed >= 1.9 and hang.handler_ms == 2000
    assert WarningCode.TIMEOUT_NOT_ENFORCED in codes(result)
    # the hung worker was killed, not left running
    assert WarningCode.HANDLER_ABANDONED not in codes(result)


def test_the_ffi_completion_timeout_applies_without_timeout_seconds(run_worker: Run) -> None:
    result = run_worker(
        [
            step(
                "hang", STYLES["dsl"], config={"fail": "hang", "hang": 2}, retry={"max_attempts": 1}
            )
        ],
        ffi_timeout_s=0.3,
        poll_interval_s=0.05,
    )
    hang = result.step("hang")
    assert hang.error is not None and hang.error.error_type == "ffi_timeout"
    assert "FFI completion timeout" in hang.error.message


def test_ctrl_c_stops_the_run_with_a_partial_result(run: Run, style: str) -> None:
    result = run(
        [
            step("first", style),
            step("interrupting", style, ("first",), config={"fail": "interrupt"}),
            step("never", style, ("interrupting",)),
        ]
    )
    assert result.interrupted and not result.complete
    assert result.step("first").status is StepState.COMPLETE
    assert result.step("interrupting").status is StepState.IN_PROGRESS
    assert result.step("never").status is StepState.PENDING
    assert WarningCode.INTERRUPTED in codes(result)


@pytest.mark.parametrize(
    ("fail", "where", "reason"),
    [
        ("huge_int", "result.nested.count", "JSON number out of range"),
        ("surrogate", "result.name", "surrogates not allowed"),
    ],
)
def test_result_rust_cannot_convert_fails_permanently(
    run: Run, style: str, fail: str, where: str, reason: str
) -> None:
    # Python's json accepts these, but the worker's conversion to serde_json rejects them
    result = run([step("odd", style, config={"fail": fail}), step("next", style, ("odd",))])
    odd = result.step("odd")
    assert odd.status is StepState.ERROR and odd.attempts == 1
    assert odd.error is not None and odd.error.error_type == "FFI_SERIALIZATION_ERROR"
    assert not odd.error.retryable
    assert odd.error.message.startswith("FFI serialization failed: Conversion error:")
    assert reason in odd.error.message
    assert result.step("next").status is StepState.PENDING
    warning = next(w for w in result.warnings if w.code is WarningCode.RESULT_NOT_JSON)
    assert f"{where}: " in warning.message


def test_the_ffi_timeout_wins_over_a_longer_timeout_seconds(run_worker: Run) -> None:
    result = run_worker(
        [
            step(
                "slow",
                STYLES["dsl"],
                config={"fail": "hang", "hang": 1.5},
                timeout_seconds=60,
                retry={"max_attempts": 1},
            )
        ],
        ffi_timeout_s=0.3,
        poll_interval_s=0.05,
    )
    slow = result.step("slow")
    # production fails the attempt when the FFI channel gives up, whatever timeout_seconds says
    assert slow.status is StepState.ERROR
    assert slow.error is not None and slow.error.error_type == "ffi_timeout"
    warning = next(w for w in result.warnings if w.code is WarningCode.FFI_TIMEOUT)
    assert "timeout_seconds (60 s) is not enforced" in warning.message


@pytest.mark.parametrize("callable_", ["runfx.dsl.slow_async", "runfx.cls.SlowAsync"])
@pytest.mark.parametrize("concurrency", [1, 2])
def test_a_timed_out_async_handler_is_stopped_and_located(
    run_worker: Run, callable_: str, concurrency: int
) -> None:
    result = run_worker(
        [step("nap", callable_, config={"sleep": 5}, retry={"max_attempts": 1})],
        concurrency=concurrency,
        ffi_timeout_s=0.3,
        poll_interval_s=0.05,
    )
    nap = result.step("nap")
    assert nap.status is StepState.ERROR
    assert nap.error is not None and nap.error.error_type == "ffi_timeout"
    assert nap.error.location is not None
    assert nap.error.location.split(":")[0].endswith(("runfx/dsl.py", "runfx/cls.py"))
    assert "in slow_async" in nap.error.location or "in call" in nap.error.location
    assert WarningCode.HANDLER_ABANDONED not in codes(result)  # its worker was stopped


def test_sys_exit_in_a_handler_is_a_located_retryable_failure(run: Run, style: str) -> None:
    result = run([step("quit", style, config={"fail": "exit"}, retry={"max_attempts": 2})])
    quit_ = result.step("quit")
    assert quit_.status is StepState.ERROR and quit_.attempts == 2
    assert quit_.error is not None and quit_.error.error_type == "SystemExit"
    assert quit_.error.message == "3" and quit_.error.retryable  # its type is error_type
    assert quit_.error.location is not None and "behaviour.py" in quit_.error.location
    warning = next(w for w in result.warnings if w.code is WarningCode.HANDLER_EXITED)
    assert "ends the worker's polling thread" in warning.message


def test_unknown_callable_warning_says_what_was_searched_and_suggests(run: Run) -> None:
    result = run([step("typo", "runfx.dsl.behav")])
    assert result.step("typo").error is not None
    warning = next(w for w in result.warnings if w.code is WarningCode.HANDLER_NOT_FOUND)
    assert warning.step == "typo"
    assert "no handler is registered as 'runfx.dsl.behav'" in warning.message
    assert "in 'runfx' under" in warning.message
    assert "did you mean 'runfx.dsl.behave' or 'runfx.cls.Behave'?" in warning.message


def test_calls_queued_behind_a_hung_call_run_on_the_next_worker(run_worker: Run) -> None:
    # With one worker, ready steps are sent ahead of time; those behind a call that times
    # out were never claimed: they run once, on the replacement worker.
    steps = [
        step("hang", STYLES["dsl"], config={"fail": "hang", "hang": 5}, timeout_seconds=1,
             retry={"max_attempts": 1}),
        *[step(f"quick{i}", STYLES["dsl"]) for i in range(5)],
    ]  # fmt: skip
    result = run_worker(steps, poll_interval_s=0.05)
    assert result.step("hang").status is StepState.ERROR
    for i in range(5):
        quick = result.step(f"quick{i}")
        assert quick.status is StepState.COMPLETE and quick.attempts == 1, quick
