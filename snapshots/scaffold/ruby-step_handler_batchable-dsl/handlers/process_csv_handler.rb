# frozen_string_literal: true

# ProcessCsv batch handlers, written with the TaskerCore functional DSL.
#
# Three handlers make one batch pipeline: an analyzer that splits the work
# into cursor ranges, a worker run once per range, and an aggregator run after
# every worker. Register them with these step types (the worker step carries
# batch_config; the analyzer names it for the no-batches path):
#
#   steps:
#     - name: process_csv_analyze
#       type: batchable
#       handler:
#         callable: Handlers::ProcessCsvAnalyzerHandler
#         initialization:
#           worker_template_name: process_csv_batch
#     - name: process_csv_batch
#       type: batch_worker
#       dependencies: [process_csv_analyze]
#       handler:
#         callable: Handlers::ProcessCsvWorkerHandler
#       batch_config:
#         batch_size: 100
#         parallelism: 4
#         cursor_field: item_index
#         worker_template: process_csv_batch
#         failure_strategy: continue_on_failure
#     - name: process_csv_aggregate
#       type: deferred_convergence
#       dependencies: [process_csv_batch]
#       handler:
#         callable: Handlers::ProcessCsvAggregatorHandler
#
# Workers are created as process_csv_batch_001, process_csv_batch_002, ...; when there
# is nothing to do, one placeholder process_csv_batch_000 runs as a no-op.

require 'tasker_core'

module Handlers
  extend TaskerCore::StepHandler::Functional

  # The batch logic shared by the three ProcessCsv handlers, plain data in and
  # out. Data that crossed the orchestrator (step inputs, dependency results)
  # is JSON, so its hashes have string keys.
  module ProcessCsvBatches
    ANALYZE_STEP = 'process_csv_analyze'
    WORKER_STEP = 'process_csv_batch'
    BATCH_SIZE = 100

    # Input a retry cannot fix.
    class InvalidInput < StandardError; end

    module_function

    # The worker's result for its step inputs ({cursor, batch_metadata,
    # is_no_op}): process the items of [start_cursor, end_cursor).
    def process(step_inputs)
      inputs = step_inputs || {}
      cursor = inputs['cursor']
      raise InvalidInput, 'no batch cursor: run this handler as a batch_worker step' unless cursor

      return { batch_id: cursor['batch_id'], items_processed: 0, no_op: true } if inputs['is_no_op']

      start = cursor.fetch('start_cursor', 0).to_i
      finish = cursor.fetch('end_cursor', start).to_i
      processed = 0
      (start...finish).each do |_index|
        processed += 1 # process the item at _index here
      end
      { batch_id: cursor['batch_id'], items_processed: processed, items_succeeded: processed }
    end

    # The aggregator's result: the sum of items_processed over the workers
    # (worker_results maps worker step names to their results), or zero when
    # the analyzer created no batches.
    def aggregate(analyzer_result, worker_results)
      unless analyzer_result
        raise InvalidInput, "no result from #{ANALYZE_STEP}: the aggregator must run after it"
      end

      if analyzer_result.dig('batch_processing_outcome', 'type') == 'no_batches'
        return { total_processed: 0, worker_count: 0, scenario: 'no_batches' }
      end

      total = worker_results.values.sum { |result| result.fetch('items_processed', 0).to_i }
      { total_processed: total, worker_count: worker_results.size, scenario: 'with_batches' }
    end

    # The results of the worker steps (named WORKER_STEP_001, ...) among the
    # step's dependencies.
    def worker_results(context)
      names = context.dependency_results.keys.map(&:to_s)
      workers = names.select { |step| step.start_with?("#{WORKER_STEP}_") }
      workers.to_h { |step| [step, context.get_dependency_result(step)] }
    end

    def whole_number(value)
      count = value.nil? || value == '' ? 0 : Integer(value)
      raise InvalidInput, "total_items must not be negative, got #{count}" if count.negative?

      count
    rescue ArgumentError, TypeError
      raise InvalidInput, "total_items must be a whole number, got #{value.inspect}"
    end
  end

  # Splits total_items (from the task context) into batches of
  # ProcessCsvBatches::BATCH_SIZE: the DSL turns the BatchConfig into cursor
  # ranges for the worker step, or into the no-batches outcome for zero items.
  ProcessCsvAnalyzerHandler = batch_analyzer(
    'Handlers::ProcessCsvAnalyzerHandler',
    worker_template: 'process_csv_batch',
    inputs: [:total_items]
  ) do |total_items:, context:|
    BatchConfig.new(
      total_items: ProcessCsvBatches.whole_number(total_items),
      batch_size: ProcessCsvBatches::BATCH_SIZE
    )
  rescue ProcessCsvBatches::InvalidInput => e
    raise TaskerCore::Errors::PermanentError.new(e.message, error_code: 'INVALID_TOTAL_ITEMS')
  end

  # Processes one cursor range. It reads the cursor from the step inputs, which
  # also say whether this is the no-op placeholder; batch_context carries the
  # same cursor.
  ProcessCsvWorkerHandler = batch_worker(
    'Handlers::ProcessCsvWorkerHandler'
  ) do |batch_context:, context:|
    ProcessCsvBatches.process(context.step_inputs)
  rescue ProcessCsvBatches::InvalidInput => e
    raise TaskerCore::Errors::PermanentError.new(e.message, error_code: 'NOT_A_BATCH_WORKER')
  end

  # Sums what the workers processed (zero when there were no batches).
  ProcessCsvAggregatorHandler = step_handler(
    'Handlers::ProcessCsvAggregatorHandler',
    depends_on: { analyzer_result: [ProcessCsvBatches::ANALYZE_STEP] }
  ) do |analyzer_result:, context:|
    ProcessCsvBatches.aggregate(analyzer_result, ProcessCsvBatches.worker_results(context))
  rescue ProcessCsvBatches::InvalidInput => e
    raise TaskerCore::Errors::PermanentError.new(e.message, error_code: 'MISSING_ANALYZER_RESULT')
  end
end
