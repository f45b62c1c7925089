"""Structural compatibility of two JSON Schemas: does the producer give what the consumer needs?

The grammar's contract rule (``tasker-grammar``'s ``check_schema_compatibility``):

* a consumer schema that is absent, ``null`` or ``{}`` asks for nothing;
* otherwise the producer must declare a schema (``MISSING_PRODUCER_SCHEMA``);
* every field the consumer ``required`` must be among the producer's
  ``properties`` (``MISSING_REQUIRED_FIELD``);
* where both sides give a field a ``type``, every consumer type must be met by
  a producer type, an ``integer`` meeting a ``number`` (``TYPE_MISMATCH``);
  objects are compared recursively and arrays by their ``items``, at most 32
  levels deep (``SCHEMA_DEPTH_EXCEEDED``, a warning);
* a field the consumer declares but does not require is compared too, and its
  problems are warnings.

Only ``required``, ``properties``, ``type`` and ``items`` are read, and only when
they have the shapes serde reads (a list of strings, a mapping, a type name or a
list of them); a schema whose keywords have other shapes counts as no schema.
Each problem carries the JSON pointer of the consumer's keyword it is about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tasker_ctl.validation.serde import escape_pointer

MAX_DEPTH = 32
JSON_TYPES = ("string", "number", "integer", "boolean", "object", "array", "null")


@dataclass(frozen=True)
class CompatProblem:
    """One incompatibility between a producer and a consumer schema."""

    code: str
    error: bool
    """``False`` for warnings: optional fields and the depth limit."""
    field: str | None
    message: str
    pointer: str


@dataclass
class _Shape:
    required: list[str] = field(default_factory=list)
    properties: dict[str, Any] = field(default_factory=dict)
    types: list[str] = field(default_factory=list)
    items: Any = None
    has_items: bool = False


def _shape(value: Any) -> _Shape | None:
    """The keywords the check reads, or ``None`` for no schema (or one serde cannot read)."""
    if value is None or not isinstance(value, dict) or not value:
        return None
    shape = _Shape()
    if "required" in value:
        required = value["required"]
        if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
            return None
        shape.required = required
    if "properties" in value:
        properties = value["properties"]
        if not isinstance(properties, dict):
            return None
        shape.properties = properties
    declared = value.get("type")
    if isinstance(declared, str):
        shape.types = [declared] if declared in JSON_TYPES else []
    elif isinstance(declared, list) and all(isinstance(t, str) for t in declared):
        shape.types = [t for t in declared if t in JSON_TYPES]
    elif declared is not None:
        return None
    if value.get("items") is not None:
        shape.items, shape.has_items = value["items"], True
    return shape


def _satisfies(producer: str, consumer: str) -> bool:
    return producer == consumer or (producer == "integer" and consumer == "number")


@dataclass(frozen=True)
class Contract:
    """Who produces and who consumes, as messages name them, and where each schema is."""

    producer: str
    consumer: str
    producer_pointer: str
    consumer_pointer: str


def check_compatibility(producer: Any, consumer: Any, contract: Contract) -> list[CompatProblem]:
    """Every way ``producer`` fails to give what ``consumer`` requires."""
    problems: list[CompatProblem] = []
    _compare(
        producer,
        consumer,
        contract,
        contract.producer_pointer,
        contract.consumer_pointer,
        "",
        0,
        problems,
    )
    return problems


def _compare(
    producer: Any,
    consumer: Any,
    contract: Contract,
    producer_at: str,
    consumer_at: str,
    prefix: str,
    depth: int,
    out: list[CompatProblem],
) -> None:
    if depth > MAX_DEPTH:
        out.append(
            CompatProblem(
                "SCHEMA_DEPTH_EXCEEDED",
                False,
                None,
                f"{contract.consumer} nests deeper than {MAX_DEPTH} levels; "
                "what lies deeper is not compared",
                consumer_at,
            )
        )
        return
    wanted = _shape(consumer)
    if wanted is None:
        return
    given = _shape(producer)
    if given is None:
        out.append(
            CompatProblem(
                "MISSING_PRODUCER_SCHEMA",
                True,
                prefix.rstrip(".") or None,
                f"{contract.consumer} expects a schema"
                + (f" for '{prefix.rstrip('.')}'" if prefix else "")
                + f" but {contract.producer} declares none",
                producer_at,
            )
        )
        return
    for index, name in enumerate(wanted.required):
        if name not in given.properties:
            out.append(
                CompatProblem(
                    "MISSING_REQUIRED_FIELD",
                    True,
                    prefix + name,
                    f"{contract.consumer} requires '{prefix}{name}' but "
                    f"{contract.producer} does not declare it",
                    f"{consumer_at}/required/{index}",
                )
            )
            continue
        if name in wanted.properties:
            _field(given, wanted, name, contract, producer_at, consumer_at, prefix, depth, out)
    for name in wanted.properties:
        if name in wanted.required or name not in given.properties:
            continue
        optional: list[CompatProblem] = []
        _field(given, wanted, name, contract, producer_at, consumer_at, prefix, depth, optional)
        out.extend(CompatProblem(p.code, False, p.field, p.message, p.pointer) for p in optional)


def _field(
    given: _Shape,
    wanted: _Shape,
    name: str,
    contract: Contract,
    producer_at: str,
    consumer_at: str,
    prefix: str,
    depth: int,
    out: list[CompatProblem],
) -> None:
    producer = given.properties[name]
    consumer = wanted.properties[name]
    producer_at = f"{producer_at}/properties/{escape_pointer(name)}"
    consumer_at = f"{consumer_at}/properties/{escape_pointer(name)}"
    p_shape = _shape(producer) or _Shape()
    c_shape = _shape(consumer) or _Shape()
    if not p_shape.types or not c_shape.types:
        return
    for expected in c_shape.types:
        if not any(_satisfies(t, expected) for t in p_shape.types):
            out.append(
                CompatProblem(
                    "TYPE_MISMATCH",
                    True,
                    prefix + name,
                    f"'{prefix}{name}' is {' or '.join(p_shape.types)} in {contract.producer} "
                    f"but {contract.consumer} expects {expected}",
                    f"{consumer_at}/type",
                )
            )
    if "object" in p_shape.types and "object" in c_shape.types:
        nested = f"{prefix}{name}."
        _compare(producer, consumer, contract, producer_at, consumer_at, nested, depth + 1, out)
    arrays = "array" in p_shape.types and "array" in c_shape.types
    if arrays and p_shape.has_items and c_shape.has_items:
        _compare(
            p_shape.items,
            c_shape.items,
            contract,
            f"{producer_at}/items",
            f"{consumer_at}/items",
            f"{prefix}{name}[].",
            depth + 1,
            out,
        )
