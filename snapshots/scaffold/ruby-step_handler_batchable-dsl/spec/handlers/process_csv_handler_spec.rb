# frozen_string_literal: true

require 'json'
require_relative '../../handlers/process_csv_handler'

RSpec.describe 'the ProcessCsv batch handlers' do
  let(:batches) { Handlers::ProcessCsvBatches }

  # A StepContext double as the worker builds it: task input, dependency
  # results (as get_dependency_result returns them) and step inputs.
  def step_context(inputs: {}, dependencies: {}, step_inputs: {})
    context = instance_double(
      'TaskerCore::Types::StepContext',
      input_data: inputs,
      dependency_results: dependencies,
      step_inputs: step_inputs,
      retry_count: 0
    )
    allow(context).to receive(:get_input) { |key| inputs[key.to_s] }
    allow(context).to receive(:get_dependency_result) { |step| dependencies[step.to_s] }
    context
  end

  # The step inputs the orchestrator gives one batch worker.
  def worker_inputs(batch_id, start, finish, no_op: false)
    {
      'cursor' => {
        'batch_id' => batch_id, 'start_cursor' => start, 'end_cursor' => finish, 'batch_size' => finish - start
      },
      'batch_metadata' => { 'cursor_field' => 'item_index', 'failure_strategy' => 'continue_on_failure' },
      'is_no_op' => no_op
    }
  end

  # Runs a handler and returns its result data as the orchestrator receives
  # it: serialized to JSON.
  def run(handler, context)
    result = handler.new.call(context)
    expect(result).to be_a(TaskerCore::Types::StepHandlerCallResult::Success)
    JSON.parse(JSON.generate(result.result))
  end

  def analyze(total_items)
    run(Handlers::ProcessCsvAnalyzerHandler, step_context(inputs: { 'total_items' => total_items }))
  end

  describe Handlers::ProcessCsvAnalyzerHandler do
    it 'splits the items into cursor ranges for the worker step' do
      outcome = analyze(250).fetch('batch_processing_outcome')
      expect(outcome).to include('type' => 'create_batches', 'worker_template_name' => batches::WORKER_STEP)
      ranges = outcome['cursor_configs'].map { |c| [c['batch_id'], c['start_cursor'], c['end_cursor']] }
      expect(ranges).to eq([['001', 0, 100], ['002', 100, 200], ['003', 200, 250]])
    end

    it 'creates no batches for zero items' do
      expect(analyze(0).dig('batch_processing_outcome', 'type')).to eq('no_batches')
    end

    it 'rejects a count that is not a number, permanently' do
      result = described_class.new.call(step_context(inputs: { 'total_items' => 'many' }))
      expect(result).to be_a(TaskerCore::Types::StepHandlerCallResult::Error)
      expect(result.retryable).to be(false)
    end
  end

  describe Handlers::ProcessCsvWorkerHandler do
    it 'processes its cursor range' do
      data = run(described_class, step_context(step_inputs: worker_inputs('002', 100, 200)))
      expect(data).to include('batch_id' => '002', 'items_processed' => 100)
    end

    it 'does nothing as the no-op placeholder' do
      data = run(described_class, step_context(step_inputs: worker_inputs('000', 0, 0, no_op: true)))
      expect(data).to include('items_processed' => 0, 'no_op' => true)
    end
  end

  describe Handlers::ProcessCsvAggregatorHandler do
    it 'sums the workers' do
      analyzer_result = analyze(250)
      dependencies = { batches::ANALYZE_STEP => analyzer_result }
      analyzer_result.dig('batch_processing_outcome', 'cursor_configs').each do |c|
        inputs = worker_inputs(c['batch_id'], c['start_cursor'], c['end_cursor'])
        worker_result = run(Handlers::ProcessCsvWorkerHandler, step_context(step_inputs: inputs))
        dependencies["#{batches::WORKER_STEP}_#{c['batch_id']}"] = worker_result
      end
      data = run(described_class, step_context(dependencies: dependencies))
      expect(data).to eq('total_processed' => 250, 'worker_count' => 3, 'scenario' => 'with_batches')
    end

    it 'handles the no-batches path' do
      dependencies = {
        batches::ANALYZE_STEP => analyze(0),
        "#{batches::WORKER_STEP}_000" => { 'items_processed' => 0, 'no_op' => true }
      }
      data = run(described_class, step_context(dependencies: dependencies))
      expect(data).to include('total_processed' => 0, 'scenario' => 'no_batches')
    end
  end
end
