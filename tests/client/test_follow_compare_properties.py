"""Properties of following a task (``--wait``) and of comparing outcomes (``task compare``).

The follow loop runs against a scripted API and a virtual clock, so any lifecycle
(any sequence of states, any answer time) is checked without sleeping.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasker_ctl.client.api import orchestration_api
from tasker_ctl.client.compare import compare_outcomes, handler_result
from tasker_ctl.client.errors import RemoteError
from tasker_ctl.client.follow import STOP_STATES, follow_task
from tasker_ctl.client.profiles import load_client_profile
from tests.client.fake_server import Reply, tasker

STATES = [
    "pending",
    "initializing",
    "enqueuing_steps",
    "steps_in_process",
    "evaluating_results",
    "waiting_for_dependencies",
    "waiting_for_retry",
    "blocked_by_failures",
    "complete",
    "error",
    "cancelled",
    "resolved_manually",
]


class ScriptedApi:
    """Answers ``get_task`` with the next state of ``states`` (the last repeats)."""

    def __init__(self, states: list[str], clock: list[float], answer_time: float) -> None:
        self.states = states
        self.clock = clock
        self.answer_time = answer_time
        self.gets = 0
        self.step_lists = 0

    def get_task(self, task_uuid: str) -> Any:
        self.clock[0] += self.answer_time
        state = self.states[min(self.gets, len(self.states) - 1)]
        self.gets += 1
        return {"task_uuid": task_uuid, "status": state, "steps": []}

    def list_steps(self, task_uuid: str) -> Any:
        self.step_lists += 1
        return [{"name": "a", "current_state": "complete"}]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    states=st.lists(st.sampled_from(STATES), min_size=1, max_size=40),
    timeout=st.floats(0.0, 120.0),
    answer_time=st.floats(0.0, 3.0),
)
def test_follow_stops_at_the_first_final_state_or_at_the_deadline(
    states: list[str], timeout: float, answer_time: float
) -> None:
    clock = [1000.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        assert seconds >= 0
        sleeps.append(seconds)
        clock[0] += seconds

    api = ScriptedApi(states, clock, answer_time)
    result = follow_task(
        api, "t", timeout=timeout, sleep=sleep, clock=lambda: clock[0], max_delay=5.0
    )
    seen = states[: api.gets]
    assert api.step_lists == 1  # the steps are read once, at the end
    if result.timed_out:
        assert not any(s in STOP_STATES for s in seen)
        # it stopped at the deadline: the last poll started before it
        assert clock[0] >= 1000.0 + timeout
        assert clock[0] <= 1000.0 + timeout + answer_time + 1e-6
    else:
        assert result.status in STOP_STATES
        assert seen.index(result.status) == len(seen) - 1  # the first final state ends it
    assert all(0 <= s <= 5.0 for s in sleeps)  # never longer than the cap
    done = result.status in ("complete", "resolved_manually")
    assert result.succeeded == (not result.timed_out and done)


def test_backoff_grows_while_nothing_changes_and_restarts_on_a_change() -> None:
    clock = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(round(seconds, 3))
        clock[0] += seconds

    states = ["pending"] * 6 + ["steps_in_process", "steps_in_process", "complete"]
    follow_task(
        ScriptedApi(states, clock, 0.0),
        "t",
        timeout=600,
        sleep=sleep,
        clock=lambda: clock[0],
        first={"task_uuid": "t", "status": "pending", "steps": []},
    )
    assert sleeps[:6] == [0.25, 0.4, 0.64, 1.024, 1.638, 2.621]
    assert sleeps[6] == 4.194  # still pending: the delay keeps growing ...
    assert sleeps[7] == 0.25  # ... and starts short again after the change


# --- compare -----------------------------------------------------------------------------

_results = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=8,
)


@st.composite
def _runs(draw: st.DrawFn) -> list[dict[str, Any]]:
    names = draw(
        st.lists(st.from_regex(r"[a-z]{1,6}", fullmatch=True), min_size=1, max_size=6, unique=True)
    )
    return [
        {
            "name": name,
            "status": draw(st.sampled_from(["complete", "error", "pending"])),
            "attempts": draw(st.integers(0, 5)),
            "result": draw(_results),
        }
        for name in names
    ]


def _as_cluster(local: list[dict[str, Any]], status: str) -> tuple[dict[str, Any], list[Any]]:
    task = {"namespace": "ns", "name": "t", "version": "1", "status": status}
    steps = [
        {
            "name": s["name"],
            "current_state": s["status"],
            "attempts": s["attempts"],
            "results": {"success": True, "result": s["result"], "metadata": {"ms": 3}},
        }
        for s in local
    ]
    return task, steps


def _compare(local: list[dict[str, Any]], task: dict[str, Any], steps: list[Any]) -> Any:
    return compare_outcomes(
        task_uuid="u",
        template=("ns", "t", "1"),
        local_status="complete",
        local_steps=local,
        cluster_task=task,
        cluster_steps=steps,
    )


@settings(max_examples=100, deadline=None, derandomize=True)
@given(_runs())
def test_a_cluster_that_did_what_was_predicted_agrees(local: list[dict[str, Any]]) -> None:
    task, steps = _as_cluster(local, "complete")
    comparison = _compare(local, task, steps)
    assert comparison.agree and comparison.difference_count == 0
    assert [s.name for s in comparison.steps] == [s["name"] for s in local]


@settings(max_examples=100, deadline=None, derandomize=True)
@given(_runs(), st.data())
def test_each_change_on_the_cluster_is_reported_once_on_its_step(
    local: list[dict[str, Any]], data: st.DataObject
) -> None:
    task, steps = _as_cluster(local, "complete")
    index = data.draw(st.integers(0, len(local) - 1))
    what = data.draw(st.sampled_from(["attempts", "missing", "extra", "status"]))
    changed = copy.deepcopy(steps)
    name = local[index]["name"]
    if what == "attempts":
        changed[index]["attempts"] += 1
    elif what == "status":
        changed[index]["current_state"] = (
            "error" if local[index]["status"] != "error" else "complete"
        )
    elif what == "missing":
        del changed[index]
    else:
        name = "zz_extra_step"
        changed.append({"name": name, "current_state": "complete", "attempts": 1, "results": {}})
    comparison = _compare(local, task, changed)
    differing = [s for s in comparison.steps if s.differences]
    assert [s.name for s in differing] == [name]
    fields = [d.field for d in differing[0].differences]
    expected = {
        "attempts": "attempts",
        "status": "status",
        "missing": "created",
        "extra": "created",
    }
    assert fields[0] == expected[what]
    assert not comparison.agree


@pytest.mark.parametrize(
    ("local", "cluster", "differs"),
    [
        ("blocked_by_failures", "error", False),  # the finalizer's GiveUp
        ("blocked_by_failures", "blocked_by_failures", False),
        ("complete", "error", True),
        ("blocked_by_failures", "complete", True),
        ("error", "cancelled", True),
    ],
)
def test_task_outcomes_blocked_and_error_are_one(local: str, cluster: str, differs: bool) -> None:
    comparison = compare_outcomes(
        task_uuid="u",
        template=("ns", "t", "1"),
        local_status=local,
        local_steps=[],
        cluster_task={"namespace": "ns", "name": "t", "version": "1", "status": cluster},
        cluster_steps=[],
    )
    assert (not comparison.agree) == differs


@pytest.mark.parametrize(
    ("stored", "value"),
    [
        ({"success": True, "result": {"a": 1}, "metadata": {}}, {"a": 1}),
        ({"a": 1}, {"a": 1}),
        (None, None),
        ([1, 2], [1, 2]),
    ],
)
def test_handler_result_unwraps_the_execution_result(stored: Any, value: Any) -> None:
    assert handler_result(stored) == value


# --- no secret in exception messages -----------------------------------------------------

SECRET = "tk-live-0b5e7c1d9a3f8e26"


def test_a_follow_that_fails_raises_an_error_without_the_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    echo = {"error": f"token {SECRET} expired", "auth": f"Bearer {SECRET}"}
    with tasker() as (orch, _worker):
        orch.reply("GET", "/v1/tasks/abc", Reply(401, echo, headers={"X-Token": SECRET}))
        monkeypatch.setenv("TASKER_ORCHESTRATION_URL", orch.url)
        monkeypatch.setenv("TASKER_AUTH_TOKEN", SECRET)
        api = orchestration_api(load_client_profile(None))
        try:
            with pytest.raises(RemoteError) as caught:
                follow_task(api, "abc", timeout=5, sleep=lambda s: None)
        finally:
            api.close()
    error = caught.value
    assert "401" in str(error)
    for text in (str(error), repr(error), str(error.hint), error.url, repr(error.args)):
        assert SECRET not in text


# --- the views render whatever the server sends ------------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=12,
)
_task_like = st.fixed_dictionaries(
    {},
    optional={
        "task_uuid": _json,
        "status": _json | st.sampled_from(STATES),
        "name": _json,
        "namespace": _json,
        "version": _json,
        "completed_steps": _json,
        "total_steps": _json,
        "steps": st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "name": _json | st.just("[/x]\x1b[2J"),
                    "current_state": _json,
                    "attempts": _json,
                    "max_attempts": _json,
                },
            )
            | _json,
            max_size=4,
        )
        | _json,
    },
)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(st.lists(_task_like, min_size=1, max_size=4), st.lists(_json, max_size=3), st.booleans())
def test_the_wait_view_renders_any_answer(
    tasks: list[dict[str, Any]], steps: list[Any], timed_out: bool
) -> None:
    import io

    from rich.console import Console

    from tasker_ctl.client.follow import FollowResult
    from tasker_ctl.reporting.task_follow import FollowView, print_follow_outcome

    out = io.StringIO()
    console = Console(file=out, width=100, color_system=None)
    view = FollowView(console, live=False)
    for task in tasks:
        view.on_poll(task)
    live = Console(file=io.StringIO(), width=100, force_terminal=True)
    with FollowView(live, live=True) as shown:
        for task in tasks:
            shown.on_poll(task)
            live.print(shown._live.renderable if shown._live else "")
    print_follow_outcome(console, FollowResult(tasks[-1], steps, timed_out, len(tasks)), 1.0)
    text = out.getvalue()
    assert "\x1b" not in text  # data never moves the cursor
    assert text.strip()
