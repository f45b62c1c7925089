"""Property test for the handler generators: any template shape gives valid code.

Templates are drawn with 1-6 steps of every type (standard, decision,
deferred_convergence, batchable with its batch_worker), random dependencies on
earlier steps, awkward step names and random result schemas. For each, the
Python scaffold in both styles compiles, passes ``ruff check`` (defaults + E501
and import sorting) and ``ruff format --check``, registers every callable exactly
once, and its samples are valid against their schemas; TypeScript and Ruby output
is produced without error and names every callable.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tasker_ctl.codegen.handlers import plan_handlers
from tasker_ctl.codegen.scaffold import build_scaffold
from tasker_ctl.model.template import TaskTemplate
from tests.codegen.test_properties import SCHEMAS, SHARED

STEP_NAMES = st.one_of(
    st.sampled_from(["class", "context", "models", "handlers", "2fa", "orderId", "a-b", "x"]),
    st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True),
)
CALLABLES = st.from_regex(r"[a-z]{1,8}(\.[a-z_]{1,12}){1,2}", fullmatch=True)


@st.composite
def templates(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(STEP_NAMES, min_size=1, max_size=6, unique_by=str.lower))
    callables = draw(st.lists(CALLABLES, min_size=len(names), max_size=len(names), unique=True))
    steps: list[dict[str, Any]] = []
    for index, (name, callable_) in enumerate(zip(names, callables, strict=True)):
        earlier = [s["name"] for s in steps if s["type"] != "batch_worker"]
        deps = draw(st.lists(st.sampled_from(earlier), unique=True, max_size=2)) if earlier else []
        kind = draw(st.sampled_from(["standard", "standard", "decision", "deferred_convergence",
                                     "batchable"]))  # fmt: skip
        if kind == "decision" and not deps:
            kind = "standard"
        step: dict[str, Any] = {"name": name, "type": kind, "dependencies": deps,
                                "handler": {"callable": callable_}}  # fmt: skip
        if kind in ("standard", "deferred_convergence") and draw(st.booleans()):
            step["result_schema"] = {
                "type": "object",
                "required": ["value"],
                "properties": {"value": draw(SCHEMAS)},
                "$defs": {"Shared": SHARED},
            }
        steps.append(step)
        if kind == "batchable":
            worker = f"{name}_w{index}"
            steps.append({
                "name": worker, "type": "batch_worker", "dependencies": [name],
                "handler": {"callable": f"{callable_}_worker"},
                "batch_config": {"batch_size": draw(st.integers(1, 500)), "parallelism": 2,
                                 "cursor_field": "id", "worker_template": worker,
                                 "failure_strategy": "continue_on_failure"},
            })  # fmt: skip
    return {"name": "prop_task", "namespace_name": "prop", "version": "1.0.0", "steps": steps}


def assert_every_dependency_injected(template: TaskTemplate, handlers: str, style: str) -> None:
    """Each declared dependency reaches its handler (typed or not), except the worker
    template an aggregator collects through BatchAggregationScenario."""
    plans = {p.step: p for p in plan_handlers(template, {}).handlers}
    for definition in template.steps:
        plan = plans[definition.name]
        injected = [d.step for d in plan.dependencies]
        expected = [d for d in definition.dependencies if d != plan.aggregates]
        assert injected == expected, (definition.name, injected, expected)
        for dep in expected:
            reference = f'="{dep}"' if style == "dsl" else f'context.get_dependency_result("{dep}")'
            assert reference in handlers or f'("{dep}",' in handlers or f'"{dep}", ' in handlers


def ruff(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--isolated", "."],
        cwd=cwd, capture_output=True, text=True, check=False,
    )  # fmt: skip


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(document=templates())
@example(  # names that are keywords or start with a digit, a $ref into $defs
    document={
        "name": "prop_task",
        "namespace_name": "prop",
        "version": "1.0.0",
        "steps": [
            {"name": "class", "type": "standard", "handler": {"callable": "a._"}},
            {
                "name": "2fa",
                "type": "standard",
                "dependencies": ["class"],
                "handler": {"callable": "a.c"},
                "result_schema": {
                    "type": "object",
                    "required": ["value"],
                    "properties": {"value": {"$ref": "#/$defs/Shared"}},
                    "$defs": {"Shared": SHARED},
                },
            },
        ],
    }
)
def test_any_template_gives_valid_registered_handlers(document: dict[str, Any]) -> None:
    template = TaskTemplate.model_validate(document)
    root = Path(tempfile.mkdtemp(prefix="handler-property-"))
    for style in ("dsl", "class"):
        files, _ = build_scaffold(template, "python", style)
        (root / f"style_{style}").mkdir()
        for file in files:
            compile(file.content, file.relpath, "exec")
            (root / f"style_{style}" / file.relpath).write_text(file.content, encoding="utf-8")
        handlers = next(f.content for f in files if f.relpath == "handlers.py")
        for step in document["steps"]:
            quoted = f'"{step["handler"]["callable"]}"'
            assert handlers.count(quoted) == 1, (style, quoted)
        assert_every_dependency_injected(template, handlers, style)
    check = ruff("check", "--extend-select", "E501,I", cwd=root)
    assert check.returncode == 0, check.stdout
    fmt = ruff("format", "--check", cwd=root)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr
    shutil.rmtree(root)
    for step in document["steps"]:
        if "result_schema" in step:
            from tasker_ctl.codegen.sample import sample

            jsonschema.Draft202012Validator(step["result_schema"]).validate(
                sample(step["result_schema"]).value
            )
    for language in ("typescript", "ruby"):
        for style in ("dsl", "class"):
            files, _ = build_scaffold(template, language, style)
            handlers = next(f.content for f in files if f.relpath.startswith("handlers."))
            for step in document["steps"]:
                quoted = f"'{step['handler']['callable']}'"
                # Ruby classes name the callable in handler_name and register under it once
                expected = 2 if (language, style) == ("ruby", "class") else 1
                assert handlers.count(quoted) == expected, (language, style)
                if expected == 2:
                    assert handlers.count(f"register_handler({quoted}, ") == 1
