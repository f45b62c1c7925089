"""The task-template model exactly as the real Rust ``TaskTemplate`` reads it.

Field names, aliases (``type``/``step_type``, ``dependencies``/``depends_on``),
defaults and enum values follow ``tasker-shared``'s serde model. Unknown keys
are ignored here, as serde ignores them; the linter reports them separately
(it reads the raw YAML nodes, with their line numbers).

Two defaults differ on purpose, as they do in Rust: a step *without* a
``retry`` block gets ``RetryConfiguration.default_block()`` (base 1000 ms,
max 30000 ms), while a ``retry`` block that omits the backoff times leaves
them ``None``.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field


class StepType(enum.StrEnum):
    """The five step types of ``StepType``."""

    STANDARD = "standard"
    DECISION = "decision"
    DEFERRED_CONVERGENCE = "deferred_convergence"
    BATCHABLE = "batchable"
    BATCH_WORKER = "batch_worker"


class BackoffStrategy(enum.StrEnum):
    """``retry.backoff`` values."""

    NONE = "none"
    LINEAR = "linear"
    EXPONENTIAL = "exponential"
    FIBONACCI = "fibonacci"


class FailureStrategy(enum.StrEnum):
    """``batch_config.failure_strategy`` values."""

    CONTINUE_ON_FAILURE = "continue_on_failure"
    FAIL_FAST = "fail_fast"
    ISOLATE = "isolate"


class EventCondition(enum.StrEnum):
    """``publishes_events[].condition`` values."""

    SUCCESS = "success"
    FAILURE = "failure"
    RETRYABLE_FAILURE = "retryable_failure"
    PERMANENT_FAILURE = "permanent_failure"
    ALWAYS = "always"


class DeliveryMode(enum.StrEnum):
    """``publishes_events[].delivery_mode`` values."""

    DURABLE = "durable"
    FAST = "fast"
    BROADCAST = "broadcast"


U32_MAX = 2**32 - 1
U64_MAX = 2**64 - 1
I32_MIN, I32_MAX = -(2**31), 2**31 - 1


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


class HandlerDefinition(_Model):
    """``steps[].handler``: what runs the step."""

    callable: str
    method: str | None = None
    resolver: str | None = None
    initialization: dict[str, Any] = Field(default_factory=dict)


class RetryConfiguration(_Model):
    """``steps[].retry``. Only ``retryable`` and ``max_attempts`` reach the database."""

    retryable: bool = True
    max_attempts: int = Field(default=3, ge=0, le=U32_MAX)
    backoff: BackoffStrategy = BackoffStrategy.EXPONENTIAL
    backoff_base_ms: int | None = Field(default=None, ge=0, le=U64_MAX)
    max_backoff_ms: int | None = Field(default=None, ge=0, le=U64_MAX)

    @classmethod
    def default_block(cls) -> RetryConfiguration:
        """The value Rust uses when a step has no ``retry`` block at all."""
        return cls(backoff_base_ms=1000, max_backoff_ms=30000)


class BatchConfiguration(_Model):
    """``steps[].batch_config`` (read from the ``batch_worker`` step); all keys required."""

    batch_size: int = Field(ge=0, le=U32_MAX)
    parallelism: int = Field(ge=0, le=U32_MAX)
    cursor_field: str
    worker_template: str
    failure_strategy: FailureStrategy


class EventDeclaration(_Model):
    """``steps[].publishes_events[]``."""

    name: str
    description: str
    condition: EventCondition = EventCondition.SUCCESS
    schema_: Any = Field(alias="schema")
    delivery_mode: DeliveryMode = DeliveryMode.DURABLE
    publisher: str | None = None


class StepDefinition(_Model):
    """``steps[]``."""

    name: str
    description: str | None = None
    handler: HandlerDefinition
    type: StepType = Field(
        default=StepType.STANDARD, validation_alias=AliasChoices("type", "step_type")
    )
    system_dependency: str | None = None
    dependencies: list[str] = Field(
        default_factory=list, validation_alias=AliasChoices("dependencies", "depends_on")
    )
    retry: RetryConfiguration = Field(default_factory=RetryConfiguration.default_block)
    timeout_seconds: int | None = Field(default=None, ge=0, le=U32_MAX)
    publishes_events: list[EventDeclaration] = Field(default_factory=list)
    batch_config: BatchConfiguration | None = None
    result_schema: Any = None
    composition: Any = None


class TemplateMetadata(_Model):
    """``metadata``."""

    author: str | None = None
    tags: list[str] = Field(default_factory=list)
    documentation_url: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class SystemDependencies(_Model):
    """``system_dependencies`` (documentation only at runtime)."""

    primary: str = "default"
    secondary: list[str] = Field(default_factory=list)


class DomainEventDefinition(_Model):
    """``domain_events[]``."""

    name: str
    description: str | None = None
    schema_: Any = Field(default=None, alias="schema")


class LifecycleConfig(_Model):
    """Template-level ``lifecycle`` (staleness thresholds)."""

    max_duration_minutes: int | None = Field(default=None, ge=I32_MIN, le=I32_MAX)
    max_waiting_for_dependencies_minutes: int | None = Field(default=None, ge=I32_MIN, le=I32_MAX)
    max_waiting_for_retry_minutes: int | None = Field(default=None, ge=I32_MIN, le=I32_MAX)
    max_steps_in_process_minutes: int | None = Field(default=None, ge=I32_MIN, le=I32_MAX)
    staleness_action: str = "dlq"
    auto_fail_on_timeout: bool | None = None
    auto_dlq_on_timeout: bool | None = None


class HandlerOverride(_Model):
    """``environments.<env>.steps[].handler``."""

    initialization: dict[str, Any] | None = None


class StepOverride(_Model):
    """``environments.<env>.steps[]``; ``name: ALL`` applies to every step."""

    name: str
    handler: HandlerOverride | None = None
    timeout_seconds: int | None = Field(default=None, ge=0, le=U32_MAX)
    retry: RetryConfiguration | None = None


class EnvironmentOverride(_Model):
    """``environments.<env>``."""

    steps: list[StepOverride] = Field(default_factory=list)


class TaskTemplate(_Model):
    """The root of a task-template YAML file."""

    name: str
    namespace_name: str
    version: str
    description: str | None = None
    metadata: TemplateMetadata | None = None
    system_dependencies: SystemDependencies = Field(default_factory=SystemDependencies)
    domain_events: list[DomainEventDefinition] = Field(default_factory=list)
    input_schema: Any = None
    steps: list[StepDefinition] = Field(default_factory=list)
    environments: dict[str, EnvironmentOverride] = Field(default_factory=dict)
    lifecycle: LifecycleConfig | None = None

    def step(self, name: str) -> StepDefinition | None:
        """The step called ``name``, if any (the first one, if names repeat)."""
        return next((s for s in self.steps if s.name == name), None)
