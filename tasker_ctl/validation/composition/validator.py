"""The composition checks, in the grammar validator's order, as located problems.

For each step with a ``composition``, :func:`check_step` reads it
(:mod:`.spec`), then runs upstream's checks: an empty or oversized composition
stops there; then field lengths, capability existence, each config against its
capability's schema, ``output`` declared by every transform, jq expressions
that compile, a checkpoint on every mutating invocation, the final
invocation's output against ``outcome.output_schema`` (contract chaining
between invocations is a no-op upstream: nothing is inferred about what an
invocation reads from ``.prev``), and, outside the grammar, the outcome against
the step's ``result_schema``.

Every :class:`Problem` has a ``kind`` naming the rule that reports it:

=================  ==========================================================
``parse``          ``COMPOSITION_PARSE_ERROR``: the composition does not deserialize
``invalid``        ``COMPOSITION_INVALID``: a grammar error (the code is in ``code``)
``warning``        ``COMPOSITION_WARNING``: an optional field's type differs
``unverified``     ``COMPOSITION_UNVERIFIED``: a contract could not be checked
``result_schema``  ``COMPOSITION_RESULT_SCHEMA_MISMATCH``: outcome vs ``result_schema``
=================  ==========================================================
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from tasker_ctl.suggest import close_matches
from tasker_ctl.validation.composition.catalogue import (
    CAPABILITIES,
    EMIT_METADATA_EXPRESSIONS,
    MAX_CAPABILITY_NAME_BYTES,
    MAX_DESCRIPTION_BYTES,
    MAX_INVOCATIONS,
    MAX_NAME_BYTES,
    Capability,
)
from tasker_ctl.validation.composition.config_schema import config_problems
from tasker_ctl.validation.composition.schema_compat import (
    CompatProblem,
    Contract,
    check_compatibility,
)
from tasker_ctl.validation.composition.spec import Invocation, Spec, read_spec
from tasker_ctl.validation.serde import escape_pointer

Kind = Literal["parse", "invalid", "warning", "unverified", "result_schema"]


@dataclass(frozen=True)
class Problem:
    """One composition finding before it becomes a rule's finding."""

    kind: Kind
    code: str
    """The upstream code: a grammar code, or the SDK code for parse and result-schema problems."""
    message: str
    pointer: str
    key: bool = False
    hint: str | None = None


def check_step(composition: Any, pointer: str, result_schema: Any) -> list[Problem]:
    """Every problem of the composition at ``pointer`` (``result_schema``: the step's)."""
    spec = read_spec(composition, pointer)
    if isinstance(spec, list):
        return [
            Problem(
                "parse",
                "COMPOSITION_PARSE_ERROR",
                f"failed to parse composition: {p.message}: the SDK refuses the composition "
                "and runs none of its checks",
                p.pointer,
                p.key,
                p.hint,
            )
            for p in spec
        ]
    problems = list(_grammar(spec))
    if result_schema is not None:
        problems.extend(_result_schema(spec, result_schema, pointer))
    return problems


def _invocation(index: int) -> str:
    return f"invocation[{index}]: "


def _grammar(spec: Spec) -> Iterator[Problem]:
    invocations_at = spec.where.at("invocations")
    if not spec.invocations:
        yield Problem(
            "invalid",
            "EMPTY_COMPOSITION",
            "[EMPTY_COMPOSITION] composition has no invocations: it would do nothing",
            invocations_at,
            key=True,
            hint="add at least one invocation, e.g. a transform producing the outcome",
        )
        return
    if len(spec.invocations) > MAX_INVOCATIONS:
        yield Problem(
            "invalid",
            "TOO_MANY_INVOCATIONS",
            f"[TOO_MANY_INVOCATIONS] composition has {len(spec.invocations)} invocations, "
            f"more than the {MAX_INVOCATIONS} the grammar allows; the executor refuses it",
            invocations_at,
            key=True,
            hint="split the work over several steps",
        )
        return
    yield from _lengths(spec)
    resolved = [_capability(inv) for inv in spec.invocations]
    for inv, cap in zip(spec.invocations, resolved, strict=True):
        if cap is None:
            yield _missing_capability(inv)
    for inv, cap in zip(spec.invocations, resolved, strict=True):
        if cap is not None:
            yield from _config(inv, cap)
    for inv, cap in zip(spec.invocations, resolved, strict=True):
        if cap is not None and cap.produces_output_schema and _declared_output(inv) is None:
            yield Problem(
                "invalid",
                "MISSING_OUTPUT_SCHEMA",
                f"[MISSING_OUTPUT_SCHEMA] {_invocation(inv.index)}transform invocation "
                f"{inv.index} must declare an 'output' JSON Schema (a non-empty mapping) for "
                "contract chaining",
                _config_at(inv, "output"),
                key=True,
                hint="add `output:` with the JSON Schema of what the filter returns",
            )
    for inv, cap in zip(spec.invocations, resolved, strict=True):
        if cap is not None:
            yield from _expressions(inv, cap)
    for inv, cap in zip(spec.invocations, resolved, strict=True):
        if cap is not None and cap.mutating and not inv.checkpoint:
            at = inv.where.pointers.get("checkpoint")
            yield Problem(
                "invalid",
                "CHECKPOINT_REQUIRED",
                f"[CHECKPOINT_REQUIRED] {_invocation(inv.index)}mutating capability "
                f"'{inv.capability}' at invocation {inv.index} must be a checkpoint boundary: "
                "without one, a retried step repeats the mutation",
                at if at is not None else inv.where.at("capability"),
                hint="add `checkpoint: true` to this invocation",
            )
    yield from _outcome(spec, resolved)


