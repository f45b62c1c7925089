# frozen_string_literal: true

# ProcessOrder step handler, written with the TaskerCore functional DSL.
#
# Register it in a task template by the name given to step_handler, which is
# also the constant's path, so the class-based lookup finds it as well:
#
#   steps:
#     - name: process_order
#       handler:
#         callable: Handlers::ProcessOrderHandler
#
# The worker finds the handler once this file has been loaded (require it
# from the worker's boot code, or let your autoloader load the directory).

require 'tasker_core'

module Handlers
  extend TaskerCore::StepHandler::Functional

  # Does the work of the process_order step.
  #
  # The DSL passes previous_result (the result of the previous_step step, nil
  # when the workflow has no such step: rename both to fit your workflow),
  # input_value from the task context (nil if absent) and the step context.
  # The returned hash becomes the step result. Raise
  # TaskerCore::Errors::PermanentError for a failure no retry can fix and
  # TaskerCore::Errors::RetryableError for a transient one.
  ProcessOrderHandler = step_handler(
    'Handlers::ProcessOrderHandler',
    depends_on: { previous_result: ['previous_step'] },
    inputs: [:input_value]
  ) do |previous_result:, input_value:, context:|
    {
      processed: true,
      handler: 'Handlers::ProcessOrderHandler',
      input_received: input_value,
      had_previous_result: !previous_result.nil?,
      attempt: context.retry_count + 1
    }
  end
end
