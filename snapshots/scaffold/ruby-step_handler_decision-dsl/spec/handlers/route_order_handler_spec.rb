# frozen_string_literal: true

require 'json'
require_relative '../../handlers/route_order_handler'

RSpec.describe Handlers::RouteOrderHandler do
  # A StepContext double whose task input holds route_key.
  def step_context(route_key)
    inputs = { 'route_key' => route_key }
    context = instance_double('TaskerCore::Types::StepContext', input_data: inputs, retry_count: 0)
    allow(context).to receive(:get_input) { |key| inputs[key.to_s] }
    allow(context).to receive(:get_dependency_result).and_return(nil)
    context
  end

  # Runs the handler and returns its decision_point_outcome as JSON data.
  def decide(route_key)
    result = described_class.new.call(step_context(route_key))
    expect(result).to be_a(TaskerCore::Types::StepHandlerCallResult::Success)
    JSON.parse(JSON.generate(result.result)).fetch('decision_point_outcome')
  end

  it 'registers under its callable name' do
    expect(described_class.new.handler_name).to eq('Handlers::RouteOrderHandler')
  end

  {
    'fast_track' => ['fast_track_processing'],
    'review' => ['manual_review'],
    'anything_else' => ['standard_processing'],
    nil => ['standard_processing']
  }.each do |route_key, steps|
    it "routes #{route_key.inspect} to #{steps.join(', ')}" do
      expect(decide(route_key)).to eq('type' => 'create_steps', 'step_names' => steps)
    end
  end

  it 'creates no branch for skip' do
    expect(decide('skip')).to eq('type' => 'no_branches')
  end
end
