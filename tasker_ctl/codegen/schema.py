"""JSON Schema (a template's ``input_schema`` and ``result_schema``) -> the type model.

Naming follows upstream's ``tasker-ctl generate types`` (see ``docs/codegen.md``):
the task input is ``{Task}Input``, a step result ``{Namespace}{Step}Result``;
an object property with ``properties`` becomes a model named parent + property
in PascalCase, and so do the objects inside its array items and map values.
Beyond upstream (which degrades these to ``Any``): local ``$ref`` (a
``$defs``/``definitions`` object becomes ``{Root}{Def}``, shared by every
reference), ``allOf`` of objects (merged), ``anyOf``/``oneOf`` and ``type``
lists (unions; ``null`` makes the type nullable; an object option is named
parent + property + ``Variant{n}``), ``const`` and non-string enums.

What cannot be expressed becomes :class:`~tasker_ctl.codegen.ir.AnyType` (or
the closest looser type) and a :class:`~tasker_ctl.codegen.ir.Notice` naming
the schema path; constraints a type cannot carry (formats, bounds, patterns)
become field notes, emitted as comments.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from tasker_ctl.codegen import ir
from tasker_ctl.codegen.naming import attribute_name, attribute_names, pascal_case

__all__ = ["SchemaBuilder"]

NOTE_KEYWORDS = (
    "format",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "contentEncoding",
    "contentMediaType",
)
"""Constraints kept as comments: the type stays the JSON type (a ``date-time`` is a string)."""

UNSUPPORTED = {
    "not": "'not' is not expressed in the generated type",
    "if": "'if'/'then'/'else' is not expressed in the generated type",
    "patternProperties": "'patternProperties' is not expressed; matching keys are typed as any",
    "dependentSchemas": "'dependentSchemas' is not expressed in the generated type",
    "unevaluatedProperties": "'unevaluatedProperties' is not expressed in the generated type",
    "$dynamicRef": "'$dynamicRef' is not supported; the value is typed as any",
    "$recursiveRef": "'$recursiveRef' is not supported; the value is typed as any",
}
MAX_DEPTH = 64
MAX_INLINE = 256
"""A non-object ``$defs`` entry is written out at each use: refs to refs can double it each time."""
LITERAL_INT = 2**63
"""Integer literals must be inside (-2**63, 2**63): mypy and Rust's i64 refuse the others."""
PRIMS: dict[str, ir.PrimKind] = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "null": "null",
}


class _Root:
    """One root schema: the document ``$ref`` pointers resolve against, and its type name."""

    def __init__(self, document: Any, name: str, path: ir.SchemaPath) -> None:
        self.document = document
        self.name = name
        self.path = path
        self.refs: dict[str, ir.TypeExpr] = {}
        self.inlined: dict[tuple[str, str, str], ir.TypeExpr] = {}
        """Plain targets by (ref, parent, property): two uses each, 40 deep, are 2**40 else."""
        self.resolving: set[str] = set()


