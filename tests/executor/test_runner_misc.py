"""Schemas, concurrency, parity warnings, handler discovery and the missing SDK."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from tasker_ctl.errors import ContextSchemaError, HandlerPackageError, MissingDependencyError
from tasker_ctl.executor import StepState, WarningCode, open_handlers, run_workflow
from tests.executor.conftest import STYLES, Clocked, Run, step, template
from tests.executor.test_plan import BATCH_CONFIG
from tests.helpers import build_file_tree

pytestmark = pytest.mark.sdk


def codes(result: Any) -> list[str]:
    return [str(w.code) for w in result.warnings]


def test_input_schema_mismatch_is_a_warning_or_a_strict_error(run: Run, style: str) -> None:
    schema = {
        "type": "object",
        "required": ["order_id"],
        "properties": {"order_id": {"type": "integer"}},
    }
    result = run([step("a", style)], {"order_id": "x"}, template_extra={"input_schema": schema})
    assert result.complete
    warning = result.warnings[0]
    assert warning.code is WarningCode.INPUT_SCHEMA_MISMATCH and "order_id" in warning.message
    with pytest.raises(ContextSchemaError, match="order_id"):
        run([step("a", style)], {}, template_extra={"input_schema": schema}, strict=True)


def test_result_schema_mismatch_is_a_warning_or_a_strict_failure(run: Run, style: str) -> None:
    schema = {"type": "object", "required": ["total"]}
    lenient = run([step("a", style, result_schema=schema)])
    assert lenient.complete and codes(lenient) == ["result_schema_mismatch"]
    strict = run([step("a", style, result_schema=schema)], strict=True)
    failed = strict.step("a")
    assert failed.status is StepState.ERROR
    assert failed.error is not None and failed.error.error_type == "result_schema_violation"


def overlapped(records: list[dict[str, Any]]) -> bool:
    """Every call started before any of them ended: they ran at the same time."""
    return max(r["started"] for r in records) < min(r["ended"] for r in records)


def test_concurrency_overlaps_independent_steps(run_worker: Run, style: str) -> None:
    steps = [
        step("root", style),
        *[step(f"io{i}", style, ("root",), config={"sleep": 1.5}) for i in range(3)],
    ]
    io = [f"io{i}" for i in range(3)]
    parallel = Clocked()
    assert run_worker(steps, observers=(parallel,), concurrency=3).complete
    assert parallel.overlapped(io)
    sequential = Clocked()
    assert run_worker(steps, observers=(sequential,)).complete
    assert not sequential.overlapped(io)


@pytest.mark.parametrize("callable_", ["runfx.dsl.slow_async", "runfx.cls.SlowAsync"])
def test_async_handlers_overlap_in_separate_workers(run_worker: Run, callable_: str) -> None:
    steps = [step(f"a{i}", callable_, config={"sleep": 1.5}) for i in range(3)]
    clocked = Clocked()
    result = run_worker(steps, observers=(clocked,), concurrency=3)
    assert result.complete and clocked.overlapped(["a0", "a1", "a2"])


def test_handler_method_and_resolver_are_ignored_with_a_warning(run: Run, style: str) -> None:
    steps = [
        {"name": "a", "handler": {"callable": style, "method": "refund", "resolver": "custom"}}
    ]
    result = run(steps)
    assert result.complete  # call() ran anyway
    assert codes(result) == ["handler_method_ignored", "handler_resolver_ignored"]


def test_dependency_on_a_step_not_created_at_start_is_not_waited_for(run: Run, style: str) -> None:
    result = run(
        [
            step("analyze", "runfx.cls.Analyze", type="batchable"),
            step(
                "work",
                "runfx.cls.Work",
                ("analyze",),
                type="batch_worker",
                batch_config=BATCH_CONFIG,
            ),
            step("aggregate", "runfx.cls.Aggregate", ("work",), type="deferred_convergence"),
            step("report", style, ("aggregate",)),
        ],
        {"total": 5, "size": 5},
    )
    assert result.complete
    assert [s.name for s in result.steps][:2] == ["analyze", "report"]
    assert result.step("report").parents == ()  # it ran right away, production does the same
    warning = next(w for w in result.warnings if w.code is WarningCode.DEPENDENCY_NOT_CREATED)
    assert warning.step == "report" and "'aggregate'" in warning.message


HANDLERS = """
from tasker_core.step_handler.functional import step_handler

@step_handler("shop.ok")
def ok(context):
    return {"fine": True}
