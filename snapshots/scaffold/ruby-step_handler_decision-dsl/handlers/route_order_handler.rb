# frozen_string_literal: true

# RouteOrder decision handler, written with the TaskerCore functional DSL.
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
  extend TaskerCore::StepHandler::Functional

  # Picks the branch from route_key in the task context: fast_track, review,
  # skip (no branch at all) or anything else (standard processing).
  # Decision.route creates the named steps, Decision.skip none of them.
  RouteOrderHandler = decision_handler(
    'Handlers::RouteOrderHandler',
    inputs: [:route_key]
  ) do |route_key:, context:|
    case route_key
    when 'fast_track' then Decision.route(['fast_track_processing'], route: 'fast_track')
    when 'review' then Decision.route(['manual_review'], route: 'review')
    when 'skip' then Decision.skip('route_key asked to skip every branch')
    else Decision.route(['standard_processing'], route: 'standard')
    end
  end
end
