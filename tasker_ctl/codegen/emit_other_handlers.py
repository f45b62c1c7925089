"""TypeScript and Ruby handlers and tests, in each SDK's functional DSL or class style.

The same plan as the Python handlers (:mod:`tasker_ctl.codegen.handlers`): one
handler per step registered under its callable; dependencies parsed into the
scaffold's types (zod schemas in TypeScript, Dry::Struct classes in Ruby) and
handed to a typed work function whose placeholder returns the schema-shaped
sample; decisions route to their children, batchables split two batches. The
class style keeps those work functions and wraps each in a ``StepHandler``
subclass (TypeScript) or ``TaskerCore::StepHandler::Base`` subclass (Ruby) whose
name is the callable and whose ``call`` reads the dependencies from the context. The
tests call each handler with a context double, as the built-in templates' tests
do, and check the result against the step's type.

TypeScript is checked with ``tsc --strict`` against the real ``zod`` and the
SDK declarations the built-in templates use; Ruby with ``ruby -wc``.
"""

from __future__ import annotations

import json
from typing import Any

from tasker_ctl.codegen.handlers import HandlerPlan, ScaffoldPlan
from tasker_ctl.codegen.naming import pascal_case
from tasker_ctl.model.template import StepType

__all__ = [
    "render_ruby_handlers",
    "render_ruby_tests",
    "render_typescript_handlers",
    "render_typescript_tests",
]


_JS_RESERVED = frozenset(
    [
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "enum",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "function",
        "if",
        "import",
        "in",
        "instanceof",
        "new",
        "null",
        "return",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "yield",
        "let",
        "static",
        "implements",
        "interface",
        "package",
        "private",
        "protected",
        "public",
        "await",
        "async",
        "arguments",
        "eval",
    ]
)


def _camel(name: str) -> str:
    pascal = "".join(ch for ch in pascal_case(name) if ch.isascii()) or "value"
    camel = pascal[0].lower() + pascal[1:]
    if not camel[0].isalpha():
        camel = "step" + pascal
    return camel + "Step" if camel in _JS_RESERVED else camel


_TS_TAKEN = frozenset(
    {
        "context",
        "stepNames",
        "defineBatchAnalyzer",
        "defineBatchWorker",
        "defineDecisionHandler",
        "defineHandler",
    }
)
"""Names a work function may not take: the handlers' own locals and the SDK's imports."""


def _unique(base: str, taken: set[str]) -> str:
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}{n}"
    taken.add(name)
    return name


def _ts_params(handler: HandlerPlan) -> dict[str, str]:
    """Each dependency's camelCase parameter (``a2_result`` and ``a_2_result`` differ)."""
    taken: set[str] = {"context"}
    return {d.step: _unique(_camel(d.param), taken) for d in handler.dependencies}


def _ts_functions(plan: ScaffoldPlan) -> dict[str, str]:
    """Each step's work function: camelCase, unique, and never a name in scope where it is called.

    In scope are the dependency parameters (step ``x_result`` depends on ``x``, whose
    parameter is ``xResult``), ``context`` and the SDK's imports.
    """
    taken = set(_TS_TAKEN) | {p for h in plan.handlers for p in _ts_params(h).values()}
    return {h.step: _unique(_camel(h.function), taken) for h in plan.handlers}


def _ts_str(text: str) -> str:
    return "'" + json.dumps(text, ensure_ascii=False)[1:-1].replace("\\\"", '"').replace(
        "'", "\\'"
    ) + "'"  # fmt: skip


def _json(value: Any, indent: int) -> str:
    text = json.dumps(value, indent=2, ensure_ascii=False)
    pad = " " * indent
    return text.replace("\n", "\n" + pad)


def _comment(text: str, pad: str, mark: str) -> list[str]:
    return [f"{pad}{mark} {line}".rstrip() for line in text.splitlines() if line.strip()]


def _summary(handler: HandlerPlan) -> str:
    if handler.description:
        return " ".join(handler.description.split())
    return f"The {handler.step} step."


# ---------------------------------------------------------------- TypeScript


