"""RouteOrder decision handler, written with the tasker_core functional DSL.

A decision step chooses which of its downstream steps are created. Register it
with ``type: decision``; it needs at least one dependency, and the steps it
names must be its descendants in the template:

    steps:
      - name: validate_request
        handler: {callable: ...}
      - name: route_order
        type: decision
        dependencies: [validate_request]
        handler:
          callable: handlers.route_order_handler.route_order
      - name: fast_track_processing
        dependencies: [route_order]
        handler: {callable: ...}
      - name: manual_review
        dependencies: [route_order]
        handler: {callable: ...}
      - name: approval_gate
        dependencies: [manual_review]
        handler: {callable: ...}
      - name: standard_processing
        dependencies: [route_order]
        handler: {callable: ...}
      - name: finalize
        type: deferred_convergence
        dependencies: [fast_track_processing, approval_gate, standard_processing]
        handler: {callable: ...}

Steps that are not chosen are never created; ``finalize`` waits only for the
branches that were.
"""

from __future__ import annotations

from tasker_core import StepContext
from tasker_core.step_handler.functional import Decision, decision_handler, inputs

CALLABLE = "handlers.route_order_handler.route_order"

FAST_TRACK_STEPS = ["fast_track_processing"]
REVIEW_STEPS = ["manual_review"]
STANDARD_STEPS = ["standard_processing"]


@decision_handler(CALLABLE)
@inputs("route_key")
def route_order(route_key: str | None, context: StepContext) -> Decision:
    """Pick the branch from ``route_key`` in the task context.

    Args:
        route_key: ``fast_track``, ``review``, ``skip`` or anything else
            (standard processing).
        context: The step context.

    Returns:
        ``Decision.route(steps, ...)`` to create those steps, or
        ``Decision.skip(reason)`` to create none of them.
    """
    if route_key == "fast_track":
        return Decision.route(FAST_TRACK_STEPS, route="fast_track")
    if route_key == "review":
        return Decision.route(REVIEW_STEPS, route="review")
    if route_key == "skip":
        return Decision.skip("route_key asked to skip every branch", route="skip")
    return Decision.route(STANDARD_STEPS, route="standard")
