# frozen_string_literal: true

# ProcessOrder step handler, written as a TaskerCore::StepHandler::Base subclass.
#
# Register it in a task template by its constant path:
#
#   steps:
#     - name: process_order
#       handler:
#         callable: Handlers::ProcessOrderHandler
#
# The worker finds the class once this file has been loaded (require it from
# the worker's boot code, or let your autoloader load the directory).

require 'tasker_core'

module Handlers
  # Does the work of the process_order step.
  #
  # Return failure(message:, error_type:, retryable: false) for a failure no
  # retry can fix, and retryable: true for a transient one.
  class ProcessOrderHandler < TaskerCore::StepHandler::Base
    # Reads the task input and the previous step's result (rename
    # previous_step to fit your workflow) and returns the step result.
    def call(context)
      input_value = context.get_input('input_value')
      previous_result = context.get_dependency_result('previous_step')
      success(
        result: {
          processed: true,
          handler: self.class.name,
          input_received: input_value,
          had_previous_result: !previous_result.nil?,
          attempt: context.retry_count + 1
        }
      )
    end
  end
end