def _ts_call(function: str, args: list[str], indent: int) -> str:
    flat = f"{function}({', '.join(args)})"
    if len(args) < 2 and indent + len(flat) <= 90:
        return flat
    pad = " " * (indent + 2)
    return f"{function}(\n" + "".join(f"{pad}{a},\n" for a in args) + " " * indent + ")"


def render_typescript_handlers(plan: ScaffoldPlan, task: str, style: str = "dsl") -> str:
    """``handlers.ts``: one exported handler per step, importing ``./models``.

    ``dsl`` registers each with the SDK's ``define*`` functions; ``class`` writes a
    ``StepHandler`` subclass whose ``call`` reads the dependencies from the context
    and returns ``this.success(...)`` (decisions and batchables their outcomes).
    """
    sdk: set[str] = set()
    models: set[str] = set()
    blocks: list[list[str]] = []
    functions = _ts_functions(plan)
    for handler in plan.handlers:
        block = _ts_handler(handler, functions[handler.step], sdk, models)
        if style == "class":
            block = _ts_class(handler, block, sdk)
        blocks.append(block)
    if style == "class":
        sdk -= {
            "Decision",
            "defineBatchAnalyzer",
            "defineBatchWorker",
            "defineDecisionHandler",
            "defineHandler",
        }
        sdk |= {"StepHandler", "type StepContext", "type StepHandlerResult"}
    out = [
        f"/**\n * Step handlers for the {task} task template, generated by tasker-ctl.",
        " *",
        " * Each handler is registered under its step's handler.callable, parses its",
        " * dependencies' results with the models' zod schemas, hands them to a typed",
        " * work function and returns its typed result. The work functions return",
        " * schema-shaped sample data: replace them with your logic.",
        " */",
        "import {",
        *[f"  {n}," for n in sorted(sdk, key=lambda n: n.removeprefix("type ").lower())],
        "} from '@tasker-systems/tasker';",
    ]
    if models:
        names = [m if m.endswith("Schema") else f"type {m}" for m in sorted(models)]
        out += ["import {", *[f"  {n}," for n in names], "} from './models';"]
    for block in blocks:
        out += ["", *block]
    return "\n".join(out) + "\n"


