"""Rust handlers and tests: plain functions and a registry keyed by ``handler.callable``.

This follows the shape upstream's Rust scaffold uses for application projects:
each step is a plain function ``fn(&Value, &HashMap<String, Value>) ->
Result<Value, String>`` (the task context and the dependencies' results in, a
JSON result out), and a registry wraps each function as a
``tasker_worker::worker::handlers::StepHandler`` and implements
``StepHandlerRegistry``, resolving a step by ``step_definition.handler.callable``.

Typed dependencies are read into the ``generate types`` serde structs
(``models.rs``); a dependency a run may not create is an ``Option``; one without a
typed result is the raw ``&Value``. Decisions return a ``decision_point_outcome``
creating all their children, batchables a ``batch_processing_outcome`` with two
cursor ranges, as upstream's outcome enums serialise them. Every output passes
``rustfmt --check`` (edition 2021).
"""

from __future__ import annotations

import json
import math
from typing import Any

from tasker_ctl.codegen.handlers import HandlerPlan, ScaffoldPlan, type_identifier
from tasker_ctl.model.template import StepType

__all__ = ["render_rust_handlers", "render_rust_tests"]

_KEYWORDS = frozenset(
    [
        "as",
        "async",
        "await",
        "break",
        "const",
        "continue",
        "crate",
        "dyn",
        "else",
        "enum",
        "extern",
        "false",
        "fn",
        "for",
        "gen",
        "if",
        "impl",
        "in",
        "let",
        "loop",
        "match",
        "mod",
        "move",
        "mut",
        "pub",
        "ref",
        "return",
        "self",
        "static",
        "struct",
        "super",
        "trait",
        "true",
        "type",
        "unsafe",
        "use",
        "where",
        "while",
        "abstract",
        "become",
        "box",
        "do",
        "final",
        "macro",
        "override",
        "priv",
        "try",
        "typeof",
        "unsized",
        "virtual",
        "yield",
        "union",
        "support",
        "models",
        "handlers",
        "tests",
    ]
)


def _ident(name: str, taken: set[str]) -> str:
    base = "".join(ch for ch in name if ch.isascii() and (ch.isalnum() or ch == "_")) or "step"
    if base[0].isdigit():
        base = "step_" + base
    if base in _KEYWORDS or base.strip("_") == "":
        base += "_step"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}_{n}"
    taken.add(candidate)
    return candidate


def _functions(plan: ScaffoldPlan) -> dict[str, str]:
    taken: set[str] = set()
    return {h.step: _ident(h.function, taken) for h in plan.handlers}


def _str(value: str) -> str:
    """A Rust string literal."""
    out = []
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _json(value: Any, indent: int) -> list[str]:
    """``value`` as the tokens of a ``serde_json::json!`` body, one item a line."""
    pad = " " * indent
    if isinstance(value, dict) and value:
        lines = ["{"]
        for key, item in value.items():
            inner = _json(item, indent + 4)
            lines += [f"{pad}    {_str(str(key))}: {inner[0]}", *inner[1:]]
            lines[-1] += ","
        return [*lines, pad + "}"]
    if isinstance(value, list) and value:
        lines = ["["]
        for item in value:
            inner = _json(item, indent + 4)
            lines += [pad + "    " + inner[0], *inner[1:]]
            lines[-1] += ","
        return [*lines, pad + "]"]
    if isinstance(value, dict):
        return ["{}"]
    if isinstance(value, list):
        return ["[]"]
    if value is None:
        return ["null"]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, str):
        return [_str(value)]
    if isinstance(value, float):
        if not math.isfinite(value):
            return ["null"]
        text = repr(value)
        return [text if any(c in text for c in ".e") else text + ".0"]
    if isinstance(value, int):
        return [str(value)]
    return [_str(json.dumps(value))]


def _json_call(value: Any, prefix: str, indent: int, suffix: str) -> list[str]:
    """``{prefix}json!(value){suffix}`` at ``indent``."""
    body = _json(value, indent)
    if len(body) == 1:
        return [f"{' ' * indent}{prefix}json!({body[0]}){suffix}"]
    return [f"{' ' * indent}{prefix}json!({body[0]}", *body[1:-1], f"{body[-1]}){suffix}"]


def _let(statement: str) -> str:
    """``    let x = value;`` as rustfmt lays it out: broken after ``=`` when too wide."""
    if len(statement) <= 100:
        return statement
    head, value = statement.split(" = ", 1)
    return f"{head} =\n        {value}"


def _doc(text: str) -> str:
    return " ".join(text.split())


def _registry_name(task: str) -> str:
    return type_identifier(task) + "Handlers"


