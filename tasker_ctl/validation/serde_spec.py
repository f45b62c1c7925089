"""The shape of a task template as serde reads it: structs, fields, kinds, aliases.

This table mirrors the Rust ``TaskTemplate`` (``tasker-shared``'s
``models/core/task_template``) field by field, with the serde attributes that
change how YAML is read: required fields (no ``#[serde(default)]``), aliases,
``Option``, integer widths and enums. The pydantic model in
:mod:`tasker_ctl.model.template` describes the same shape;
``tests/validation/test_serde_spec.py`` checks the two never drift apart. The
linter uses this table rather than pydantic because it must report *every*
problem with its line, and because importing pydantic would double the start-up
time of ``tasker-ctl validate``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Kind:
    """How one value is read.

    ``name`` is one of ``str``, ``u32``, ``u64``, ``i32``, ``bool``, ``enum``,
    ``datetime``, ``struct``, ``vec``, ``map`` (string keys) and ``value`` (any
    JSON value, YAML 1.2 core typing). ``optional`` is Rust's ``Option``: null
    reads as ``None``.
    """

    name: str
    optional: bool = False
    item: Kind | None = None
    struct: str | None = None
    variants: tuple[str, ...] = ()

    def describe(self) -> str:
        """The Rust-ish type name used in messages (``u32``, ``a list``...)."""
        return _DESCRIPTIONS.get(self.name, self.name) if self.name != "struct" else "a mapping"


_DESCRIPTIONS = {
    "str": "a string",
    "u32": "an unsigned integer (u32)",
    "u64": "an unsigned integer (u64)",
    "i32": "an integer (i32)",
    "bool": "a boolean (true or false)",
    "enum": "one of the listed values",
    "datetime": "an RFC 3339 date-time such as 2026-01-07T00:00:00Z",
    "vec": "a list",
    "map": "a mapping",
    "value": "any JSON value",
}


@dataclass(frozen=True, slots=True)
class Field:
    """A struct field: its YAML key, kind, whether serde requires it, its aliases."""

    name: str
    kind: Kind
    required: bool = False
    aliases: tuple[str, ...] = ()


STR = Kind("str")
OPT_STR = Kind("str", optional=True)
U32 = Kind("u32")
OPT_U32 = Kind("u32", optional=True)
OPT_U64 = Kind("u64", optional=True)
OPT_I32 = Kind("i32", optional=True)
BOOL = Kind("bool")
OPT_BOOL = Kind("bool", optional=True)
VALUE = Kind("value")
OPT_VALUE = Kind("value", optional=True)
OPT_DATETIME = Kind("datetime", optional=True)
STR_LIST = Kind("vec", item=STR)
VALUE_MAP = Kind("map", item=VALUE)

STEP_TYPES = ("standard", "decision", "deferred_convergence", "batchable", "batch_worker")
BACKOFFS = ("none", "linear", "exponential", "fibonacci")
FAILURE_STRATEGIES = ("continue_on_failure", "fail_fast", "isolate")
EVENT_CONDITIONS = ("success", "failure", "retryable_failure", "permanent_failure", "always")
DELIVERY_MODES = ("durable", "fast", "broadcast")


def struct(name: str, *, optional: bool = False) -> Kind:
    """A nested struct."""
    return Kind("struct", optional=optional, struct=name)


def vec_of(name: str) -> Kind:
    """A list of structs."""
    return Kind("vec", item=struct(name))


def enum(variants: tuple[str, ...]) -> Kind:
    """A unit-variant enum read from a string."""
    return Kind("enum", variants=variants)


def _fields(*fields: Field) -> dict[str, Field]:
    return {f.name: f for f in fields}


STRUCTS: dict[str, dict[str, Field]] = {
    "TaskTemplate": _fields(
        Field("name", STR, required=True),
        Field("namespace_name", STR, required=True),
        Field("version", STR, required=True),
        Field("description", OPT_STR),
        Field("metadata", struct("TemplateMetadata", optional=True)),
        Field("system_dependencies", struct("SystemDependencies")),
        Field("domain_events", vec_of("DomainEventDefinition")),
        Field("input_schema", OPT_VALUE),
        Field("steps", vec_of("StepDefinition")),
        Field("environments", Kind("map", item=struct("EnvironmentOverride"))),
        Field("lifecycle", struct("LifecycleConfig", optional=True)),
    ),
    "TemplateMetadata": _fields(
        Field("author", OPT_STR),
        Field("tags", STR_LIST),
        Field("documentation_url", OPT_STR),
        Field("created_at", OPT_DATETIME),
        Field("updated_at", OPT_DATETIME),
    ),
    "SystemDependencies": _fields(
        Field("primary", STR),
        Field("secondary", STR_LIST),
    ),
    "DomainEventDefinition": _fields(
        Field("name", STR, required=True),
        Field("description", OPT_STR),
        Field("schema", OPT_VALUE),
    ),
    "StepDefinition": _fields(
        Field("name", STR, required=True),
        Field("description", OPT_STR),
        Field("handler", struct("HandlerDefinition"), required=True),
        Field("type", enum(STEP_TYPES), aliases=("step_type",)),
        Field("system_dependency", OPT_STR),
        Field("dependencies", STR_LIST, aliases=("depends_on",)),
        Field("retry", struct("RetryConfiguration")),
        Field("timeout_seconds", OPT_U32),
        Field("publishes_events", vec_of("EventDeclaration")),
        Field("batch_config", struct("BatchConfiguration", optional=True)),
        Field("result_schema", OPT_VALUE),
        Field("composition", OPT_VALUE),
    ),
    "HandlerDefinition": _fields(
        Field("callable", STR, required=True),
        Field("method", OPT_STR),
        Field("resolver", OPT_STR),
        Field("initialization", VALUE_MAP),
    ),
    "RetryConfiguration": _fields(
        Field("retryable", BOOL),
        Field("max_attempts", U32),
        Field("backoff", enum(BACKOFFS)),
        Field("backoff_base_ms", OPT_U64),
        Field("max_backoff_ms", OPT_U64),
    ),
    "BatchConfiguration": _fields(
        Field("batch_size", U32, required=True),
        Field("parallelism", U32, required=True),
        Field("cursor_field", STR, required=True),
        Field("worker_template", STR, required=True),
        Field("failure_strategy", enum(FAILURE_STRATEGIES), required=True),
    ),
    "EventDeclaration": _fields(
        Field("name", STR, required=True),
        Field("description", STR, required=True),
        Field("condition", enum(EVENT_CONDITIONS)),
        Field("schema", VALUE, required=True),
        Field("delivery_mode", enum(DELIVERY_MODES)),
        Field("publisher", OPT_STR),
    ),
    "LifecycleConfig": _fields(
        Field("max_duration_minutes", OPT_I32),
        Field("max_waiting_for_dependencies_minutes", OPT_I32),
        Field("max_waiting_for_retry_minutes", OPT_I32),
        Field("max_steps_in_process_minutes", OPT_I32),
        Field("staleness_action", STR),
        Field("auto_fail_on_timeout", OPT_BOOL),
        Field("auto_dlq_on_timeout", OPT_BOOL),
    ),
    "EnvironmentOverride": _fields(
        Field("steps", vec_of("StepOverride")),
    ),
    "StepOverride": _fields(
        Field("name", STR, required=True),
        Field("handler", struct("HandlerOverride", optional=True)),
        Field("timeout_seconds", OPT_U32),
        Field("retry", struct("RetryConfiguration", optional=True)),
    ),
    "HandlerOverride": _fields(
        Field("initialization", Kind("map", optional=True, item=VALUE)),
    ),
}

KEY_HINTS: dict[tuple[str, str], str] = {
    ("RetryConfiguration", "initial_delay"): "the real system reads `backoff_base_ms` (ms)",
    ("RetryConfiguration", "max_delay"): "the real system reads `max_backoff_ms` (ms)",
    ("RetryConfiguration", "retry_limit"): "the real system reads `max_attempts`",
    ("StepDefinition", "lifecycle"): (
        "a step-level `lifecycle` is dropped; only the template-level `lifecycle` is read"
    ),
    ("StepDefinition", "depends"): "write `dependencies` (or `depends_on`)",
    ("TaskTemplate", "loaded_from"): "`loaded_from` is not part of the model; remove it",
    ("TaskTemplate", "step_templates"): "legacy key: the real system reads `steps`",
    ("TaskTemplate", "namespace"): "the real system reads `namespace_name`",
    ("TaskTemplate", "task_handler"): (
        "legacy key: the real system has no template-level handler; only step handlers run"
    ),
    ("TaskTemplate", "task_handler_class"): (
        "legacy key: the real system has no template-level handler; only step handlers run"
    ),
    ("TaskTemplate", "named_steps"): "legacy key: the real system reads the steps from `steps`",
    ("HandlerDefinition", "handler_method"): "the real system reads `method`",
    ("HandlerDefinition", "handler_class"): "the real system reads `callable`",
    ("HandlerDefinition", "class"): "the real system reads `callable`",
    ("HandlerDefinition", "handler_config"): "the real system reads `initialization`",
    ("HandlerDefinition", "config"): "the real system reads `initialization`",
    ("StepDefinition", "handler_config"): "legacy key: put it under `handler.initialization`",
}
"""Hints for unknown keys that are known mistakes (legacy dialects, renamed keys)."""

SCALAR_HINTS: dict[str, str] = {
    "HandlerDefinition": "a handler is a mapping: `handler: {callable: <name>}`",
    "EventDeclaration": "each event is a mapping with `name`, `description` and `schema`",
    "StepDefinition": "each step is a mapping with at least `name` and `handler`",
}
"""Hints for a struct written as a plain value (``handler: validate_cart``)."""

VARIANT_HINTS: dict[str, tuple[str]] = {
    "deferred": ("deferred_convergence",),
    "decision_point": ("decision",),
}
"""Step types from stale documentation, and what the real system calls them."""

PLACES: dict[str, str] = {
    "TaskTemplate": " at the template root",
    "StepDefinition": " in a step",
    "HandlerDefinition": " in `handler`",
    "RetryConfiguration": " in `retry`",
    "BatchConfiguration": " in `batch_config`",
    "EventDeclaration": " in a `publishes_events` item",
    "TemplateMetadata": " in `metadata`",
    "LifecycleConfig": " in `lifecycle`",
    "StepOverride": " in an environment step override",
    "EnvironmentOverride": " in an environment",
    "HandlerOverride": " in an environment handler override",
    "DomainEventDefinition": " in a `domain_events` item",
    "SystemDependencies": " in `system_dependencies`",
}
"""Where a struct sits, for messages (``unknown key `x` in `retry```)."""