"""


def test_discovery_next_to_the_template(tmp_path: Path) -> None:
    build_file_tree(
        tmp_path / "proj",
        {
            "config/tasks/shop.yaml": "",
            "handlers/__init__.py": "",
            "handlers/shop.py": HANDLERS,
            "handlers/broken.py": "import os\n\nx = undefined_name + 1\n",
        },
    )
    task = template([step("a", "shop.ok"), step("b", "handlers.broken.Thing", ("a",))])
    with open_handlers(task, template_path=tmp_path / "proj/config/tasks/shop.yaml") as catalog:
        assert "shop.ok" in catalog.info.registered
        assert [p.module for p in catalog.info.problems] == ["handlers.broken"]
        problem = catalog.info.problems[0]
        assert problem.error == "NameError: name 'undefined_name' is not defined"
        assert problem.location is not None and problem.location.endswith("broken.py:3 in <module>")
        result = run_workflow(task, {}, catalog)
    assert result.step("a").status is StepState.COMPLETE
    b = result.step("b")
    assert b.error is not None and b.error.error_type == "handler_not_found"
    assert b.error.location is not None and "broken.py:3" in b.error.location
    assert "handler_import_error" in codes(result)


def test_same_package_name_in_two_projects_is_reloaded(tmp_path: Path) -> None:
    for name, value in (("one", 1), ("two", 2)):
        build_file_tree(
            tmp_path / name,
            {
                "handlers/__init__.py": "",
                "handlers/h.py": (
                    "from tasker_core.step_handler.functional import step_handler\n"
                    f"@step_handler('which')\ndef which(context):\n    return {{'v': {value}}}\n"
                ),
            },
        )
    task = template([step("a", "which")])
    values = []
    for name in ("one", "two", "one"):
        with open_handlers(task, roots=[tmp_path / name]) as catalog:
            values.append(run_workflow(task, {}, catalog).step("a").result["v"])
    assert values == [1, 2, 1]


def test_missing_package_or_root_is_a_usage_error(tmp_path: Path) -> None:
    task = template([step("a", "x.y")])
    with (
        pytest.raises(HandlerPackageError, match="'not_there' was not found"),
        open_handlers(task, roots=[tmp_path], packages=["not_there"]),
    ):
        pass
    with (
        pytest.raises(HandlerPackageError, match="is not a directory"),
        open_handlers(task, roots=[tmp_path / "nope"]),
    ):
        pass


def test_without_the_sdk_run_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from tasker_ctl.executor.sdk import load_sdk

    load_sdk.cache_clear()
    monkeypatch.setitem(sys.modules, "tasker_core", None)
    try:
        with pytest.raises(MissingDependencyError) as raised:
            load_sdk()
        assert "pip install 'tasker-ctl[sdk]'" in raised.value.message
        assert raised.value.exit_code == 2
    finally:
        load_sdk.cache_clear()


def test_styles_are_really_different_handler_classes(catalog: Any) -> None:
    cls = catalog.registry.resolve(STYLES["cls"])
    dsl = catalog.registry.resolve(STYLES["dsl"])
    assert type(cls).__name__ == "Behave"
    assert type(dsl).__mro__[1].__name__ == "StepHandler" and type(dsl).__name__ == "behave_dsl"


def test_dsl_decorators_in_the_wrong_order_are_named(tmp_path: Path) -> None:
    build_file_tree(
        tmp_path,
        {
            "handlers/__init__.py": "",
            "handlers/steps.py": (
                "from tasker_core.step_handler.functional import depends_on, inputs, step_handler\n"
                "\n@step_handler('shop.first')\ndef first(context):\n    return {'n': 1}\n"
                "\n@depends_on(prev='a')\n@inputs('who')\n@step_handler('shop.wrong')\n"
                "def wrong(prev, who, context):\n    return {'prev': prev}\n"
                "\n@step_handler('shop.right')\n@depends_on(prev='a')\n"
                "def right(prev, context):\n    return {'prev': prev}\n"
            ),
        },
    )
    task = template(
        [
            step("a", "shop.first"),
            step("b", "shop.wrong", ("a",), retry={"max_attempts": 1}),
            step("c", "shop.right", ("a",)),
        ]
    )
    with open_handlers(task, roots=[tmp_path]) as catalog:
        result = run_workflow(task, {"who": "me"}, catalog)
    b = result.step("b")
    assert b.status is StepState.ERROR
    assert b.error is not None and "missing 2 required positional arguments" in b.error.message
    assert result.step("c").result == {"prev": {"n": 1}}
    [warning] = [w for w in result.warnings if w.code is WarningCode.DSL_DECORATOR_ORDER]
    assert warning.step == "b"
    assert "handlers/steps.py:7 in wrong: " in warning.message
    assert "@depends_on and @inputs are applied after @step_handler" in warning.message
