/**
 * ProcessOrder step handler, written with the Tasker TypeScript functional DSL.
 *
 * Register it in a task template by the name given to defineHandler (module
 * path and class name, which the class-based lookup also understands):
 *
 *   steps:
 *     - name: process_order
 *       handler:
 *         callable: Handlers.ProcessOrderHandler
 *
 * The worker finds the handler once this module has been imported by the
 * worker's entry point.
 */
import { defineHandler } from '@tasker-systems/tasker';

/**
 * Does the work of the `process_order` step.
 *
 * The DSL injects `previousResult` (the result of the `previous_step` step,
 * null when the workflow has no such step: rename both to fit your workflow),
 * `inputValue` (`input_value` from the task context) and the step `context`.
 * The returned object becomes the step result; throw `PermanentError` for a
 * failure no retry can fix and `RetryableError` for a transient one.
 */
export const ProcessOrderHandler = defineHandler(
  'Handlers.ProcessOrderHandler',
  {
    depends: { previousResult: 'previous_step' },
    inputs: { inputValue: 'input_value' },
  },
  async ({ previousResult, inputValue, context }) => ({
    processed: true,
    handler: 'Handlers.ProcessOrderHandler',
    input_received: inputValue ?? null,
    had_previous_result: previousResult != null,
    attempt: context.retryCount + 1,
  }),
);
