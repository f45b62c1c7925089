"""FetchUser API step handler, written with the tasker_core functional DSL.

Register it in a task template by the name given to ``@api_handler``:

    steps:
      - name: fetch_user
        handler:
          callable: handlers.fetch_user_handler.fetch_user
        retry:
          retryable: true
          max_attempts: 3

HTTP failures are classified for the orchestrator: 408, 429 and 5xx responses,
connection errors and timeouts are retryable; other 4xx responses are not.
"""

from __future__ import annotations

import httpx
from tasker_core import StepContext, StepHandlerResult
from tasker_core.step_handler.functional import api_handler, inputs
from tasker_core.step_handler.mixins import APIMixin

CALLABLE = "handlers.fetch_user_handler.fetch_user"
BASE_URL = "https://api.example.com"


@api_handler(CALLABLE, base_url=BASE_URL)
@inputs("endpoint")
def fetch_user(
    endpoint: str | None, api: APIMixin, context: StepContext
) -> StepHandlerResult:
    """GET ``endpoint`` (from the task context) and return the response body.

    Args:
        endpoint: Path under ``BASE_URL``; ``/`` when the context has none.
        api: The HTTP client and result helpers of ``APIMixin``.
        context: The step context.

    Returns:
        A success with the JSON body, or a classified failure.
    """
    path = endpoint or "/"
    try:
        response = api.get(path)
    except httpx.ConnectError as exc:
        return api.connection_error(exc, f"requesting {path}")
    except httpx.TimeoutException as exc:
        return api.timeout_error(exc, f"requesting {path}")
    if response.ok:
        return api.api_success(response)
    return api.api_failure(response)
