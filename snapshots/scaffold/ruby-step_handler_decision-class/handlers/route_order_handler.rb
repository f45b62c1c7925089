# frozen_string_literal: true

# RouteOrder decision handler, written as a TaskerCore::StepHandler::Base subclass.
#
# A decision step chooses which of its downstream steps are created. Register
# it with type: decision; it needs at least one dependency, and the steps it
# names must be its descendants in the template:
#
#   steps:
#     - name: validate_request
#       handler: { callable: ... }
#     - name: route_order
#       type: decision
#       dependencies: [validate_request]
#       handler:
#         callable: Handlers::RouteOrderHandler
#     - name: fast_track_processing
#       dependencies: [route_order]
#       handler: { callable: ... }
#     - name: manual_review
#       dependencies: [route_order]
#       handler: { callable: ... }
#     - name: approval_gate
#       dependencies: [manual_review]
#       handler: { callable: ... }
#     - name: standard_processing
#       dependencies: [route_order]
#       handler: { callable: ... }
#     - name: finalize
#       type: deferred_convergence
#       dependencies: [fast_track_processing, approval_gate, standard_processing]
#       handler: { callable: ... }
#
# Steps that are not chosen are never created; finalize waits only for the
# branches that were.

require 'tasker_core'

module Handlers
  # Picks the branch from route_key in the task context: fast_track, review,
  # skip (no branch at all) or anything else (standard processing).
  class RouteOrderHandler < TaskerCore::StepHandler::Base
    FAST_TRACK_STEPS = ['fast_track_processing'].freeze
    REVIEW_STEPS = ['manual_review'].freeze
    STANDARD_STEPS = ['standard_processing'].freeze

    # Returns the decision_point_outcome the orchestrator reads: create_steps
    # with the branch's step names, or no_branches to create none of them.
    def call(context)
      case context.get_input('route_key')
      when 'fast_track' then create_steps('fast_track', FAST_TRACK_STEPS)
      when 'review' then create_steps('review', REVIEW_STEPS)
      when 'skip'
        success(
          result: {
            routing_context: { route: 'skip' },
            reason: 'route_key asked to skip every branch',
            decision_point_outcome: { type: 'no_branches' }
          }
        )
      else create_steps('standard', STANDARD_STEPS)
      end
    end

    private

    def create_steps(route, step_names)
      success(
        result: {
          routing_context: { route: route },
          decision_point_outcome: { type: 'create_steps', step_names: step_names }
        }
      )
    end
  end
end
