"""Checking answers against upstream's OpenAPI documents (package data under ``openapi/``).

``openapi/orchestration-openapi.json`` and ``openapi/worker-openapi.json`` are
tasker-systems/tasker-core's ``schemas/generated/*-openapi.json`` at commit
c8733f9537a03ec710798d99eb88468e715e1dc8, unchanged. OpenAPI 3.1 schemas are
JSON Schema 2020-12, so a response schema is checked with jsonschema's
validator for that draft, its ``#/components/...`` references resolved in the
same document. Formats (``uuid``, ``date-time``, ``int32``) are not checked:
the point is that garbage gives a clear error, not that every field is policed.

jsonschema is imported on first use (``--help`` must not import it).
"""

from __future__ import annotations

import functools
import importlib
import json
from pathlib import Path
from typing import Any, Literal

__all__ = ["Api", "check_response", "operation", "response_schema"]

Api = Literal["orchestration", "worker"]

_DIR = Path(__file__).resolve().parent / "openapi"
_MESSAGE_MAX = 160


@functools.cache
def _document(api: Api) -> dict[str, Any]:
    with (_DIR / f"{api}-openapi.json").open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def operation(api: Api, path: str, method: str) -> dict[str, Any]:
    """The OpenAPI operation object of ``method path`` (KeyError if there is none)."""
    op: dict[str, Any] = _document(api)["paths"][path][method.lower()]
    return op


def response_schema(api: Api, path: str, method: str, status: int) -> dict[str, Any] | None:
    """The JSON schema of a ``status`` answer to ``method path``, or ``None`` if unspecified."""
    responses = operation(api, path, method).get("responses", {})
    answer = responses.get(str(status))
    if answer is None:
        return None
    schema = answer.get("content", {}).get("application/json", {}).get("schema")
    return schema if isinstance(schema, dict) else None


@functools.cache
def _validator(api: Api, path: str, method: str, status: int) -> Any:
    jsonschema = importlib.import_module("jsonschema")

    schema = response_schema(api, path, method, status)
    if schema is None:
        return None
    root = {**schema, "components": _document(api).get("components", {})}
    return jsonschema.Draft202012Validator(root)


def check_response(api: Api, path: str, method: str, status: int, data: Any) -> str | None:
    """Why ``data`` does not match the documented answer, or ``None`` if it does."""
    best_match = importlib.import_module("jsonschema.exceptions").best_match
    validator = _validator(api, path, method, status)
    if validator is None:
        return None
    try:
        error = best_match(validator.iter_errors(data))
    except RecursionError:
        return "the answer nests too deeply to check"
    if error is None:
        return None
    where = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    message = str(error.message)
    if len(message) > _MESSAGE_MAX:
        message = message[: _MESSAGE_MAX - 3] + "..."
    schema_name = _schema_name(api, path, method, status)
    return f"at {where}: {message}" + (f" (expected a {schema_name})" if schema_name else "")


def _schema_name(api: Api, path: str, method: str, status: int) -> str | None:
    schema = response_schema(api, path, method, status) or {}
    ref = schema.get("$ref") or schema.get("items", {}).get("$ref")
    if not isinstance(ref, str):
        return None
    name = ref.rsplit("/", 1)[-1]
    return f"list of {name}" if "items" in schema else name
