/**
 * ProcessOrder step handler, written as a `StepHandler` subclass.
 *
 * Register it in a task template by its `handlerName` (module path and class
 * name):
 *
 *   steps:
 *     - name: process_order
 *       handler:
 *         callable: Handlers.ProcessOrderHandler
 *
 * The worker finds the handler once this module has been imported by the
 * worker's entry point.
 */
import { StepHandler, type StepContext, type StepHandlerResult } from '@tasker-systems/tasker';

/**
 * Does the work of the `process_order` step.
 *
 * Return `this.failure(message, ErrorType.PERMANENT_ERROR, false)` for a
 * failure no retry can fix, and `ErrorType.RETRYABLE_ERROR, true` for a
 * transient one.
 */
export class ProcessOrderHandler extends StepHandler {
  static handlerName = 'Handlers.ProcessOrderHandler';
  static handlerVersion = '1.0.0';

  /** Reads the task input and the previous step's result; returns the step result. */
  async call(context: StepContext): Promise<StepHandlerResult> {
    const inputValue = context.getInput('input_value');
    const previousResult = context.getDependencyResult('previous_step');
    return this.success({
      processed: true,
      handler: ProcessOrderHandler.handlerName,
      input_received: inputValue ?? null,
      had_previous_result: previousResult != null,
      attempt: context.retryCount + 1,
    });
  }
}