def render_rust_handlers(plan: ScaffoldPlan, task: str) -> str:
    """``handlers.rs``: one function per step and the registry that wires them up."""
    functions = _functions(plan)
    models = sorted(
        {d.result_type for h in plan.handlers for d in h.dependencies if d.result_type}
        | {h.result_type for h in plan.handlers if h.result_type}
    )
    out = [
        f"//! Step handlers for the {_doc(task)} task template, generated by tasker-ctl.",
        "//!",
        "//! Each step is a plain function: the task context and the dependencies'",
        "//! results in, a JSON result out. Typed dependencies are read into the serde",
        "//! structs of `models.rs`; the bodies return schema-shaped sample data, so",
        "//! replace them with your logic. The registry at the end wraps each function",
        "//! as a `StepHandler` and resolves steps by their `handler.callable`.",
        "",
        "use std::collections::HashMap;",
        "use std::sync::{Arc, RwLock};",
        "use std::time::Instant;",
        "",
        "use async_trait::async_trait;",
        "use serde_json::{json, Value};",
        "use tasker_shared::messaging::StepExecutionResult;",
        "use tasker_shared::types::base::TaskSequenceStep;",
        "use tasker_shared::TaskerResult;",
        "use tasker_worker::worker::handlers::{StepHandler, StepHandlerRegistry};",
    ]
    if models:
        out += ["", *(f"use super::models::{m};" for m in models)]
    out += [
        "",
        "/// The signature of every step function.",
        "pub type StepFn = fn(&Value, &HashMap<String, Value>) -> Result<Value, String>;",
        "",
        "mod support {",
        "    use std::collections::HashMap;",
        "",
        "    use serde::de::DeserializeOwned;",
        "    use serde::Serialize;",
        "    use serde_json::Value;",
        "",
        "    /// A dependency's result, read into its struct.",
        "    pub fn dependency<T: DeserializeOwned>(",
        "        deps: &HashMap<String, Value>,",
        "        step: &str,",
        "    ) -> Result<T, String> {",
        "        let value = deps",
        "            .get(step)",
        "            .ok_or_else(|| format!(\"no result of the dependency '{step}'\"))?;",
        "        serde_json::from_value(value.clone())",
        "            .map_err(|e| format!(\"the result of '{step}' does not fit its type: {e}\"))",
        "    }",
        "",
        "    /// A dependency a run may not create: `None` when it did not run.",
        "    pub fn optional_dependency<T: DeserializeOwned>(",
        "        deps: &HashMap<String, Value>,",
        "        step: &str,",
        "    ) -> Result<Option<T>, String> {",
        "        match deps.get(step) {",
        "            None | Some(Value::Null) => Ok(None),",
        "            Some(_) => dependency(deps, step).map(Some),",
        "        }",
        "    }",
        "",
        "    /// A step's typed result as the JSON the worker stores.",
        "    pub fn result<T: Serialize>(value: &T) -> Result<Value, String> {",
        "        serde_json::to_value(value)"
        '.map_err(|e| format!("cannot serialise the result: {e}"))',
        "    }",
        "",
        "    /// Schema-shaped sample data read into a step's result type.",
        "    pub fn sample<T: DeserializeOwned>(value: Value) -> Result<T, String> {",
        "        serde_json::from_value(value)"
        '.map_err(|e| format!("the sample does not fit: {e}"))',
        "    }",
        "}",
    ]
    for handler in plan.handlers:
        out += ["", *_function(handler, functions[handler.step])]
    out += ["", *_registry(plan, task, functions)]
    return "\n".join(out) + "\n"


def _summary(handler: HandlerPlan) -> str:
    if handler.description:
        return _doc(handler.description)
    return {
        StepType.DECISION: f"Choose which of the steps below '{handler.step}' to create.",
        StepType.BATCHABLE: f"Split the work of '{handler.step}' into cursor ranges.",
        StepType.BATCH_WORKER: f"Process one cursor range of '{handler.step}'.",
    }.get(handler.kind, f"Do the work of the '{handler.step}' step.")


def _function(handler: HandlerPlan, name: str) -> list[str]:
    deps = [d for d in handler.dependencies if d.step != handler.aggregates]
    uses_deps = bool(deps) or handler.aggregates is not None
    deps_param = "deps" if uses_deps else "_deps"
    lines = [
        f"/// {_summary(handler)}",
        "///",
        f"/// Registered as `{handler.callable}`.",
        f"pub fn {name}(_context: &Value, {deps_param}: &HashMap<String, Value>)"
        " -> Result<Value, String> {",
    ]
    if len(lines[-1]) > 100:
        lines[-1:] = [
            f"pub fn {name}(",
            "    _context: &Value,",
            f"    {deps_param}: &HashMap<String, Value>,",
            ") -> Result<Value, String> {",
        ]
    for dep in deps:
        step = _str(dep.step)
        var = f"_{dep.param}"
        if dep.result_type is None:
            stmt = f"    let {var}: Option<&Value> = deps.get({step});"
        elif dep.optional:
            stmt = (
                f"    let {var}: Option<{dep.result_type}> = "
                f"support::optional_dependency(deps, {step})?;"
            )
        else:
            stmt = f"    let {var}: {dep.result_type} = support::dependency(deps, {step})?;"
        lines.append(_let(stmt))
    lines += _body(handler)
    return [*lines, "}"]


