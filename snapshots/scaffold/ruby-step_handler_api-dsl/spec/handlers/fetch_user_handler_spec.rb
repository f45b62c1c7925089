# frozen_string_literal: true

require 'json'
require 'net/http'
require_relative '../../handlers/fetch_user_handler'

RSpec.describe Handlers::FetchUserHandler do
  let(:base_url) { Handlers::FetchUserRequest::BASE_URL }

  # A StepContext double whose task input holds endpoint.
  def step_context(endpoint)
    inputs = { 'endpoint' => endpoint }
    context = instance_double('TaskerCore::Types::StepContext', input_data: inputs, retry_count: 0)
    allow(context).to receive(:get_input) { |key| inputs[key.to_s] }
    allow(context).to receive(:get_dependency_result).and_return(nil)
    context
  end

  # Answers every request with status and a JSON body instead of the network;
  # returns the list the requested paths are appended to.
  def stub_api(status, body)
    paths = []
    http = instance_double(Net::HTTP)
    allow(http).to receive(:request) do |request|
      paths << request.path
      instance_double(Net::HTTPResponse, code: status.to_s, body: JSON.generate(body))
    end
    allow(Net::HTTP).to receive(:start) { |*_args, **_options, &block| block.call(http) }
    paths
  end

  def run_handler(endpoint = '/users/1')
    described_class.new.call(step_context(endpoint))
  end

  it 'registers under its callable name' do
    expect(described_class.new.handler_name).to eq('Handlers::FetchUserHandler')
  end

  it 'returns the JSON body on success' do
    paths = stub_api(200, { id: 1, name: 'Ada' })
    result = run_handler
    expect(result).to be_a(TaskerCore::Types::StepHandlerCallResult::Success)
    expect(JSON.parse(JSON.generate(result.result))).to eq('id' => 1, 'name' => 'Ada')
    expect(paths).to eq(["#{URI(base_url).path.chomp('/')}/users/1"])
  end

  { 408 => true, 429 => true, 500 => true, 503 => true,
    400 => false, 401 => false, 404 => false, 422 => false }.each do |status, retryable|
    it "classifies HTTP #{status} as #{retryable ? 'retryable' : 'permanent'}" do
      stub_api(status, { error: 'nope' })
      result = run_handler
      expect(result).to be_a(TaskerCore::Types::StepHandlerCallResult::Error)
      expect(result.retryable).to be(retryable)
    end
  end

  it 'retries when the connection is refused' do
    allow(Net::HTTP).to receive(:start).and_raise(Errno::ECONNREFUSED)
    result = run_handler
    expect(result).to be_a(TaskerCore::Types::StepHandlerCallResult::Error)
    expect(result.retryable).to be(true)
  end

  it 'retries when the request times out' do
    allow(Net::HTTP).to receive(:start).and_raise(Net::OpenTimeout)
    result = run_handler
    expect(result).to be_a(TaskerCore::Types::StepHandlerCallResult::Error)
    expect(result.retryable).to be(true)
  end
end
