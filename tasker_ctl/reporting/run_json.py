"""The version-1 JSON report of ``tasker-ctl run --format json`` (product.md).

Exactly these keys: ``version``, ``task`` (name, namespace, version, status),
``steps`` (name, type, status, attempts, checkpoint_yields, result, error,
created_by, backoff_ms), ``not_created``, ``warnings`` (code, message, step)
and ``timing`` (wall_ms, virtual_ms). A failed step's ``error`` is
``{message, error_type, retryable, location, exception_type, source_line,
traceback}`` (the last three were added later, without a version change: readers
of version 1 ignore keys they do not know; each is ``null`` when unknown).
"""

from __future__ import annotations

import json
from typing import IO, Any

from tasker_ctl.executor import RunResult, StepFailure, StepReport

REPORT_VERSION = 1


def _error(failure: StepFailure | None) -> dict[str, Any] | None:
    if failure is None:
        return None
    return {
        "message": failure.message,
        "error_type": failure.error_type,
        "retryable": failure.retryable,
        "location": failure.location,
        "exception_type": failure.exception_type,
        "source_line": failure.source_line,
        "traceback": failure.traceback,
    }


def _step(step: StepReport) -> dict[str, Any]:
    return {
        "name": step.name,
        "type": step.type,
        "status": str(step.status),
        "attempts": step.attempts,
        "checkpoint_yields": step.checkpoint_yields,
        "result": step.result,
        "error": _error(step.error),
        "created_by": step.created_by,
        "backoff_ms": list(step.backoff_ms),
    }


def run_report(result: RunResult, *, with_steps: bool = True) -> dict[str, Any]:
    """The report as plain JSON-ready data."""
    return {
        "version": REPORT_VERSION,
        "task": {
            "name": result.task_name,
            "namespace": result.namespace,
            "version": result.version,
            "status": str(result.status),
        },
        "steps": [_step(step) for step in result.steps] if with_steps else [],
        "not_created": list(result.not_created),
        "warnings": [
            {"code": str(w.code), "message": w.message, "step": w.step} for w in result.warnings
        ],
        "timing": {
            "wall_ms": round(result.wall_ms, 1),
            "virtual_ms": round(result.virtual_ms),
        },
    }


def render_run_json(result: RunResult) -> str:
    """The report as one JSON document (with a trailing newline)."""
    return json.dumps(run_report(result), indent=2, ensure_ascii=False) + "\n"


_STEPS = "\x00steps\x00"


def write_run_json(result: RunResult, out: IO[str]) -> None:
    """Write :func:`render_run_json`'s text to ``out``, a step at a time.

    The same characters, without holding the whole document (or every step's dict) in
    memory at once: a 10,000-step report is written in constant extra memory.
    """
    report = run_report(result, with_steps=False)
    report["steps"] = _STEPS
    head, tail = json.dumps(report, indent=2, ensure_ascii=False).split(json.dumps(_STEPS))
    out.write(head)
    if not result.steps:
        out.write("[]")
    else:
        out.write("[")
        for index, step in enumerate(result.steps):
            text = json.dumps(_step(step), indent=2, ensure_ascii=False)
            out.write(("\n" if index == 0 else ",\n") + "    " + text.replace("\n", "\n    "))
        out.write("\n  ]")
    out.write(tail + "\n")