def _body(handler: HandlerPlan) -> list[str]:
    if handler.kind is StepType.DECISION:
        outcome: dict[str, Any] = (
            {"type": "create_steps", "step_names": list(handler.branches)}
            if handler.branches
            else {"type": "no_branches"}
        )
        return [
            "    // It may create any of the steps below it; this placeholder creates all.",
            *_json_call({"decision_point_outcome": outcome}, "Ok(", 4, ")"),
        ]
    if handler.kind is StepType.BATCHABLE and handler.worker_template:
        size = handler.batch_size
        cursors = [
            {
                "batch_id": f"{i + 1:03d}",
                "start_cursor": i * size,
                "end_cursor": (i + 1) * size,
                "batch_size": size,
            }
            for i in range(2)
        ]
        outcome = {
            "type": "create_batches",
            "worker_template_name": handler.worker_template,
            "worker_count": 2,
            "cursor_configs": cursors,
            "total_items": 2 * size,
        }
        return [
            f"    // Two batches of {size} items: the orchestrator creates one",
            f"    // {handler.worker_template}_NNN worker per cursor range.",
            *_json_call({"batch_processing_outcome": outcome}, "Ok(", 4, ")"),
        ]
    if handler.result_type is not None:
        return [
            *_json_call(handler.result_sample, "let sample = ", 4, ";"),
            _let(f"    let result: {handler.result_type} = support::sample(sample)?;"),
            "    support::result(&result)",
        ]
    if handler.aggregates:
        return [
            "    // Each worker's result is stored under its own step name.",
            "    let workers = deps",
            "        .keys()",
            f"        .filter(|step| step.starts_with({_str(handler.aggregates + '_')}))",
            "        .count();",
            '    Ok(json!({"worker_count": workers, "no_batches": workers == 0}))',
        ]
    if handler.kind is StepType.BATCH_WORKER:
        return ['    Ok(json!({"items_processed": 0}))']
    return [f'    Ok(json!({{"step": {_str(handler.step)}}}))']


def _registry(plan: ScaffoldPlan, task: str, functions: dict[str, str]) -> list[str]:
    name = _registry_name(task)
    entries: list[str] = []
    for handler in plan.handlers:
        literal, function = _str(handler.callable), functions[handler.step]
        entry = f"    steps.push(({literal}, {function}));"
        # rustfmt's layout: one line while the tuple's contents fit its 60-column call
        # width (the parentheses do not count), else one element a line, unless an
        # element cannot fit even then.
        if len(f"{literal}, {function}") > 60 and len(literal) <= 91 and len(function) <= 91:
            entry = (
                f"    steps.push((\n        {_str(handler.callable)},\n"
                f"        {functions[handler.step]},\n    ));"
            )
        entries.append(entry)
    return [
        "/// Wraps a step function as the worker's `StepHandler`.",
        "struct FunctionHandler {",
        "    callable: &'static str,",
        "    function: StepFn,",
        "}",
        "",
        "#[async_trait]",
        "impl StepHandler for FunctionHandler {",
        "    async fn call(&self, step: &TaskSequenceStep) -> TaskerResult<StepExecutionResult> {",
        "        let started = Instant::now();",
        "        let context = step.task.task.context.clone().unwrap_or_else(|| json!({}));",
        "        let deps: HashMap<String, Value> = step",
        "            .dependency_results",
        "            .iter()",
        "            .map(|(name, result)| (name.clone(), result.result.clone()))",
        "            .collect();",
        "        let outcome = (self.function)(&context, &deps);",
        "        let elapsed_ms = started.elapsed().as_millis() as i64;",
        "        let uuid = step.workflow_step.workflow_step_uuid;",
        "        Ok(match outcome {",
        "            Ok(result) => StepExecutionResult::success(uuid, result, elapsed_ms, None),",
        "            Err(error) => {",
        "                StepExecutionResult::failure("
        "uuid, error, None, None, false, elapsed_ms, None)",
        "            }",
        "        })",
        "    }",
        "",
        "    fn name(&self) -> &str {",
        "        self.callable",
        "    }",
        "}",
        "",
        f"/// The step handlers of {_doc(task)}, by `handler.callable`.",
        "pub fn steps() -> Vec<(&'static str, StepFn)> {",
        "    let mut steps: Vec<(&'static str, StepFn)> = Vec::new();",
        *entries,
        "    steps",
        "}",
        "",
        f"/// The worker's registry of the {_doc(task)} handlers.",
        f"pub struct {name} {{",
        "    handlers: RwLock<HashMap<String, Arc<dyn StepHandler>>>,",
        "}",
        "",
        f"impl {name} {{",
        "    /// A registry with every step function registered under its callable.",
        "    pub fn new() -> Self {",
        "        let handlers = steps()",
        "            .into_iter()",
        "            .map(|(callable, function)| {",
        "                let handler: Arc<dyn StepHandler> =",
        "                    Arc::new(FunctionHandler { callable, function });",
        "                (callable.to_string(), handler)",
        "            })",
        "            .collect();",
        "        Self {",
        "            handlers: RwLock::new(handlers),",
        "        }",
        "    }",
        "}",
        "",
        f"impl Default for {name} {{",
        "    fn default() -> Self {",
        "        Self::new()",
        "    }",
        "}",
        "",
        "#[async_trait]",
        f"impl StepHandlerRegistry for {name} {{",
        "    async fn get(&self, step: &TaskSequenceStep) -> Option<Arc<dyn StepHandler>> {",
        '        let handlers = self.handlers.read().expect("registry lock poisoned");',
        "        let callable = &step.step_definition.handler.callable;",
        "        handlers.get(callable).cloned()",
        "    }",
        "",
        "    fn register(&self, name: &str, handler: Arc<dyn StepHandler>) {",
        '        let mut handlers = self.handlers.write().expect("registry lock poisoned");',
        "        handlers.insert(name.to_string(), handler);",
        "    }",
        "",
        "    fn handler_available(&self, name: &str) -> bool {",
        '        let handlers = self.handlers.read().expect("registry lock poisoned");',
        "        handlers.contains_key(name)",
        "    }",
        "",
        "    fn registered_handlers(&self) -> Vec<String> {",
        '        let handlers = self.handlers.read().expect("registry lock poisoned");',
        "        handlers.keys().cloned().collect()",
        "    }",
        "}",
    ]


