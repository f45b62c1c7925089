"""FetchUser API step handler, written as an ``APIMixin`` + ``StepHandler`` class.

Register it in a task template by its ``handler_name`` (also its import path):

    steps:
      - name: fetch_user
        handler:
          callable: handlers.fetch_user_handler.FetchUserHandler

HTTP failures are classified for the orchestrator: 408, 429 and 5xx responses,
connection errors and timeouts are retryable; other 4xx responses are not.
"""

from __future__ import annotations

import httpx
from tasker_core import StepContext, StepHandler, StepHandlerResult
from tasker_core.step_handler.mixins import APIMixin


class FetchUserHandler(APIMixin, StepHandler):
    """GET ``endpoint`` (from the task context) under ``base_url``."""

    handler_name = "handlers.fetch_user_handler.FetchUserHandler"
    handler_version = "1.0.0"
    base_url = "https://api.example.com"
    default_timeout = 30.0

    def call(self, context: StepContext) -> StepHandlerResult:
        """Call the API and turn the response into a step result."""
        path = context.get_input("endpoint") or "/"
        try:
            response = self.get(path)
        except httpx.ConnectError as exc:
            return self.connection_error(exc, f"requesting {path}")
        except httpx.TimeoutException as exc:
            return self.timeout_error(exc, f"requesting {path}")
        if response.ok:
            return self.api_success(response)
        return self.api_failure(response)
