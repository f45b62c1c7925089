# frozen_string_literal: true

# FetchUser API step handler, written with the TaskerCore functional DSL.
#
# Register it in a task template by the name given to api_handler:
#
#   steps:
#     - name: fetch_user
#       handler:
#         callable: Handlers::FetchUserHandler
#       retry:
#         retryable: true
#         max_attempts: 3
#
# HTTP failures are classified for the orchestrator: 408, 429 and 5xx
# responses, connection errors and timeouts are retryable; other 4xx
# responses are not.

require 'json'
require 'net/http'
require 'tasker_core'

module Handlers
  extend TaskerCore::StepHandler::Functional

  # The HTTP call behind FetchUserHandler: GET a path under BASE_URL and return
  # the JSON body, or raise a TaskerCore error that says whether a retry can
  # help.
  module FetchUserRequest
    BASE_URL = 'https://api.example.com'
    TIMEOUT_SECONDS = 30

    module_function

    # 408, 429 and 5xx answers can succeed on a retry; other 4xx cannot.
    def retryable_status?(status)
      [408, 429].include?(status) || status >= 500
    end

    # GETs endpoint ('/' when blank) and returns the response body as a hash.
    def get(endpoint)
      path = endpoint.to_s.empty? ? '/' : endpoint.to_s
      response = http_get(path)
      status = response.code.to_i
      return parse_body(response.body) if status.between?(200, 299)

      message = "GET #{path} answered HTTP #{status}"
      raise TaskerCore::Errors::RetryableError.new(message) if retryable_status?(status)

      raise TaskerCore::Errors::PermanentError.new(message, error_code: "HTTP_#{status}")
    end

    def http_get(path)
      uri = URI("#{BASE_URL.chomp('/')}/#{path.delete_prefix('/')}")
      options = {
        use_ssl: uri.scheme == 'https',
        open_timeout: TIMEOUT_SECONDS,
        read_timeout: TIMEOUT_SECONDS
      }
      Net::HTTP.start(uri.host, uri.port, **options) do |http|
        http.request(Net::HTTP::Get.new(uri, 'Accept' => 'application/json'))
      end
    rescue Timeout::Error => e
      raise TaskerCore::Errors::RetryableError.new("GET #{path} timed out: #{e.message}")
    rescue SystemCallError, SocketError, IOError => e
      raise TaskerCore::Errors::RetryableError.new("GET #{path} could not connect: #{e.message}")
    end

    # A JSON object is the result itself; anything else is wrapped in one.
    def parse_body(body)
      return {} if body.to_s.empty?

      data = JSON.parse(body)
      data.is_a?(Hash) ? data : { 'data' => data }
    rescue JSON::ParserError
      { 'body' => body }
    end
  end

  # GETs endpoint (from the task context) under FetchUserRequest::BASE_URL. The
  # DSL also passes api:, the SDK's own HTTP client; this handler makes the
  # request through FetchUserRequest (Net::HTTP) so that the classification is
  # spelled out above and the spec can stub the network.
  FetchUserHandler = api_handler(
    'Handlers::FetchUserHandler',
    base_url: FetchUserRequest::BASE_URL,
    inputs: [:endpoint]
  ) do |endpoint:, api:, context:|
    FetchUserRequest.get(endpoint)
  end
end