def _ts_handler(handler: HandlerPlan, work: str, sdk: set[str], models: set[str]) -> list[str]:
    name = handler.class_name
    deps = [d for d in handler.dependencies if d.step != handler.aggregates]
    names = _ts_params(handler)
    params: list[str] = []
    parsed: list[str] = []
    for dep in deps:
        raw = typed = names[dep.step]
        if dep.result_type is None:
            params.append(f"{typed}: Record<string, unknown> | null")
            parsed.append(f"({raw} ?? null) as Record<string, unknown> | null")
            continue
        models.update((dep.result_type, f"{dep.result_type}Schema"))
        if dep.optional:
            params.append(f"{typed}: {dep.result_type} | null")
            parsed.append(f"{raw} == null ? null : {dep.result_type}Schema.parse({raw})")
        else:
            params.append(f"{typed}: {dep.result_type}")
            parsed.append(f"{dep.result_type}Schema.parse({raw})")
    depends = ", ".join(f"{names[d.step]}: {_ts_str(d.step)}" for d in deps)
    options = f"{{ depends: {{ {depends} }}" if deps else "{"
    lines = [f"/** {_summary(handler)} */"]
    if handler.kind is StepType.DECISION:
        sdk.update(("Decision", "defineDecisionHandler"))
        branches = ", ".join(_ts_str(b) for b in handler.branches)
        lines += [
            f"export function {work}({', '.join(params)}): string[] {{",
            "  // It may create any of the steps below it; this placeholder creates all.",
            f"  return [{branches}];",
            "}",
            "",
            f"export const {name} = defineDecisionHandler(",
            f"  {_ts_str(handler.callable)},",
            f"  {options}{' }' if deps else '}'},",
            f"  async ({{ {', '.join(names[d.step] for d in deps)} }}) =>",
            f"    Decision.route({_ts_call(work, parsed, 4)}, {{ route: 'all' }}),",
            ");",
        ]
        return lines
    if handler.kind is StepType.BATCHABLE and handler.worker_template:
        sdk.add("defineBatchAnalyzer")
        opts = f"{{ {('depends: { ' + depends + ' }, ') if deps else ''}workerTemplate: "
        lines += [
            f"export const {name} = defineBatchAnalyzer(",
            f"  {_ts_str(handler.callable)},",
            f"  {opts}{_ts_str(handler.worker_template)} }},",
            f"  // Two batches of {handler.batch_size} items: one worker per cursor range.",
            f"  async () => ({{ totalItems: {handler.batch_size * 2}, "
            f"batchSize: {handler.batch_size} }}),",
            ");",
        ]
        return lines
    define = "defineBatchWorker" if handler.kind is StepType.BATCH_WORKER else "defineHandler"
    sdk.add(define)
    if handler.result_type is not None:
        models.update((handler.result_type, f"{handler.result_type}Schema"))
        returns = handler.result_type
        body = [f"  return {handler.result_type}Schema.parse({_json(handler.result_sample, 2)});"]
    elif handler.aggregates:
        returns = "Record<string, unknown>"
        body = [
            "  const workers = Object.keys(context.dependencyResults).filter((step) =>",
            f"    step.startsWith({_ts_str(handler.aggregates + '_')}),",
            "  );",
            "  return { worker_count: workers.length, no_batches: workers.length === 0 };",
        ]
    else:
        returns = "Record<string, unknown>"
        body = [f"  return {{ step: {_ts_str(handler.step)} }};"]
    if handler.aggregates or handler.result_type is None:
        sdk.add("type StepContext")
        params.append("context: StepContext")
        parsed.append("context")
    lines += [
        f"export function {work}({', '.join(params)}): {returns} {{",
        *body,
        "}",
        "",
        f"export const {name} = {define}(",
        f"  {_ts_str(handler.callable)},",
        f"  {options}{' }' if deps else '}'},",
        f"  async ({{ {', '.join([*(names[d.step] for d in deps), 'context'])} }}) =>",
        f"    {_ts_call(work, parsed, 4)},",
        ");",
    ]
    if "context" not in parsed:
        lines[-3] = f"  async ({{ {', '.join(names[d.step] for d in deps)} }}) =>"
        if not deps:
            lines[-3] = "  async () =>"
    return lines


def _ts_class(handler: HandlerPlan, block: list[str], sdk: set[str]) -> list[str]:
    """The DSL block with its ``define*`` registration replaced by a StepHandler subclass."""
    start = next(i for i, line in enumerate(block) if line.startswith("export const "))
    summary, work = block[0], block[1:start]
    deps = [d for d in handler.dependencies if d.step != handler.aggregates]
    names = _ts_params(handler)
    reads = [
        f"    const {names[d.step]} = context.getDependencyResult({_ts_str(d.step)});" for d in deps
    ]
    # The DSL's call expression: its lines are already indented for a method body.
    arrow = next(i for i, line in enumerate(block) if line.lstrip().startswith("async ("))
    expression = "\n".join(block[arrow + 1 : -1]).strip().removesuffix(",")
    if handler.kind is StepType.DECISION:
        expression = expression.removeprefix("Decision.route(").removesuffix(", { route: 'all' })")
        body = [
            *reads,
            f"    const stepNames = {expression};",
            "    return this.success({",
            "      decision_point_outcome:",
            "        stepNames.length === 0",
            "          ? { type: 'no_branches' }",
            "          : { type: 'create_steps', step_names: stepNames },",
            "    });",
        ]
    elif handler.kind is StepType.BATCHABLE and handler.worker_template:
        size = handler.batch_size
        cursors = [
            {"batch_id": f"{i + 1:03d}", "start_cursor": i * size,
             "end_cursor": (i + 1) * size, "batch_size": size}
            for i in range(2)
        ]  # fmt: skip
        outcome = {
            "batch_processing_outcome": {
                "type": "create_batches",
                "worker_template_name": handler.worker_template,
                "worker_count": 2,
                "cursor_configs": cursors,
                "total_items": 2 * size,
            }
        }
        body = [
            f"    // Two batches of {size} items: one worker per cursor range.",
            f"    return this.success({_json(outcome, 4)});",
        ]
    else:
        body = [*reads, f"    return this.success({expression});"]
    return [
        summary,
        *work,
        f"export class {handler.class_name} extends StepHandler {{",
        f"  static handlerName = {_ts_str(handler.callable)};",
        "  static handlerVersion = '1.0.0';",
        "",
        "  async call(context: StepContext): Promise<StepHandlerResult> {",
        *body,
        "  }",
        "}",
    ]


