# frozen_string_literal: true

require 'json'
require_relative '../../handlers/process_order_handler'

RSpec.describe Handlers::ProcessOrderHandler do
  # A StepContext double that answers what the handler reads. Dependency
  # results are given as get_dependency_result returns them (unwrapped).
  def step_context(inputs: {}, dependencies: {}, retry_count: 0)
    context = instance_double(
      'TaskerCore::Types::StepContext',
      input_data: inputs,
      retry_count: retry_count
    )
    allow(context).to receive(:get_input) { |key| inputs[key.to_s] }
    allow(context).to receive(:get_dependency_result) { |step| dependencies[step.to_s] }
    context
  end

  # Runs the handler the way the worker does and returns its result data as
  # the orchestrator receives it: serialized to JSON.
  def run_handler(context)
    result = described_class.new.call(context)
    expect(result).to be_a(TaskerCore::Types::StepHandlerCallResult::Success)
    JSON.parse(JSON.generate(result.result))
  end

  it 'returns the task input' do
    data = run_handler(step_context(inputs: { 'input_value' => 'test_value' }))
    expect(data).to include(
      'processed' => true,
      'handler' => 'Handlers::ProcessOrderHandler',
      'input_received' => 'test_value',
      'had_previous_result' => false,
      'attempt' => 1
    )
  end

  it 'sees the previous step result' do
    data = run_handler(step_context(dependencies: { 'previous_step' => { 'value' => 42 } }))
    expect(data['had_previous_result']).to be(true)
  end

  it 'reports the attempt number on a retry' do
    data = run_handler(step_context(retry_count: 1))
    expect(data['attempt']).to eq(2)
  end
end