def _lengths(spec: Spec) -> Iterator[Problem]:
    if spec.name is not None and _size(spec.name) > MAX_NAME_BYTES:
        yield Problem(
            "invalid",
            "FIELD_TOO_LONG",
            f"[FIELD_TOO_LONG] composition name length {_size(spec.name)} exceeds "
            f"maximum of {MAX_NAME_BYTES} (UTF-8 bytes)",
            spec.where.at("name"),
            hint=f"shorten the name to at most {MAX_NAME_BYTES} bytes",
        )
    description = spec.outcome.description
    if _size(description) > MAX_DESCRIPTION_BYTES:
        yield Problem(
            "invalid",
            "FIELD_TOO_LONG",
            f"[FIELD_TOO_LONG] outcome description length {_size(description)} exceeds "
            f"maximum of {MAX_DESCRIPTION_BYTES} (UTF-8 bytes)",
            spec.outcome.where.at("description"),
            hint=f"shorten the description to at most {MAX_DESCRIPTION_BYTES} bytes",
        )
    for inv in spec.invocations:
        size = _size(inv.capability)
        if size > MAX_CAPABILITY_NAME_BYTES:
            yield Problem(
                "invalid",
                "FIELD_TOO_LONG",
                f"[FIELD_TOO_LONG] {_invocation(inv.index)}capability name length {size} "
                f"exceeds maximum of {MAX_CAPABILITY_NAME_BYTES} (UTF-8 bytes)",
                inv.where.at("capability"),
            )


def _capability(inv: Invocation) -> Capability | None:
    return CAPABILITIES.get(inv.capability)


def _missing_capability(inv: Invocation) -> Problem:
    close = close_matches(inv.capability, CAPABILITIES, n=1)
    known = ", ".join(CAPABILITIES)
    return Problem(
        "invalid",
        "MISSING_CAPABILITY",
        f"[MISSING_CAPABILITY] {_invocation(inv.index)}capability '{_clip(inv.capability)}' "
        "not found in vocabulary: the grammar cannot run this invocation",
        inv.where.at("capability"),
        hint=(f"did you mean '{close[0]}'? " if close else "") + f"the capabilities are {known}",
    )


def _config_at(inv: Invocation, *path: str) -> str:
    return inv.where.at("config") + "".join(f"/{escape_pointer(p)}" for p in path)


def _config(inv: Invocation, cap: Capability) -> Iterator[Problem]:
    for problem in config_problems(inv.config, cap.config_schema):
        where = "config" + "".join(f".{p}" for p in problem.path)
        hint = None
        if problem.missing is not None:
            hint = f"add `{problem.missing}:` under `{where}` ({cap.name} requires it)"
        yield Problem(
            "invalid",
            "CONFIG_SCHEMA_VIOLATION",
            f"[CONFIG_SCHEMA_VIOLATION] {_invocation(inv.index)}{cap.name} {where} "
            f"{problem.message}",
            _config_at(inv, *problem.path),
            key=problem.missing is not None or not problem.path,
            hint=hint,
        )


def _declared_output(inv: Invocation) -> dict[str, Any] | None:
    """A transform's ``config.output`` when it is a non-empty mapping."""
    output = inv.config.get("output") if isinstance(inv.config, dict) else None
    return output if isinstance(output, dict) and output else None


def _expression(value: Any) -> tuple[str, bool] | None:
    """The jq text of a field: a string, or the ``expression`` of a mapping (flag: nested)."""
    if isinstance(value, str):
        return value, False
    if isinstance(value, dict) and isinstance(value.get("expression"), str):
        return value["expression"], True
    return None


