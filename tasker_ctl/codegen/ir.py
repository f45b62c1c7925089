"""The type model every emitter reads: named models and aliases, and type expressions.

:mod:`tasker_ctl.codegen.schema` builds it from JSON Schema; one emitter per
language (``emit_python``, ``emit_typescript``, ``emit_ruby``, ``emit_rust``)
turns it into source text. Nothing here knows about a target language: field
names are the JSON property names; each emitter derives its own attribute
names (see ``docs/codegen.md``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

__all__ = [
    "Alias",
    "AnyType",
    "ArrayOf",
    "Definition",
    "EnumOf",
    "Field",
    "JsonScalar",
    "MapOf",
    "Model",
    "Notice",
    "Nullable",
    "Prim",
    "PrimKind",
    "Ref",
    "SchemaPath",
    "TypeExpr",
    "TypeModule",
    "UnionOf",
    "format_path",
    "walk",
]

SchemaPath: TypeAlias = tuple[str | int, ...]
"""Where something is in the template, e.g. ``("steps", 2, "result_schema", "properties")``."""

JsonScalar: TypeAlias = str | int | bool | None
PrimKind: TypeAlias = Literal["string", "integer", "number", "boolean", "null"]


@dataclass(frozen=True)
class Prim:
    """A JSON primitive: ``string``, ``integer``, ``number``, ``boolean`` or ``null``."""

    kind: PrimKind


@dataclass(frozen=True)
class ArrayOf:
    """A JSON array whose items are ``item``."""

    item: TypeExpr


@dataclass(frozen=True)
class MapOf:
    """A JSON object used as a string-keyed map whose values are ``value``."""

    value: TypeExpr


@dataclass(frozen=True)
class Ref:
    """A named :class:`Model` or :class:`Alias` of the same module."""

    name: str


@dataclass(frozen=True)
class EnumOf:
    """One of fixed JSON scalars (strings, integers, booleans; never null: see Nullable)."""

    values: tuple[JsonScalar, ...]


@dataclass(frozen=True)
class UnionOf:
    """Any one of ``options`` (at least two, none of them nullable)."""

    options: tuple[TypeExpr, ...]


@dataclass(frozen=True)
class Nullable:
    """``inner`` or JSON ``null``."""

    inner: TypeExpr


@dataclass(frozen=True)
class AnyType:
    """Any JSON value: an empty schema, or what the target cannot express (see notes)."""


TypeExpr: TypeAlias = Prim | ArrayOf | MapOf | Ref | EnumOf | UnionOf | Nullable | AnyType


@dataclass(frozen=True)
class Field:
    """A property of a model, under its JSON name."""

    name: str
    type: TypeExpr
    required: bool
    description: str | None = None
    notes: tuple[str, ...] = ()
    """Constraints and formats the type does not carry (``format: email``, ``minimum: 0``)."""


@dataclass(frozen=True)
class Model:
    """A JSON object with declared properties: a class/struct in every target."""

    name: str
    fields: tuple[Field, ...]
    description: str | None = None
    extra: Literal["ignore", "allow", "forbid"] = "ignore"
    """``additionalProperties``: absent (ignore), true or a schema (allow), false (forbid)."""
    extra_type: TypeExpr | None = None
    """The schema of additional properties, when ``additionalProperties`` is one."""


@dataclass(frozen=True)
class Alias:
    """A named type that is not an object with properties (a root ``type: array``, ...)."""

    name: str
    type: TypeExpr
    description: str | None = None


Definition: TypeAlias = Model | Alias


@dataclass(frozen=True)
class Notice:
    """Something the generated code cannot say exactly, at a place in the template."""

    path: SchemaPath
    message: str


@dataclass
class TypeModule:
    """Every definition of one generated file, dependencies first, and the notices."""

    definitions: list[Definition] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    roots: list[str] = field(default_factory=list)
    """The names of the root types (task input, then each step's result), in order."""


def walk(expr: TypeExpr) -> Iterator[TypeExpr]:
    """``expr`` and every type expression inside it."""
    todo = [expr]
    while todo:
        current = todo.pop()
        yield current
        if isinstance(current, ArrayOf):
            todo.append(current.item)
        elif isinstance(current, MapOf):
            todo.append(current.value)
        elif isinstance(current, Nullable):
            todo.append(current.inner)
        elif isinstance(current, UnionOf):
            todo.extend(current.options)


def format_path(path: SchemaPath) -> str:
    """``("steps", 2, "result_schema", "properties", "a b")`` -> ``steps[2].result_schema.properties["a b"]``."""  # noqa: E501
    import json

    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.isidentifier() or (part.startswith("$") and part[1:].isidentifier()):
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(part, ensure_ascii=False)}]"
    return text
