"""``task compare``: what the cluster did with a task against what a local run predicts.

The inputs are plain data: the local run's steps (``run --format json``'s ``steps``:
name, status, attempts, result) and the steps it never created, and the cluster's
``TaskResponse`` and ``StepResponse`` list. Steps are matched by name. For each step
the comparison notes where the two disagree:

- ``created``: the step exists on one side only (a decision or a batch that went
  another way, a step the deployed template has and the local one does not);
- ``status``: the final state (``complete``, ``error``, ...);
- ``attempts``: how many times the handler ran;
- ``result``: the handler's result, compared only when both sides completed the
  step. The cluster stores the full execution result (``success``, ``result``,
  ``metadata``, ...); its ``result`` is what is compared, as that is what the
  handler returned (metadata holds timings and worker ids that always differ).

At the task level: the final state, and the template (namespace/name/version) the
cluster task was created from against the one run locally. ``blocked_by_failures``
and ``error`` are one outcome here: a local run stops blocked by a failed step, and
on the cluster the finalizer moves such a task on to ``error`` (``GiveUp``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Comparison",
    "Difference",
    "StepComparison",
    "StepOutcome",
    "compare_outcomes",
    "handler_result",
]


@dataclass(frozen=True)
class StepOutcome:
    """One side's view of a step."""

    status: str
    attempts: int | None
    result: Any


@dataclass(frozen=True)
class Difference:
    """One field on which the local prediction and the cluster disagree."""

    field: str
    local: Any
    cluster: Any

    def to_json(self) -> dict[str, Any]:
        """The difference as a JSON object."""
        return {"field": self.field, "local": self.local, "cluster": self.cluster}


@dataclass(frozen=True)
class StepComparison:
    """A step as predicted locally and as it ended on the cluster (``None``: not created)."""

    name: str
    local: StepOutcome | None
    cluster: StepOutcome | None
    differences: tuple[Difference, ...]

    def to_json(self) -> dict[str, Any]:
        """The step's comparison as a JSON object."""

        def side(outcome: StepOutcome | None) -> dict[str, Any] | None:
            if outcome is None:
                return None
            return {
                "status": outcome.status,
                "attempts": outcome.attempts,
                "result": outcome.result,
            }

        return {
            "name": self.name,
            "agree": not self.differences,
            "local": side(self.local),
            "cluster": side(self.cluster),
            "differences": [d.to_json() for d in self.differences],
        }


@dataclass(frozen=True)
class Comparison:
    """The whole comparison; :attr:`agree` decides the exit code."""

    task_uuid: str
    task: tuple[Difference, ...]
    local_status: str
    cluster_status: str
    steps: tuple[StepComparison, ...]
    cluster_final: bool
    notes: tuple[str, ...] = field(default=())

    @property
    def agree(self) -> bool:
        """True when nothing differs, at the task level or in any step."""
        return not self.task and all(not s.differences for s in self.steps)

    @property
    def difference_count(self) -> int:
        """How many fields differ, over the task and all steps."""
        return len(self.task) + sum(len(s.differences) for s in self.steps)

    def to_json(self) -> dict[str, Any]:
        """The report of ``task compare --format json``."""
        return {
            "task_uuid": self.task_uuid,
            "agree": self.agree,
            "differences": self.difference_count,
            "task": {
                "local_status": self.local_status,
                "cluster_status": self.cluster_status,
                "cluster_final": self.cluster_final,
                "differences": [d.to_json() for d in self.task],
            },
            "steps": [s.to_json() for s in self.steps],
            "notes": list(self.notes),
        }


def handler_result(stored: Any) -> Any:
    """The handler's own result out of what the cluster stored for a step.

    Workers store the full execution result (``{"success": ..., "result": ...,
    "metadata": ...}``); anything else is taken as it is.
    """
    if isinstance(stored, Mapping) and "success" in stored and "result" in stored:
        return stored["result"]
    return stored


def _normal(value: Any) -> Any:
    """``value`` as JSON would carry it (tuples are lists, NaN is null, keys are strings)."""

    def finite(obj: Any) -> Any:
        if isinstance(obj, float) and not math.isfinite(obj):
            return None
        if isinstance(obj, dict):
            return {str(k): finite(v) for k, v in obj.items()}
        if isinstance(obj, list | tuple):
            return [finite(v) for v in obj]
        return obj

    try:
        return json.loads(json.dumps(finite(value), default=str))
    except (TypeError, ValueError, RecursionError):
        return repr(value)


def _outcome(task_status: str) -> str:
    """The task's outcome: blocked by failures ends in ``error`` (``GiveUp``)."""
    return "error" if task_status == "blocked_by_failures" else task_status


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _local(steps: Iterable[Mapping[str, Any]]) -> dict[str, StepOutcome]:
    found: dict[str, StepOutcome] = {}
    for step in steps:
        name = str(step.get("name", ""))
        found.setdefault(
            name,
            StepOutcome(
                str(step.get("status", "")),
                _int_or_none(step.get("attempts")),
                _normal(step.get("result")),
            ),
        )
    return found


def _cluster(steps: Iterable[Any]) -> dict[str, StepOutcome]:
    found: dict[str, StepOutcome] = {}
    for step in steps:
        if not isinstance(step, Mapping):
            continue
        name = str(step.get("name", ""))
        found.setdefault(
            name,
            StepOutcome(
                str(step.get("current_state", "")),
                _int_or_none(step.get("attempts")),
                _normal(handler_result(step.get("results"))),
            ),
        )
    return found


def _step_differences(local: StepOutcome | None, cluster: StepOutcome | None) -> list[Difference]:
    if local is None or cluster is None:
        return [Difference("created", local is not None, cluster is not None)]
    found = []
    if local.status != cluster.status:
        found.append(Difference("status", local.status, cluster.status))
    if local.attempts != cluster.attempts:
        found.append(Difference("attempts", local.attempts, cluster.attempts))
    if local.status == cluster.status == "complete" and local.result != cluster.result:
        found.append(Difference("result", local.result, cluster.result))
    return found


def compare_outcomes(
    *,
    task_uuid: str,
    template: tuple[str, str, str],
    local_status: str,
    local_steps: Iterable[Mapping[str, Any]],
    cluster_task: Mapping[str, Any],
    cluster_steps: Iterable[Any],
    final_states: Iterable[str] = ("complete", "error", "cancelled", "resolved_manually"),
) -> Comparison:
    """Compare a local run (``template`` = namespace, name, version) with the cluster's task."""
    local = _local(local_steps)
    cluster = _cluster(cluster_steps)
    cluster_status = str(cluster_task.get("status", ""))
    task: list[Difference] = []
    deployed = (
        str(cluster_task.get("namespace", "")),
        str(cluster_task.get("name", "")),
        str(cluster_task.get("version", "")),
    )
    if deployed != template:
        task.append(Difference("template", "/".join(template), "/".join(deployed)))
    if _outcome(local_status) != _outcome(cluster_status):
        task.append(Difference("status", local_status, cluster_status))
    names = list(local) + [n for n in cluster if n not in local]
    steps = tuple(
        StepComparison(
            name,
            local.get(name),
            cluster.get(name),
            tuple(_step_differences(local.get(name), cluster.get(name))),
        )
        for name in names
    )
    final = cluster_status in set(final_states)
    notes = (
        ()
        if final
        else (
            f"the task is still {cluster_status or 'not final'} on the cluster: "
            "it is compared as it stands",
        )
    )
    return Comparison(task_uuid, tuple(task), local_status, cluster_status, steps, final, notes)
