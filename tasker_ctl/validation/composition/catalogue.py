"""The grammar's capability catalogue: the six built-in capabilities and their contracts.

These are the facts of tasker-grammar's standard vocabulary (``vocabulary.rs``):
each capability's grammar category, whether it mutates (then every invocation
must be a checkpoint), the JSON Schema its ``config`` must satisfy, and which
``config`` fields hold jq expressions (the validator's per-category table).
The schemas are kept as data, as upstream keeps them, and checked with
:mod:`tasker_ctl.validation.composition.config_schema`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_INVOCATIONS = 100
"""More invocations than this: the composition is refused (and the executor would too)."""
MAX_NAME_BYTES = 256
MAX_DESCRIPTION_BYTES = 4096
MAX_CAPABILITY_NAME_BYTES = 128
"""Field length limits, in UTF-8 bytes (Rust ``String::len``)."""


@dataclass(frozen=True)
class Capability:
    """One capability of the vocabulary."""

    name: str
    category: str
    """Grammar category: transform, validate, assert, acquire, persist or emit."""
    description: str
    config_schema: dict[str, Any]
    mutating: bool
    expression_fields: tuple[str, ...]
    """``config`` fields read as jq expressions (a string, or ``{expression: ...}``)."""

    @property
    def produces_output_schema(self) -> bool:
        """Whether an invocation declares its output (``config.output``, transform only)."""
        return self.category == "transform"


def _object(required: tuple[str, ...], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": list(required), "properties": properties}


_STRING = {"type": "string"}
_OBJECT = {"type": "object"}
_ANY: dict[str, Any] = {}

CAPABILITIES: dict[str, Capability] = {
    c.name: c
    for c in (
        Capability(
            "transform",
            "transform",
            "pure data transformation: a jq filter over the envelope",
            _object(("output", "filter"), {"output": _OBJECT, "filter": _STRING}),
            mutating=False,
            expression_fields=("filter",),
        ),
        Capability(
            "validate",
            "validate",
            "JSON Schema validation of the envelope's data",
            _object(("schema",), {"schema": _OBJECT, "on_failure": _STRING}),
            mutating=False,
            expression_fields=(),
        ),
        Capability(
            "assert",
            "assert",
            "an execution gate: a jq boolean and the error raised when it is false",
            _object(("filter", "error"), {"filter": _STRING, "error": _STRING}),
            mutating=False,
            expression_fields=("filter",),
        ),
        Capability(
            "acquire",
            "acquire",
            "fetch data from a resource",
            _object(
                ("resource",),
                {
                    "resource": _ANY,
                    "params": _ANY,
                    "constraints": _OBJECT,
                    "validate_success": _OBJECT,
                    "result_shape": _OBJECT,
                },
            ),
            mutating=False,
            expression_fields=("params", "validate_success", "result_shape"),
        ),
        Capability(
            "persist",
            "persist",
            "write state to a resource",
            _object(
                ("resource", "data"),
                {
                    "resource": _ANY,
                    "data": _ANY,
                    "mode": _STRING,
                    "identity": _OBJECT,
                    "constraints": _OBJECT,
                    "validate_success": _OBJECT,
                    "result_shape": _OBJECT,
                },
            ),
            mutating=True,
            expression_fields=("data", "validate_success", "result_shape"),
        ),
        Capability(
            "emit",
            "emit",
            "fire a domain event",
            _object(
                ("event_name", "payload"),
                {
                    "event_name": _STRING,
                    "event_version": _STRING,
                    "resource": _STRING,
                    "payload": _ANY,
                    "condition": _STRING,
                    "metadata": _OBJECT,
                    "result_shape": _OBJECT,
                    "validate_success": _OBJECT,
                },
            ),
            mutating=True,
            expression_fields=("payload", "condition", "validate_success", "result_shape"),
        ),
    )
}
"""The standard vocabulary, by name (upstream's ``standard_capability_registry``)."""

EMIT_METADATA_EXPRESSIONS = ("correlation_id", "idempotency_key")
"""``emit`` ``config.metadata`` fields that hold jq expressions too."""
