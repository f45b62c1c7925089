"""Assertion helpers for runs, with failure messages that say what happened.

Each helper raises ``AssertionError`` whose message names the step, what was
expected, what the run did, and ends with the run's summary (every step's status,
attempts and error). The pytest plugin registers this module for pytest's
assertion rewriting, so the plain ``assert`` statements in it also show their values.

Snapshots: :func:`match_snapshot` compares :meth:`Run.outcome` with a stored JSON
file; a missing file is written (and the assertion fails, so a first run never
passes by accident); ``TASKER_UPDATE_SNAPSHOTS=1`` (or pytest's
``--tasker-update-snapshots``) rewrites files that differ.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tasker_ctl.testing.runs import Run, Step

__all__ = [
    "UPDATE_ENV_VAR",
    "assert_calls",
    "assert_created",
    "assert_not_created",
    "assert_outcome",
    "assert_run_complete",
    "assert_step",
    "assert_waits",
    "match_snapshot",
]

UPDATE_ENV_VAR = "TASKER_UPDATE_SNAPSHOTS"
_UNSET: Any = object()


def _fail(message: str, run: Run) -> AssertionError:
    return AssertionError(f"{message}\n\n{run.summary()}")


def _check_run(run: Any, helper: str) -> None:
    """A wrong argument is a ``TypeError`` that says what to pass, not a crash in here."""
    __tracebackhide__ = True
    if not isinstance(run, Run):
        raise TypeError(
            f"{helper}() takes the Run that run() or tasker.run() returned as its first "
            f"argument, not {type(run).__name__}"
        )


def _check_name(name: Any, helper: str, what: str = "a step name") -> None:
    __tracebackhide__ = True
    if not isinstance(name, str):
        raise TypeError(f"{helper}(): {what} must be a str, not {type(name).__name__}")


def _names(value: Any, helper: str, what: str) -> list[str]:
    """``value`` as a list of step names: a bare string is refused, not split into letters."""
    __tracebackhide__ = True
    if isinstance(value, str) or not isinstance(value, Iterable):
        shown = f"[{value!r}]" if isinstance(value, str) else "['step_a', 'step_b']"
        raise TypeError(
            f"{helper}(): {what} must be a list of step names (e.g. {shown}), "
            f"not {type(value).__name__}"
        )
    names = list(value)
    for name in names:
        _check_name(name, helper, f"each of {what}")
    return names


def _step(run: Run, name: str) -> Step:
    __tracebackhide__ = True
    try:
        return run.step(name)
    except KeyError as exc:
        raise _fail(f"step '{name}': {exc.args[0]}", run) from None


def assert_run_complete(run: Run) -> None:
    """The task completed; otherwise say which steps did not, and why."""
    __tracebackhide__ = True
    _check_run(run, "assert_run_complete")
    if run.complete:
        return
    failed = [s for s in run if s.status != "complete"]
    details = "; ".join(
        f"'{s.name}' is {s.status}"
        + (f" ({s.error.type}: {s.error.message})" if s.error is not None else "")
        for s in failed
    )
    raise _fail(f"task '{run.task}' is {run.status}, expected complete: {details}", run)


def assert_step(
    run: Run,
    name: str,
    *,
    status: str | None = None,
    attempts: int | None = None,
    result: Any = _UNSET,
    error_type: str | None = None,
    error_message: str | None = None,
) -> Step:
    """Step ``name`` exists and has the given status, attempts, result, error; returns it.

    ``error_message`` matches when it is contained in the step's error message.
    """
    __tracebackhide__ = True
    _check_run(run, "assert_step")
    _check_name(name, "assert_step")
    step = _step(run, name)
    problems: list[str] = []
    if status is not None and step.status != status:
        problems.append(f"status is '{step.status}', expected '{status}'")
    if attempts is not None and step.attempts != attempts:
        problems.append(f"attempts is {step.attempts}, expected {attempts}")
    if result is not _UNSET and step.result != result:
        problems.append(f"result is {_show(step.result)}, expected {_show(result)}")
    if error_type is not None or error_message is not None:
        if step.error is None:
            problems.append("has no error")
        else:
            if error_type is not None and step.error.type != error_type:
                problems.append(f"error type is '{step.error.type}', expected '{error_type}'")
            if error_message is not None and error_message not in step.error.message:
                problems.append(
                    f"error message is {step.error.message!r}, expected it to contain "
                    f"{error_message!r}"
                )
    if problems:
        raise _fail(f"step '{name}': " + "; ".join(problems), run)
    return step


def assert_created(run: Run, by: str, expected: Iterable[str]) -> None:
    """Step ``by`` (a decision or batchable step) created exactly ``expected`` (any order)."""
    __tracebackhide__ = True
    _check_run(run, "assert_created")
    _check_name(by, "assert_created", "'by'")
    want = sorted(_names(expected, "assert_created", "'expected'"))
    step = _step(run, by)
    got = sorted(step.created)
    if got != want:
        missing = sorted(set(want) - set(got))
        extra = sorted(set(got) - set(want))
        parts = []
        if missing:
            parts.append(f"did not create {', '.join(missing)}")
        if extra:
            parts.append(f"also created {', '.join(extra)}")
        raise _fail(
            f"step '{by}' created [{', '.join(got)}], expected [{', '.join(want)}]: "
            + "; ".join(parts),
            run,
        )


def assert_not_created(run: Run, *names: str) -> None:
    """None of ``names`` was created."""
    __tracebackhide__ = True
    _check_run(run, "assert_not_created")
    for name in names:
        _check_name(name, "assert_not_created", "each name")
    created = [n for n in names if n in run.steps]
    if created:
        raise _fail(
            "expected not to be created, but created: "
            + ", ".join(f"'{n}' (by {run.steps[n].created_by or 'the task'})" for n in created),
            run,
        )


def assert_calls(run: Run, name: str, count: int) -> None:
    """Step ``name``'s handler was called ``count`` times (attempts and checkpoint re-runs)."""
    __tracebackhide__ = True
    _check_run(run, "assert_calls")
    _check_name(name, "assert_calls")
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError(f"assert_calls(): count must be an int, not {type(count).__name__}")
    step = _step(run, name)
    if len(step.calls) != count:
        attempts = ", ".join(str(c.attempt) for c in step.calls) or "none"
        raise _fail(
            f"step '{name}' was called {len(step.calls)} time(s), expected {count} "
            f"(attempts of the calls: {attempts})",
            run,
        )


