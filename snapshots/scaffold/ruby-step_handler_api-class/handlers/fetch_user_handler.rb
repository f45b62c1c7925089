# frozen_string_literal: true

# FetchUser API step handler, written as a TaskerCore::StepHandler::Base subclass.
#
# Register it in a task template by its constant path:
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
  # GETs endpoint (from the task context) under BASE_URL and returns the JSON
  # body as the step result, or a failure that says whether a retry can help.
  class FetchUserHandler < TaskerCore::StepHandler::Base
    BASE_URL = 'https://api.example.com'
    TIMEOUT_SECONDS = 30

    # Calls the API and turns the answer into a step result.
    def call(context)
      path = context.get_input('endpoint').to_s
      path = '/' if path.empty?
      response = http_get(path)
      status = response.code.to_i
      return success(result: parse_body(response.body)) if status.between?(200, 299)

      failure(
        message: "GET #{path} answered HTTP #{status}",
        error_type: retryable_status?(status) ? 'RetryableError' : 'PermanentError',
        retryable: retryable_status?(status),
        metadata: { status_code: status, path: path }
      )
    rescue Timeout::Error => e
      transport_failure("GET #{path} timed out: #{e.message}", path)
    rescue SystemCallError, SocketError, IOError => e
      transport_failure("GET #{path} could not connect: #{e.message}", path)
    end

    private

    # 408, 429 and 5xx answers can succeed on a retry; other 4xx cannot.
    def retryable_status?(status)
      [408, 429].include?(status) || status >= 500
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
    end

    # A JSON object is the result itself; anything else is wrapped in one.
    def parse_body(body)
      return {} if body.to_s.empty?

      data = JSON.parse(body)
      data.is_a?(Hash) ? data : { 'data' => data }
    rescue JSON::ParserError
      { 'body' => body }
    end

    # Connection errors and timeouts are worth a retry.
    def transport_failure(message, path)
      failure(message: message, error_type: 'RetryableError', retryable: true, metadata: { path: path })
    end
  end
end
