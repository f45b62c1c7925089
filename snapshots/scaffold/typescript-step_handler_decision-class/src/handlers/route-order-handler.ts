/**
 * RouteOrder decision handler, written as a `StepHandler` subclass.
 *
 * A decision step chooses which of its downstream steps are created. Register
 * it with `type: decision`; it needs at least one dependency, and the steps it
 * names must be its descendants in the template:
 *
 *   steps:
 *     - name: validate_request
 *       handler: { callable: ... }
 *     - name: route_order
 *       type: decision
 *       dependencies: [validate_request]
 *       handler:
 *         callable: Handlers.RouteOrderHandler
 *     - name: fast_track_processing
 *       dependencies: [route_order]
 *       handler: { callable: ... }
 *     - name: manual_review
 *       dependencies: [route_order]
 *       handler: { callable: ... }
 *     - name: approval_gate
 *       dependencies: [manual_review]
 *       handler: { callable: ... }
 *     - name: standard_processing
 *       dependencies: [route_order]
 *       handler: { callable: ... }
 *     - name: finalize
 *       type: deferred_convergence
 *       dependencies: [fast_track_processing, approval_gate, standard_processing]
 *       handler: { callable: ... }
 *
 * Steps that are not chosen are never created; `finalize` waits only for the
 * branches that were.
 */
import { StepHandler, type StepContext, type StepHandlerResult } from '@tasker-systems/tasker';

export const FAST_TRACK_STEPS = ['fast_track_processing'];
export const REVIEW_STEPS = ['manual_review'];
export const STANDARD_STEPS = ['standard_processing'];

/**
 * The step result that creates `stepNames`, in the `decision_point_outcome`
 * shape the orchestrator reads.
 */
function createSteps(route: string, stepNames: string[]): Record<string, unknown> {
  return {
    routing_context: { route },
    decision_point_outcome: { type: 'create_steps', step_names: stepNames },
  };
}

/**
 * Picks the branch from `route_key` in the task context: `fast_track`,
 * `review`, `skip` (no branch at all) or anything else (standard
 * processing).
 */
export class RouteOrderHandler extends StepHandler {
  static handlerName = 'Handlers.RouteOrderHandler';
  static handlerVersion = '1.0.0';

  /** Returns the chosen branch as a `decision_point_outcome`. */
  async call(context: StepContext): Promise<StepHandlerResult> {
    switch (context.getInput('route_key')) {
      case 'fast_track':
        return this.success(createSteps('fast_track', FAST_TRACK_STEPS));
      case 'review':
        return this.success(createSteps('review', REVIEW_STEPS));
      case 'skip':
        return this.success({
          routing_context: { route: 'skip' },
          reason: 'route_key asked to skip every branch',
          decision_point_outcome: { type: 'no_branches' },
        });
      default:
        return this.success(createSteps('standard', STANDARD_STEPS));
    }
  }
}