def assert_waits(run: Run, name: str, expected_ms: Iterable[int]) -> None:
    """The retry waits of step ``name`` were ``expected_ms``."""
    __tracebackhide__ = True
    _check_run(run, "assert_waits")
    _check_name(name, "assert_waits")
    if isinstance(expected_ms, str | bytes) or not isinstance(expected_ms, Iterable):
        raise TypeError(
            f"assert_waits(): expected_ms must be a list of milliseconds (e.g. [2000, 4000]), "
            f"not {type(expected_ms).__name__}"
        )
    want = tuple(expected_ms)
    if not all(isinstance(ms, int) and not isinstance(ms, bool) for ms in want):
        raise TypeError(f"assert_waits(): expected_ms must hold ints, not {list(want)!r}")
    if name not in run.steps and name not in run.not_created:
        _step(run, name)  # a misspelt name would pass with no waits: fail, naming the steps
    got = run.clock.waits_for(name)
    if got != want:
        raise _fail(
            f"step '{name}' waited {_ms(got)} before its retries, expected {_ms(want)}", run
        )


def assert_outcome(run: Run, expected: Mapping[str, Any]) -> None:
    """:meth:`Run.outcome` equals ``expected``; the message is a diff of the two."""
    __tracebackhide__ = True
    _check_run(run, "assert_outcome")
    if not isinstance(expected, Mapping):
        raise TypeError(
            f"assert_outcome(): expected must be a mapping shaped like run.outcome(), "
            f"not {type(expected).__name__}"
        )
    actual = run.outcome()
    if actual != dict(expected):
        raise _fail("the run's outcome differs:\n" + _diff(dict(expected), actual), run)


def match_snapshot(run: Run, path: Path | str, *, update: bool | None = None) -> None:
    """:meth:`Run.outcome` equals the JSON stored at ``path`` (see the module docs)."""
    __tracebackhide__ = True
    _check_run(run, "match_snapshot")
    file = Path(path)
    actual = run.outcome()
    if update is None:
        update = os.environ.get(UPDATE_ENV_VAR, "") not in ("", "0")
    if not file.exists():
        _write_snapshot(file, run.outcome_json())
        raise AssertionError(
            f"snapshot {file} did not exist; it was written now: check it, commit it, "
            f"and run the test again"
        )
    try:
        stored = json.loads(file.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise AssertionError(f"snapshot {file} is not valid JSON ({exc})") from None
    except OSError as exc:
        raise AssertionError(f"snapshot {file} cannot be read: {exc.strerror or exc}") from None
    if stored == actual:
        return
    if update:
        _write_snapshot(file, run.outcome_json())
        return
    raise _fail(
        f"the run's outcome differs from snapshot {file} (set {UPDATE_ENV_VAR}=1 to "
        f"update it):\n" + _diff(stored, actual),
        run,
    )


def _write_snapshot(file: Path, text: str) -> None:
    """Write all or nothing (a temporary sibling renamed over ``file``).

    An interrupted test, or two xdist workers writing one snapshot, never leave half a
    file that the next run reports as invalid JSON.
    """
    __tracebackhide__ = True
    import tempfile

    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{file.name}.", suffix=".tmp", dir=file.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            Path(tmp).chmod(0o644)  # as write_text would make it (mkstemp's is 0600)
            Path(tmp).replace(file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise AssertionError(f"snapshot {file} cannot be written: {exc.strerror or exc}") from None


def _diff(expected: Any, actual: Any) -> str:
    def lines(value: Any) -> list[str]:
        return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).splitlines()

    return "\n".join(
        difflib.unified_diff(lines(expected), lines(actual), "expected", "actual", lineterm="", n=2)
    )


def _show(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=repr)
    return text if len(text) <= 300 else text[:297] + "..."


def _ms(values: tuple[int, ...]) -> str:
    return "[" + ", ".join(f"{v} ms" for v in values) + "]"
