"""Validating ``grammar:`` steps: their ``composition`` blocks, as upstream's SDK does.

A step whose ``composition`` is set is a virtual handler: the grammar runs its
capability invocations instead of a handler. :func:`problems` gives every
problem of one template's compositions (computed once per template and shared
by the ``COMPOSITION_*`` rules, which each report one ``kind``):

* :mod:`.spec` reads the block as ``CompositionSpec`` (serde semantics);
* :mod:`.catalogue` is the capability vocabulary with each config schema;
* :mod:`.config_schema` checks a config against its capability's schema;
* :mod:`.expressions` compiles jq filters with the real jq, imported lazily;
* :mod:`.schema_compat` is the producer/consumer JSON Schema contract rule;
* :mod:`.validator` runs the checks in upstream's order.

See ``docs/composition-validation.md`` for each code and the differences from
upstream.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tasker_ctl.validation.composition.validator import Kind, Problem, check_step
    from tasker_ctl.validation.context import RuleContext
    from tasker_ctl.validation.serde import ReadResult

__all__ = ["Kind", "Problem", "check_step", "of_kind", "problems"]

_last: tuple[ReadResult, list[Problem]] | None = None
"""The template read last and its problems: the rules run one template at a time."""


def problems(ctx: RuleContext) -> list[Problem]:
    """Every composition problem of the template in ``ctx`` (computed once per template)."""
    global _last
    if _last is not None and _last[0] is ctx.read:
        return _last[1]
    found: list[Problem] = []
    for step in ctx.steps:
        composition = step.raw.get("composition")
        if composition is not None:
            # the validator (and jq) load only for templates that have compositions
            from tasker_ctl.validation.composition.validator import check_step

            found.extend(
                check_step(
                    composition, f"{step.pointer}/composition", step.raw.get("result_schema")
                )
            )
    _last = (ctx.read, found)
    return found


def of_kind(ctx: RuleContext, kind: Kind) -> list[Problem]:
    """The problems one rule reports."""
    return [p for p in problems(ctx) if p.kind == kind]


def __getattr__(name: str) -> Any:
    """``Kind``, ``Problem`` and ``check_step``, imported on first use (lint stays light)."""
    if name in ("Kind", "Problem", "check_step"):
        from tasker_ctl.validation.composition import validator

        return getattr(validator, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
