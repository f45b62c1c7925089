/**
 * RouteOrder decision handler, written with the Tasker TypeScript functional DSL.
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
import { Decision, defineDecisionHandler } from '@tasker-systems/tasker';

export const FAST_TRACK_STEPS = ['fast_track_processing'];
export const REVIEW_STEPS = ['manual_review'];
export const STANDARD_STEPS = ['standard_processing'];

/**
 * Picks the branch from `route_key` in the task context: `fast_track`,
 * `review`, `skip` (no branch at all) or anything else (standard
 * processing). `Decision.route` creates the named steps, `Decision.skip`
 * none of them.
 */
export const RouteOrderHandler = defineDecisionHandler(
  'Handlers.RouteOrderHandler',
  { inputs: { routeKey: 'route_key' } },
  async ({ routeKey }) => {
    switch (routeKey) {
      case 'fast_track':
        return Decision.route(FAST_TRACK_STEPS, { route: 'fast_track' });
      case 'review':
        return Decision.route(REVIEW_STEPS, { route: 'review' });
      case 'skip':
        return Decision.skip('route_key asked to skip every branch');
      default:
        return Decision.route(STANDARD_STEPS, { route: 'standard' });
    }
  },
);