def _expressions(inv: Invocation, cap: Capability) -> Iterator[Problem]:
    if not isinstance(inv.config, dict):
        return
    places: list[tuple[tuple[str, ...], str]] = []
    for name in cap.expression_fields:
        found = _expression(inv.config.get(name))
        if found is not None:
            text, nested = found
            places.append(((name, "expression") if nested else (name,), text))
    metadata = inv.config.get("metadata")
    if cap.category == "emit" and isinstance(metadata, dict):
        for name in EMIT_METADATA_EXPRESSIONS:
            found = _expression(metadata.get(name))
            if found is not None:
                text, nested = found
                path: tuple[str, ...] = ("metadata", name)
                places.append(((*path, "expression") if nested else path, text))
    if not places:
        return
    from tasker_ctl.validation.composition.expressions import compile_error

    for path, text in places:
        error = compile_error(text)
        if error is not None:
            yield Problem(
                "invalid",
                "INVALID_EXPRESSION",
                f"[INVALID_EXPRESSION] {_invocation(inv.index)}{cap.name} has an invalid jq "
                f"expression in 'config.{'.'.join(path)}': {error.describe()}; the step fails "
                "on every run",
                _config_at(inv, *path),
                hint="fix the filter (try it with `jq -n '<filter>'`)",
            )


def _outcome(spec: Spec, resolved: list[Capability | None]) -> Iterator[Problem]:
    schema = spec.outcome.output_schema
    if not isinstance(schema, dict) or not schema:
        return
    last, cap = spec.invocations[-1], resolved[-1]
    if cap is None:
        return
    output = _declared_output(last) if cap.produces_output_schema else None
    schema_at = spec.outcome.where.at("output_schema")
    if output is None:
        yield Problem(
            "unverified",
            "UNVERIFIABLE_OUTCOME",
            f"[UNVERIFIABLE_OUTCOME] {_invocation(last.index)}cannot verify outcome convergence: "
            f"final invocation {last.index} ({last.capability}) has no declared output schema",
            schema_at,
            key=True,
            hint="end with a transform whose `output` declares the outcome's fields "
            "to have it checked",
        )
        return
    contract = Contract(
        producer=f"the final invocation's config.output (invocation {last.index})",
        consumer="outcome.output_schema",
        producer_pointer=_config_at(last, "output"),
        consumer_pointer=schema_at,
    )
    for problem in check_compatibility(output, schema, contract):
        yield _convergence(problem, last.index)


def _convergence(problem: CompatProblem, index: int) -> Problem:
    message = f"[{problem.code}] {_invocation(index)}outcome convergence: {problem.message}"
    if problem.code == "SCHEMA_DEPTH_EXCEEDED":
        return Problem("unverified", problem.code, message, problem.pointer)
    if not problem.error:
        return Problem(
            "warning",
            problem.code,
            message + " (an optional field): the composition returns a value of another type "
            "than the outcome promises",
            problem.pointer,
            hint="make the outcome's type and the final output's type agree",
        )
    return Problem(
        "invalid",
        problem.code,
        message,
        problem.pointer,
        hint="make the final invocation's `output` declare what the outcome promises",
    )


def _result_schema(spec: Spec, result_schema: Any, pointer: str) -> Iterator[Problem]:
    step = pointer.rsplit("/", 1)[0]
    contract = Contract(
        producer="the composition's outcome.output_schema",
        consumer="the step's result_schema",
        producer_pointer=spec.outcome.where.at("output_schema"),
        consumer_pointer=f"{step}/result_schema",
    )
    for problem in check_compatibility(spec.outcome.output_schema, result_schema, contract):
        message = f"[{problem.code}] step result_schema vs composition outcome: {problem.message}"
        if problem.code == "SCHEMA_DEPTH_EXCEEDED":
            yield Problem("unverified", problem.code, message, problem.pointer)
        elif problem.error:
            yield Problem(
                "result_schema",
                "COMPOSITION_RESULT_SCHEMA_MISMATCH",
                message + ": the step's result will not match what it declares",
                problem.pointer,
                hint="align result_schema with the composition's outcome.output_schema",
            )
        else:
            yield Problem(
                "warning",
                "COMPOSITION_RESULT_SCHEMA_MISMATCH",
                message + " (an optional field): the step's result can carry another type "
                "than result_schema declares",
                problem.pointer,
                hint="align result_schema with the composition's outcome.output_schema",
            )


def _size(text: str) -> int:
    """Length in UTF-8 bytes, as Rust's ``String::len`` counts it."""
    return len(text.encode("utf-8", "surrogatepass"))


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