class SchemaBuilder:
    """Collects the definitions of one generated file from several root schemas."""

    def __init__(self) -> None:
        self.module = ir.TypeModule()
        self._by_name: dict[str, ir.Definition] = {}
        self._depth = 0
        self._noticed: set[ir.Notice] = set()
        self._pending: list[str] = []
        """Names of the models being built (their nested types are defined first)."""

    # -- roots ------------------------------------------------------------------
    def add_root(self, name: str, schema: Any, path: ir.SchemaPath) -> str:
        """Add a root schema as the type ``name``; return the name actually used."""
        root = _Root(schema, name, path)
        schema = self._deref_root(schema, root, path)
        if isinstance(schema, Mapping) and _is_root_object(schema):
            model = self._pending_model(name, schema, root, path)
            final = self._define(model, path)
        else:
            self._pending.append(name)
            try:
                expr = self._expr(schema, root, path, name, "item")
            finally:
                self._pending.pop()
            description = schema.get("description") if isinstance(schema, Mapping) else None
            alias = ir.Alias(name, expr, description if isinstance(description, str) else None)
            final = self._define(alias, path)
        self.module.roots.append(final)
        return final

    def _deref_root(self, schema: Any, root: _Root, path: ir.SchemaPath) -> Any:
        """A root that is only a ``$ref`` or an ``allOf`` takes the shape it points to."""
        for _ in range(8):
            if not isinstance(schema, Mapping):
                return schema
            if isinstance(schema.get("$ref"), str) and not self._is_object(schema):
                target = self._lookup(schema["$ref"], root, path)
                if not isinstance(target, Mapping):
                    return schema
                rest = {k: v for k, v in schema.items() if k != "$ref"}
                schema = {**target, **rest}
            elif isinstance(schema.get("allOf"), list):
                merged = self._merge_all_of(schema, root, path)
                if merged is None:
                    return schema
                schema = merged
            else:
                return schema
        return schema

    # -- helpers ---------------------------------------------------------------
    def _notice(self, path: ir.SchemaPath, message: str) -> None:
        notice = ir.Notice(path, message)
        if notice not in self._noticed:  # a definition inlined at each use says it once
            self._noticed.add(notice)
            self.module.notices.append(notice)

    @staticmethod
    def _is_object(schema: Mapping[str, Any]) -> bool:
        kind = schema.get("type")
        if kind == "object":
            return True
        return kind is None and any(
            k in schema for k in ("properties", "required", "additionalProperties")
        )

    def _define(self, definition: ir.Definition, path: ir.SchemaPath) -> str:
        """Register ``definition``; an equal one is shared, a different one gets a suffix."""
        name = definition.name
        candidate = name
        n = 1
        while candidate in self._by_name or candidate in self._pending:
            existing = self._by_name.get(candidate)
            if existing is not None and replace(existing, name=name) == definition:
                return candidate
            n += 1
            candidate = f"{name}{n}"
        if candidate != name:
            self._notice(
                path,
                f"two different types would both be named {name}; this one is {candidate}",
            )
            definition = replace(definition, name=candidate)
        self._by_name[candidate] = definition
        self.module.definitions.append(definition)
        return candidate

    # -- objects ---------------------------------------------------------------
    def _pending_model(
        self, name: str, schema: Mapping[str, Any], root: _Root, path: ir.SchemaPath
    ) -> ir.Model:
        """Build a model while its name is kept from the nested types defined meanwhile."""
        self._pending.append(name)
        try:
            return self._model(name, schema, root, path)
        finally:
            self._pending.pop()

    def _model(
        self, name: str, schema: Mapping[str, Any], root: _Root, path: ir.SchemaPath
    ) -> ir.Model:
        self._check_unsupported(schema, path)
        props = schema.get("properties")
        properties: Mapping[str, Any] = props if isinstance(props, Mapping) else {}
        raw_required = schema.get("required")
        required = (
            [r for r in raw_required if isinstance(r, str)]
            if isinstance(raw_required, list)
            else []
        )
        fields: list[ir.Field] = []
        for prop, prop_schema in properties.items():
            prop_path = (*path, "properties", prop)
            expr = self._expr(prop_schema, root, prop_path, name, prop)
            fields.append(
                ir.Field(
                    name=prop,
                    type=expr,
                    required=prop in required,
                    description=_description(prop_schema),
                    notes=self._notes(prop_schema, root, prop_path),
                )
            )
        for prop in dict.fromkeys(required):
            if prop not in properties:
                fields.append(
                    ir.Field(prop, ir.AnyType(), True, None, ("required, with no schema",))
                )
        self._check_attribute_names(fields, path)
        extra: str = "ignore"
        extra_type: ir.TypeExpr | None = None
        additional = schema.get("additionalProperties")
        if additional is False:
            extra = "forbid"
        elif additional is True:
            extra, extra_type = "allow", ir.AnyType()
        elif isinstance(additional, Mapping):
            extra = "allow"
            extra_type = self._expr(
                additional, root, (*path, "additionalProperties"), name, "additional_properties"
            )
        return ir.Model(
            name,
            tuple(fields),
            _description(schema),
            extra,  # type: ignore[arg-type]
            extra_type,
        )

    def _merge_all_of(
        self, schema: Mapping[str, Any], root: _Root, path: ir.SchemaPath
    ) -> dict[str, Any] | None:
        """``allOf`` of object schemas as one object schema, or ``None`` if they do not merge."""
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        properties: dict[str, Any] = dict(merged.get("properties") or {})
        required: list[Any] = list(merged.get("required") or [])
        for i, branch in enumerate(schema["allOf"]):
            if isinstance(branch, Mapping) and isinstance(branch.get("$ref"), str):
                target = self._lookup(branch["$ref"], root, (*path, "allOf", i))
                if not isinstance(target, Mapping):
                    return None
                branch = {**target, **{k: v for k, v in branch.items() if k != "$ref"}}
            if not isinstance(branch, Mapping):
                return None
            if len(schema["allOf"]) > 1 and not self._is_object(branch):
                return None
            for key, value in branch.items():
                if key == "properties" and isinstance(value, Mapping):
                    for prop, prop_schema in value.items():
                        if prop in properties and properties[prop] != prop_schema:
                            return None
                        properties[prop] = prop_schema
                elif key == "required" and isinstance(value, list):
                    required.extend(value)
                elif key not in merged:
                    merged[key] = value
        if properties:
            merged["properties"] = properties
        if required:
            merged["required"] = list(dict.fromkeys(r for r in required if isinstance(r, str)))
        return merged

    # -- expressions -----------------------------------------------------------
    def _expr(
        self, schema: Any, root: _Root, path: ir.SchemaPath, parent: str, prop: str
    ) -> ir.TypeExpr:
        """The type of ``schema``, found at ``path`` as property ``prop`` of ``parent``."""
        if self._depth > MAX_DEPTH:
            self._notice(path, f"schema nested deeper than {MAX_DEPTH} levels; typed as any")
            return ir.AnyType()
        self._depth += 1
        try:
            return self._expr_inner(schema, root, path, parent, prop)
        finally:
            self._depth -= 1

    def _expr_inner(
        self, schema: Any, root: _Root, path: ir.SchemaPath, parent: str, prop: str
    ) -> ir.TypeExpr:
        if schema is True or (isinstance(schema, Mapping) and not schema):
            return ir.AnyType()
        if schema is False:
            self._notice(path, "the schema 'false' allows no value; typed as any")
            return ir.AnyType()
        if not isinstance(schema, Mapping):
            self._notice(path, f"not a JSON Schema ({type(schema).__name__}); typed as any")
            return ir.AnyType()
        self._check_unsupported(schema, path)
        if "$ref" in schema:
            return self._ref(schema, root, path, parent, prop)
        if "const" in schema:
            return self._enum([schema["const"]], schema, root, path, parent, prop)
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return self._enum(schema["enum"], schema, root, path, parent, prop)
        if isinstance(schema.get("allOf"), list):
            merged = self._merge_all_of(schema, root, path)
            if merged is None:
                self._notice(
                    (*path, "allOf"),
                    "'allOf' of schemas that are not all objects (or disagree on a property)"
                    " is not supported; typed as any",
                )
                return ir.AnyType()
            return self._expr(merged, root, path, parent, prop)
        for keyword in ("anyOf", "oneOf"):
            if isinstance(schema.get(keyword), list) and schema[keyword]:
                return self._union(schema, keyword, root, path, parent, prop)
        kind = schema.get("type")
        if isinstance(kind, list):
            return self._type_list(schema, kind, root, path, parent, prop)
        if kind is None:
            if self._is_object(schema):
                kind = "object"
            elif "items" in schema or "prefixItems" in schema:
                kind = "array"
            else:
                return ir.AnyType()
        if not isinstance(kind, str) or kind not in (*PRIMS, "array", "object"):
            self._notice((*path, "type"), f"unknown type {json.dumps(kind)}; typed as any")
            return ir.AnyType()
        if kind == "array":
            return self._array(schema, root, path, parent, prop)
        if kind == "object":
            return self._object(schema, root, path, parent, prop)
        return ir.Prim(PRIMS[kind])

    def _array(
        self, schema: Mapping[str, Any], root: _Root, path: ir.SchemaPath, parent: str, prop: str
    ) -> ir.TypeExpr:
        items = schema.get("items")
        if "prefixItems" in schema or isinstance(items, list):
            keyword = "prefixItems" if "prefixItems" in schema else "items"
            self._notice(
                (*path, keyword),
                "tuple arrays (positional item schemas) are not supported; items typed as any",
            )
            return ir.ArrayOf(ir.AnyType())
        if items is None:
            return ir.ArrayOf(ir.AnyType())
        return ir.ArrayOf(self._expr(items, root, (*path, "items"), parent, prop))

    def _object(
        self, schema: Mapping[str, Any], root: _Root, path: ir.SchemaPath, parent: str, prop: str
    ) -> ir.TypeExpr:
        if isinstance(schema.get("properties"), Mapping):
            model = self._pending_model(_nested_name(parent, prop), schema, root, path)
            return ir.Ref(self._define(model, path))
        additional = schema.get("additionalProperties")
        if isinstance(additional, Mapping):
            return ir.MapOf(
                self._expr(additional, root, (*path, "additionalProperties"), parent, prop)
            )
        return ir.MapOf(ir.AnyType())

    def _type_list(
        self,
        schema: Mapping[str, Any],
        kinds: list[Any],
        root: _Root,
        path: ir.SchemaPath,
        parent: str,
        prop: str,
    ) -> ir.TypeExpr:
        options: list[ir.TypeExpr] = []
        for kind in dict.fromkeys(k for k in kinds if isinstance(k, str)):
            options.append(self._expr({**schema, "type": kind}, root, path, parent, prop))
        if not options:
            return ir.AnyType()
        return _union_of(options)

    def _union(
        self,
        schema: Mapping[str, Any],
        keyword: str,
        root: _Root,
        path: ir.SchemaPath,
        parent: str,
        prop: str,
    ) -> ir.TypeExpr:
        base = {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf", "description")}
        branches: list[Any] = schema[keyword]
        options: list[ir.TypeExpr] = []
        object_branches = 0
        for i, branch in enumerate(branches):
            merged = {**base, **branch} if isinstance(branch, Mapping) else branch
            if isinstance(merged, Mapping) and isinstance(merged.get("properties"), Mapping):
                object_branches += 1
                option = self._expr(
                    merged, root, (*path, keyword, i), parent, f"{prop}_variant{object_branches}"
                )
            else:
                option = self._expr(merged, root, (*path, keyword, i), parent, prop)
            options.append(option)
        return _union_of(options)

    def _enum(
        self,
        values: list[Any],
        schema: Mapping[str, Any],
        root: _Root,
        path: ir.SchemaPath,
        parent: str,
        prop: str,
    ) -> ir.TypeExpr:
        literal = [v for v in values if v is None or isinstance(v, str | int | bool)]
        floats = [v for v in values if isinstance(v, float)]
        if len(literal) + len(floats) != len(values):
            self._notice(
                (*path, "enum" if "enum" in schema else "const"),
                "enum values that are objects or arrays cannot be literal types;"
                " typed by the schema's 'type' (or any)",
            )
            rest = {k: v for k, v in schema.items() if k not in ("enum", "const")}
            return self._expr(rest, root, path, parent, prop) if rest else ir.AnyType()
        wide = [v for v in literal if type(v) is int and not -LITERAL_INT < v < LITERAL_INT]
        if wide:
            self._notice(
                (*path, "enum" if "enum" in schema else "const"),
                "integers beyond 64 bits cannot be literal types; typed as integer (or number)",
            )
        if floats or wide:
            integral = not wide and all(f.is_integer() and abs(f) < LITERAL_INT for f in floats)
            base: ir.TypeExpr = ir.Prim("integer" if not floats else "number")
            non_null = [v for v in literal if v is not None and v not in wide]
            if integral and all(isinstance(v, int) and not isinstance(v, bool) for v in non_null):
                literal = [*literal, *(int(f) for f in floats)]
            else:
                # a float literal is not a type in Python, Rust or Ruby: keep the number type
                others = [_enum_expr(non_null)] if non_null else []
                expr = _union_of([*others, base]) if others else base
                return ir.Nullable(expr) if None in literal else expr
        unique = list(dict.fromkeys((type(v), v) for v in literal))
        non_null = [v for _t, v in unique if v is not None]
        if not non_null:
            return ir.Prim("null")
        expr = _enum_expr(non_null)
        return ir.Nullable(expr) if len(non_null) < len(unique) else expr

    def _ref(
        self, schema: Mapping[str, Any], root: _Root, path: ir.SchemaPath, parent: str, prop: str
    ) -> ir.TypeExpr:
        ref = schema["$ref"]
        if not isinstance(ref, str):
            self._notice((*path, "$ref"), "'$ref' is not a string; typed as any")
            return ir.AnyType()
        if not ref.startswith("#"):
            self._notice(
                (*path, "$ref"),
                f"'$ref' to another document ({ref}) is not supported; typed as any",
            )
            return ir.AnyType()
        if ref in root.resolving:
            self._notice(
                (*path, "$ref"), f"recursive '$ref' ({ref}) is not supported; typed as any"
            )
            return ir.AnyType()
        if ref in root.refs:
            return root.refs[ref]
        if (ref, parent, prop) in root.inlined:
            return root.inlined[ref, parent, prop]
        target = self._lookup(ref, root, path)
        if target is None:
            return ir.AnyType()
        parts = _pointer_parts(ref)
        shared = len(parts) == 2 and parts[0] in ("$defs", "definitions")
        root.resolving.add(ref)
        try:
            target_path = (*root.path, *parts)
            if shared and isinstance(target, Mapping) and not _is_plain(target):
                expr = self._expr(target, root, target_path, root.name, parts[1])
                root.refs[ref] = expr
            else:
                expr = self._expr(target, root, target_path, parent, prop)
                if _larger_than(expr, MAX_INLINE):
                    self._notice(
                        target_path,
                        f"'$ref' target {ref} expands to more than {MAX_INLINE} nested types"
                        " when written out at each use; typed as any",
                    )
                    expr = ir.AnyType()
                root.inlined[ref, parent, prop] = expr
        finally:
            root.resolving.discard(ref)
        return expr

    def _lookup(self, ref: str, root: _Root, path: ir.SchemaPath) -> Any:
        node: Any = root.document
        for part in _pointer_parts(ref):
            if isinstance(node, Mapping) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                self._notice((*path, "$ref"), f"'$ref' points nowhere: {ref}; typed as any")
                return None
        return node

    # -- checks and notes ------------------------------------------------------
    def _check_attribute_names(self, fields: list[ir.Field], path: ir.SchemaPath) -> None:
        """Two properties whose snake_case names collide: the later gets a ``_2`` suffix."""
        seen: dict[str, str] = {}
        names = [f.name for f in fields]
        for json_name, unique in zip(names, attribute_names(names), strict=True):
            base = attribute_name(json_name)
            if base in seen and unique != base:
                self._notice(
                    (*path, "properties", json_name),
                    f"properties '{seen[base]}' and '{json_name}' both become the attribute"
                    f" {base}; the second is {unique} (its JSON name is kept)",
                )
            seen.setdefault(base, json_name)

    def _check_unsupported(self, schema: Mapping[str, Any], path: ir.SchemaPath) -> None:
        for keyword, message in UNSUPPORTED.items():
            if keyword in schema:
                self._notice((*path, keyword), message)

    def _notes(self, schema: Any, root: _Root, path: ir.SchemaPath) -> tuple[str, ...]:
        if not isinstance(schema, Mapping):
            return ()
        notes = [_note(k, schema[k]) for k in NOTE_KEYWORDS if k in schema]
        items = schema.get("items")
        if schema.get("type") == "array" and isinstance(items, Mapping):
            notes += [f"items {_note(k, items[k])}" for k in NOTE_KEYWORDS if k in items]
        if "default" in schema:
            notes.append(_note("default", schema["default"]))
        if schema.get("deprecated") is True:
            notes.append("deprecated")
        return tuple(notes)


def _is_root_object(schema: Mapping[str, Any]) -> bool:
    """A root is a model (upstream: always) unless it says it is something else."""
    if "type" in schema:
        return bool(schema["type"] == "object")
    return not any(k in schema for k in ("anyOf", "oneOf", "enum", "const", "items", "$ref"))


def _nested_name(parent: str, prop: str) -> str:
    """``parent`` + the PascalCase ``prop``, without what no identifier may hold (``¹``)."""
    return parent + "".join(ch for ch in pascal_case(prop) if f"A{ch}".isidentifier())


def _larger_than(expr: ir.TypeExpr, limit: int) -> bool:
    """Whether ``expr`` written out has more than ``limit`` types (counting stops there)."""
    return any(count > limit for count, _ in enumerate(ir.walk(expr), 1))


def _is_plain(schema: Mapping[str, Any]) -> bool:
    """Whether a ``$defs`` entry is not an object with properties (inlined at each use)."""
    return not isinstance(schema.get("properties"), Mapping)


def _pointer_parts(ref: str) -> list[str]:
    from urllib.parse import unquote

    pointer = unquote(ref[1:])
    if not pointer:
        return []
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer.lstrip("/").split("/")]