def render_typescript_tests(plan: ScaffoldPlan, task: str, module: str = "handlers") -> str:
    """``tests.ts`` (vitest): each handler called with a context double."""
    names = [h.class_name for h in plan.handlers]
    out = [
        f"/** Tests for the generated step handlers of {task} (vitest). */",
        "import type { StepContext } from '@tasker-systems/tasker';",
        "import { describe, expect, it, vi } from 'vitest';",
        "",
        f"import {{ {', '.join(names)} }} from './{module}';",
        "",
        f"const INPUT: Record<string, unknown> = {_json(plan.input_sample, 0)};",
        "",
        "function mockContext(",
        "  dependencies: Record<string, unknown> = {},",
        "  stepInputs: Record<string, unknown> = {},",
        "): StepContext {",
        "  return {",
        "    taskUuid: '0190c5a0-0000-7000-8000-000000000001',",
        "    stepUuid: '0190c5a0-0000-7000-8000-000000000002',",
        "    inputData: INPUT,",
        "    dependencyResults: Object.fromEntries(",
        "      Object.entries(dependencies).map(([step, result]) => [",
        "        step,",
        "        { success: true, status: 'completed', result },",
        "      ]),",
        "    ),",
        "    stepConfig: {},",
        "    stepInputs,",
        "    retryCount: 0,",
        "    maxRetries: 3,",
        "    getInput: vi.fn((key: string) => INPUT[key]),",
        "    getDependencyResult: vi.fn((step: string) => dependencies[step] ?? null),",
        "  } as unknown as StepContext;",
        "}",
        "",
        f"describe({_ts_str(task)}, () => {{",
    ]
    for handler, name in zip(plan.handlers, names, strict=True):
        deps = {
            d.step: d.sample if d.result_type is not None else {}
            for d in handler.dependencies
            if d.step != handler.aggregates
        }
        inputs = (
            {"cursor": {"batch_id": "001", "start_cursor": 0, "end_cursor": 10, "batch_size": 10}}
            if handler.kind is StepType.BATCH_WORKER
            else {}
        )
        out += [
            f"  it({_ts_str(handler.step + ' returns a successful result')}, async () => {{",
            f"    expect({name}.handlerName).toBe({_ts_str(handler.callable)});",
            f"    const result = await new {name}().call(",
            f"      mockContext({_json(deps, 6)}, {_json(inputs, 6)}),",
            "    );",
            "    expect(result.success).toBe(true);",
            "  });",
        ]
    out.append("});")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- Ruby


