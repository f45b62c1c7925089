"""RouteOrder decision handler: a ``DecisionMixin`` + ``StepHandler`` class.

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
          callable: handlers.route_order_handler.RouteOrderHandler
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
"""

from __future__ import annotations

from tasker_core import StepContext, StepHandler, StepHandlerResult
from tasker_core.step_handler.mixins import DecisionMixin

FAST_TRACK_STEPS = ["fast_track_processing"]
REVIEW_STEPS = ["manual_review"]
STANDARD_STEPS = ["standard_processing"]


class RouteOrderHandler(DecisionMixin, StepHandler):
    """Pick the branch from ``route_key`` in the task context."""

    handler_name = "handlers.route_order_handler.RouteOrderHandler"
    handler_version = "1.0.0"

    def call(self, context: StepContext) -> StepHandlerResult:
        """Create the chosen branch's steps, or none of them for ``skip``."""
        route_key = context.get_input("route_key")
        if route_key == "fast_track":
            return self.decision_success(
                FAST_TRACK_STEPS, routing_context={"route": "fast_track"}
            )
        if route_key == "review":
            return self.decision_success(
                REVIEW_STEPS, routing_context={"route": "review"}
            )
        if route_key == "skip":
            return self.skip_branches(
                reason="route_key asked to skip every branch",
                routing_context={"route": "skip"},
            )
        return self.decision_success(
            STANDARD_STEPS, routing_context={"route": "standard"}
        )