def _description(schema: Any) -> str | None:
    if isinstance(schema, Mapping):
        text = schema.get("description")
        if isinstance(text, str) and text.strip():
            return text.strip()
    return None


def _note(keyword: str, value: Any) -> str:
    if isinstance(value, str):
        return f"{keyword}: {value}"
    return f"{keyword}: {json.dumps(value, ensure_ascii=False, sort_keys=True)}"


def _enum_expr(values: list[Any]) -> ir.TypeExpr:
    return ir.EnumOf(tuple(values))


def _union_of(options: list[ir.TypeExpr]) -> ir.TypeExpr:
    """One type for ``options``: flattened, deduplicated, ``null`` as :class:`ir.Nullable`."""
    flat: list[ir.TypeExpr] = []
    nullable = False
    todo = list(options)
    while todo:
        option = todo.pop(0)
        if isinstance(option, ir.Nullable):
            nullable = True
            todo.insert(0, option.inner)
        elif isinstance(option, ir.UnionOf):
            todo[0:0] = list(option.options)
        elif option == ir.Prim("null"):
            nullable = True
        elif option not in flat:
            flat.append(option)
    if any(isinstance(o, ir.AnyType) for o in flat):
        return ir.AnyType()
    if not flat:
        return ir.Prim("null")
    expr = flat[0] if len(flat) == 1 else ir.UnionOf(tuple(flat))
    return ir.Nullable(expr) if nullable else expr