def render_rust_tests(plan: ScaffoldPlan, task: str, module: str = "handlers") -> str:
    """``tests.rs``: each step function called with sample dependencies, its result checked."""
    functions = _functions(plan)
    models = sorted({h.result_type for h in plan.handlers if h.result_type})
    out = [
        f"//! Tests for the generated step handlers of {_doc(task)}.",
        "//!",
        "//! Each test calls a step function with schema-shaped dependency results and",
        "//! checks its result against the step's type or outcome.",
        "",
        "use std::collections::HashMap;",
        "",
        "use serde_json::{json, Value};",
        "",
        f"use super::{module};",
    ]
    out += [f"use super::models::{m};" for m in models]
    out += [
        "",
        "fn context() -> Value {",
        *_json_call(plan.input_sample, "", 4, ""),
        "}",
        "",
        "fn dependencies(results: Value) -> HashMap<String, Value> {",
        '    serde_json::from_value(results).expect("results by step name")',
        "}",
        "",
        "#[test]",
        "fn every_step_is_registered_under_its_callable() {",
        "    let mut callables = Vec::new();",
        f"    for (callable, _) in {module}::steps() {{",
        "        callables.push(callable);",
        "    }",
        f"    assert_eq!(callables.len(), {len(plan.handlers)});",
        "    callables.sort_unstable();",
        "    callables.dedup();",
        f"    assert_eq!(callables.len(), {len({h.callable for h in plan.handlers})});",
        "}",
    ]
    for handler in plan.handlers:
        out += ["", *_test(handler, functions[handler.step], module)]
    return "\n".join(out) + "\n"


def _test(handler: HandlerPlan, name: str, module: str) -> list[str]:
    deps = [d for d in handler.dependencies if d.step != handler.aggregates]
    results = {dep.step: dep.sample if dep.result_type is not None else {} for dep in deps}
    lines = [
        "#[test]",
        f"fn {name}_returns_its_result() {{",
        *_json_call(results, "let deps = dependencies(", 4, ");"),
        _let(f"    let result = {module}::{name}(&context(), &deps);"),
        '    let result = result.expect("the handler succeeds");',
    ]
    if handler.kind is StepType.DECISION:
        expected = "create_steps" if handler.branches else "no_branches"
        lines.append(f'    assert_eq!(result["decision_point_outcome"]["type"], "{expected}");')
    elif handler.kind is StepType.BATCHABLE and handler.worker_template:
        lines.append('    assert_eq!(result["batch_processing_outcome"]["worker_count"], 2);')
    elif handler.result_type is not None:
        lines += [
            _let(
                f"    let typed: Result<{handler.result_type}, _> = serde_json::from_value(result);"
            ),
            '    assert!(typed.is_ok(), "{:?}", typed.err());',
        ]
    else:
        lines.append("    assert!(result.is_object());")
    return [*lines, "}"]