def _rb_str(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _rb(value: Any, indent: int) -> str:
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{pad}  {_rb_str(str(k))} => {_rb(v, indent + 2)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = [f"{pad}  {_rb(v, indent + 2)}" for v in value]
        return "[\n" + ",\n".join(items) + f"\n{pad}]"
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _rb_str(value)
    return repr(value) if isinstance(value, float) else str(value)


def render_ruby_handlers(plan: ScaffoldPlan, task: str, style: str = "dsl") -> str:
    """``handlers.rb``: the handlers in ``Handlers``, work methods in ``Handlers::Steps``.

    ``dsl`` defines each handler with the SDK's functional factories; ``class``
    writes a ``TaskerCore::StepHandler::Base`` subclass whose ``handler_name`` is
    the callable and whose ``call`` reads the dependencies from the context.
    """
    work: list[str] = []
    defs: list[str] = []
    for handler in plan.handlers:
        w, d = _rb_handler(handler, style)
        work += ["", *w]
        defs += ["", *d]
    out = [
        "# frozen_string_literal: true",
        "",
        f"# Step handlers for the {task} task template, generated by tasker-ctl.",
        "#",
        "# Each handler is registered under its step's handler.callable, builds its",
        "# dependencies' results into the models' structs, hands them to a typed work",
        "# method in Handlers::Steps and returns its result (checked against its struct).",
        "# The work methods return schema-shaped sample data: replace them with your logic.",
        "",
        "require 'tasker_core'",
        "require_relative 'models'",
        "",
        "module Handlers",
        *(["  extend TaskerCore::StepHandler::Functional", ""] if style == "dsl" else []),
        "  # The work of each step: typed dependencies in, a result hash out.",
        "  module Steps",
        "    module_function",
        *work,
        "  end",
        *defs,
        *(_rb_registrations(plan) if style == "class" else []),
        "end",
    ]
    return "\n".join(out) + "\n"


def _rb_registrations(plan: ScaffoldPlan) -> list[str]:
    """Register each class under its callable.

    The Ruby worker finds a class by its constant name; a dotted callable
    (``shop.price``) resolves only through an explicit registration.
    """
    return [
        "",
        "  # The worker finds these classes by handler.callable through its registry.",
        "  registry = TaskerCore::Registry::HandlerRegistry.instance",
        *(
            f"  registry.register_handler({_rb_str(h.callable)}, {h.class_name})"
            for h in plan.handlers
        ),
    ]


def _rb_handler(handler: HandlerPlan, style: str = "dsl") -> tuple[list[str], list[str]]:
    name = handler.class_name
    deps = [d for d in handler.dependencies if d.step != handler.aggregates]
    params = [f"_{d.param}" for d in deps] + ["_context"]
    args = []
    for dep in deps:
        if dep.result_type is None:
            args.append(dep.param)
        elif dep.optional:
            args.append(f"{dep.param} && {dep.result_type}.new({dep.param})")
        else:
            args.append(f"{dep.result_type}.new({dep.param})")
    args.append("context")
    fn = handler.function
    work = [*_comment(_summary(handler), "    ", "#"), f"    def {fn}({', '.join(params)})"]
    if handler.kind is StepType.DECISION:
        branches = ", ".join(_rb_str(b) for b in handler.branches)
        work += [
            "      # It may create any of the steps below it; this placeholder creates all.",
            f"      [{branches}]",
            "    end",
        ]
    elif handler.kind is StepType.BATCHABLE and handler.worker_template:
        work += [
            f"      # Two batches of {handler.batch_size} items: one worker per cursor range.",
            f"      {handler.batch_size * 2}",
            "    end",
        ]
    elif handler.result_type is not None:
        work += [
            f"      result = {_rb(handler.result_sample, 6)}",
            f"      {handler.result_type}.new(result) # raises if it does not fit the schema",
            "      result",
            "    end",
        ]
    elif handler.aggregates:
        work = [*work[:-1], f"    def {fn}({', '.join([*params[:-1], 'context'])})"]
        work += [
            "      names = context.dependency_results.keys.map(&:to_s)",
            f"      prefix = {_rb_str(handler.aggregates + '_')}",
            "      workers = names.select { |step| step.start_with?(prefix) }",
            "      { 'worker_count' => workers.size, 'no_batches' => workers.empty? }",
            "    end",
        ]
    else:
        work += [f"      {{ 'step' => {_rb_str(handler.step)} }}", "    end"]
    depends = ", ".join(f"{d.param}: [{_rb_str(d.step)}]" for d in deps)
    keywords = ", ".join([*(f"{d.param}:" for d in deps), "context:"])
    call = f"Steps.{fn}({', '.join(args)})"
    if handler.kind is StepType.DECISION:
        factory, extra, body = "decision_handler", [], f"Decision.route({call}, route: 'all')"
    elif handler.kind is StepType.BATCHABLE and handler.worker_template:
        factory = "batch_analyzer"
        extra = [f"worker_template: {_rb_str(handler.worker_template)}"]
        body = f"BatchConfig.new(total_items: {call}, batch_size: {handler.batch_size})"
    elif handler.kind is StepType.BATCH_WORKER:
        factory, extra, body = "batch_worker", [], call
        keywords = ", ".join([*(f"{d.param}:" for d in deps), "batch_context:", "context:"])
    else:
        factory, extra, body = "step_handler", [], call
    if style == "class":
        return work, _rb_class(handler, [d.param for d in deps], deps, call)
    options = [_rb_str(handler.callable), *extra]
    if deps:
        options.append(f"depends_on: {{ {depends} }}")
    definition = [
        f"  {name} = {factory}(",
        *[f"    {o}," for o in options[:-1]],
        f"    {options[-1]}",
        f"  ) do |{keywords}|",
        f"    {body}",
        "  end",
    ]
    return work, definition


def _rb_class(handler: HandlerPlan, params: list[str], deps: list[Any], call: str) -> list[str]:
    """A ``TaskerCore::StepHandler::Base`` subclass whose ``handler_name`` is the callable."""
    reads = [
        f"      {param} = context.get_dependency_result({_rb_str(dep.step)})"
        for param, dep in zip(params, deps, strict=True)
    ]
    if handler.kind is StepType.DECISION:
        body = [
            *reads,
            f"      step_names = {call}",
            "      outcome = if step_names.empty?",
            "                  { 'type' => 'no_branches' }",
            "                else",
            "                  { 'type' => 'create_steps', 'step_names' => step_names }",
            "                end",
            "      success(result: { 'decision_point_outcome' => outcome })",
        ]
    elif handler.kind is StepType.BATCHABLE and handler.worker_template:
        size = handler.batch_size
        body = [
            *reads,
            f"      total = {call}",
            f"      configs = (0...total).step({size}).each_with_index.map do |start, index|",
            "        {",
            "          'batch_id' => format('%03d', index + 1),",
            "          'start_cursor' => start,",
            f"          'end_cursor' => [start + {size}, total].min,",
            f"          'batch_size' => [{size}, total - start].min",
            "        }",
            "      end",
            "      success(",
            "        result: {",
            "          'batch_processing_outcome' => {",
            "            'type' => 'create_batches',",
            f"            'worker_template_name' => {_rb_str(handler.worker_template)},",
            "            'worker_count' => configs.size,",
            "            'cursor_configs' => configs,",
            "            'total_items' => total",
            "          }",
            "        }",
            "      )",
        ]
    else:
        body = [*reads, f"      success(result: {call})"]
    return [
        *_comment(_summary(handler), "  ", "#"),
        f"  class {handler.class_name} < TaskerCore::StepHandler::Base",
        "    def handler_name",
        f"      {_rb_str(handler.callable)}",
        "    end",
        "",
        "    def call(context)",
        *body,
        "    end",
        "  end",
    ]


def render_ruby_tests(plan: ScaffoldPlan, task: str, module: str = "handlers") -> str:
    """``tests.rb`` (RSpec): each handler called with a StepContext double."""
    out = [
        "# frozen_string_literal: true",
        "",
        f"# Tests for the generated step handlers of {task} (RSpec).",
        "",
        "require 'json'",
        f"require_relative {_rb_str(module)}",
        "",
        f"RSpec.describe {_rb_str(task)} do",
        "  def step_context(dependencies: {}, step_inputs: {})",
        "    context = instance_double(",
        "      'TaskerCore::Types::StepContext',",
        f"      input_data: {_rb(plan.input_sample, 6)},",
        "      dependency_results: dependencies,",
        "      step_inputs: step_inputs,",
        "      retry_count: 0",
        "    )",
        "    allow(context).to receive(:get_dependency_result) { |step| dependencies[step.to_s] }",
        "    context",
        "  end",
    ]
    for handler in plan.handlers:
        name = handler.class_name
        deps = {
            d.step: d.sample if d.result_type is not None else {}
            for d in handler.dependencies
            if d.step != handler.aggregates
        }
        out += [
            "",
            f"  it {_rb_str(handler.step + ' returns a successful result')} do",
            f"    handler = Handlers::{name}.new",
            f"    expect(handler.handler_name).to eq({_rb_str(handler.callable)})",
            f"    result = handler.call(step_context(dependencies: {_rb(deps, 4)}))",
            "    expect(result).to be_a(TaskerCore::Types::StepHandlerCallResult::Success)",
            "  end",
        ]
    out.append("end")
    return "\n".join(out) + "\n"
