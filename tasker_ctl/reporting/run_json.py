"""The version-1 JSON report of ``tasker-ctl run --format json`` (product.md).

Exactly these keys: ``version``, ``task`` (name, namespace, version, status),
``steps`` (name, type, status, attempts, checkpoint_yields, result, error,
created_by, backoff_ms), ``not_created``, ``warnings`` (code, message, step)
and ``timing`` (wall_ms, virtual_ms). A failed step's ``error`` is
``{message, error_type, retryable, location}``.
"""

from __future__ import annotations

import json
from typing import Any

from tasker_ctl.executor import RunResult, StepFailure

REPORT_VERSION = 1


def _error(failure: StepFailure | None) -> dict[str, Any] | None:
    if failure is None:
        return None
    return {
        "message": failure.message,
        "error_type": failure.error_type,
        "retryable": failure.retryable,
        "location": failure.location,
    }


def run_report(result: RunResult) -> dict[str, Any]:
    """The report as plain JSON-ready data."""
    return {
        "version": REPORT_VERSION,
        "task": {
            "name": result.task_name,
            "namespace": result.namespace,
            "version": result.version,
            "status": str(result.status),
        },
        "steps": [
            {
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
            for step in result.steps
        ],
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
