"""The orchestration and worker REST APIs as typed Python calls.

Each method sends one request through a :class:`~tasker_ctl.client.transport.Transport`
and returns the answer's JSON, checked against upstream's OpenAPI document
(:mod:`tasker_ctl.client.openapi`). Request bodies are built the way the Rust
``tasker-ctl`` builds them (``TaskRequest`` with ``initiator = "tasker-ctl"``,
``source_system = "cli"``; ``StepManualAction`` tagged by ``action_type``), except
where the Rust client and the server disagree: DLQ statuses are sent as
``Pending``/``ManuallyResolved``/... in bodies *and* in the ``resolution_status``
query. The server reads that query with serde, which knows only the variant
names (as the OpenAPI document says); the Rust CLI's snake_case ``pending`` is
refused there (found by the Prism contract tests).

A client is cheap to keep: a follow loop (``task create --wait``) can call
:meth:`OrchestrationApi.get_task` and :meth:`OrchestrationApi.list_steps` on
the same instance, reusing its connection.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import quote

from tasker_ctl.client.errors import InvalidArgumentError, ProfileError
from tasker_ctl.client.openapi import Api, check_response, response_schema
from tasker_ctl.client.profiles import ClientProfile
from tasker_ctl.client.transport import Transport

__all__ = [
    "DLQ_STATUSES",
    "OrchestrationApi",
    "WorkerApi",
    "dlq_status",
    "dlq_update_body",
    "open_api",
    "orchestration_api",
    "parse_uuid",
    "step_action_body",
    "task_request_body",
    "uuid7",
    "worker_api",
]

DLQ_STATUSES = {
    "pending": "Pending",
    "manually_resolved": "ManuallyResolved",
    "permanently_failed": "PermanentlyFailed",
    "cancelled": "Cancelled",
}
"""CLI/query spelling -> the spelling in JSON bodies (serde's variant names)."""


def parse_uuid(value: str, what: str) -> str:
    """``value`` as a canonical UUID string, or a usage error naming ``what``."""
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        shown = value if len(value) <= 60 else value[:57] + "..."
        raise InvalidArgumentError(
            f"{what} {shown!r} is not a UUID",
            hint="UUIDs look like 0190f3a4-8c1e-7b2a-9d4e-5f6a7b8c9d0e; "
            "'tasker-ctl task list' shows task UUIDs",
        ) from None


def dlq_status(value: str) -> str:
    """The snake_case DLQ resolution status for ``value`` (case-insensitive)."""
    key = value.strip().lower()
    if key not in DLQ_STATUSES:
        raise InvalidArgumentError(
            f"unknown DLQ resolution status {value!r}",
            hint="use one of: " + ", ".join(DLQ_STATUSES),
        )
    return key


def uuid7(now_ms: int | None = None) -> str:
    """A time-ordered UUID (version 7, RFC 9562), as the Rust CLI's ``Uuid::now_v7``."""
    ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & (2**48 - 1)) << 80 | 0x7 << 76 | (rand >> 68 & 0xFFF) << 64
    value |= 0b10 << 62 | rand & (2**62 - 1)
    return str(uuid.UUID(int=value))


def task_request_body(
    *,
    name: str,
    namespace: str,
    version: str,
    context: Mapping[str, Any],
    priority: int,
    correlation_id: str | None = None,
    reason: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The ``TaskRequest`` the Rust ``tasker-ctl task create`` sends."""
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    return {
        "namespace": namespace,
        "name": name,
        "version": version,
        "context": dict(context),
        "initiator": "tasker-ctl",
        "source_system": "cli",
        "reason": reason or "CLI task creation",
        "tags": [],
        "requested_at": moment.isoformat(timespec="microseconds"),
        "options": None,
        "priority": priority,
        "correlation_id": parse_uuid(correlation_id, "correlation ID")
        if correlation_id
        else uuid7(),
        "parent_correlation_id": None,
        "idempotency_key": None,
    }


def step_action_body(
    action: str, *, reason: str, by: str, result: Any = None, metadata: Any = None
) -> dict[str, Any]:
    """A ``StepManualAction`` (``reset_for_retry``, ``resolve_manually``, ``complete_manually``)."""
    if action == "reset_for_retry":
        return {"action_type": action, "reason": reason, "reset_by": by}
    if action == "resolve_manually":
        return {"action_type": action, "reason": reason, "resolved_by": by}
    if action == "complete_manually":
        return {
            "action_type": action,
            "completion_data": {"result": result, "metadata": metadata},
            "reason": reason,
            "completed_by": by,
        }
    raise ValueError(f"unknown step action {action!r}")


def dlq_update_body(
    status: str | None, notes: str | None, resolved_by: str | None
) -> dict[str, Any]:
    """An ``UpdateInvestigationRequest`` (absent fields are ``null``, as upstream sends them)."""
    return {
        "resolution_status": DLQ_STATUSES[dlq_status(status)] if status else None,
        "resolution_notes": notes,
        "resolved_by": resolved_by,
        "metadata": None,
    }


def _check_utf8(values: Mapping[str, str | int], body: Any) -> None:
    """Refuse text that cannot be sent (UTF-8 in URLs and JSON) before anything is sent.

    Such text comes from bytes that are not UTF-8 on the command line (Python keeps
    them as lone surrogates) or from a lone surrogate escape in a JSON flag or file.
    """
    found = [
        (f"the {name}", v) for name, v in values.items() if isinstance(v, str) and _bad_text(v)
    ]
    stack: list[Any] = [body]
    while stack and not found:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str) and _bad_text(value):
            found.append(("a value in the request body", value))
    if found:
        name, text = found[0]
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise InvalidArgumentError(
            f"{name} {shown!r} is not valid UTF-8 text, so it cannot be sent",
            hint="a command-line value held bytes that are not UTF-8 (check the terminal's "
            "encoding and LANG), or a JSON value held a lone surrogate escape such as \\ud800",
        )


def _bad_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


_NO_STEP = "no such step in that task; 'tasker-ctl task steps TASK_UUID' lists them"


class _Api:
    api: Api

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    def close(self) -> None:
        """Close the underlying connection pool."""
        self.transport.close()

    def _call(
        self,
        method: str,
        template: str,
        *,
        args: Mapping[str, str] | None = None,
        params: Mapping[str, str | int] | None = None,
        body: Any = None,
        ok: tuple[int, ...] = (200,),
        not_found_hint: str | None = None,
    ) -> Any:
        _check_utf8({**(args or {}), **(params or {})}, body)
        path = template.format(**{k: quote(v, safe="") for k, v in (args or {}).items()})
        documented = next((s for s in ok if response_schema(self.api, template, method, s)), ok[0])

        def check(status: int, data: Any) -> str | None:
            return check_response(self.api, template, method, documented, data)

        return self.transport.request(
            method,
            path,
            params=params,
            body=body,
            ok=ok,
            check=check,
            not_found_hint=not_found_hint,
        ).data

    def health(self) -> Any:
        """``GET /health``."""
        return self._call("GET", "/health")

    def detailed_health(self) -> Any:
        """``GET /health/detailed``."""
        return self._call("GET", "/health/detailed")


class OrchestrationApi(_Api):
    """The orchestration service's REST API."""

    api: Api = "orchestration"

    def create_task(self, request: Mapping[str, Any]) -> Any:
        """``POST /v1/tasks``: a ``TaskResponse``."""
        return self._call("POST", "/v1/tasks", body=dict(request), ok=(201, 200))

    def get_task(self, task_uuid: str) -> Any:
        """``GET /v1/tasks/{uuid}``: a ``TaskResponse``."""
        return self._call(
            "GET",
            "/v1/tasks/{uuid}",
            args={"uuid": task_uuid},
            not_found_hint="no task has that UUID; 'tasker-ctl task list' shows tasks",
        )

    def list_tasks(
        self,
        *,
        page: int = 1,
        per_page: int = 20,
        namespace: str | None = None,
        status: str | None = None,
    ) -> Any:
        """``GET /v1/tasks``: a ``TaskListResponse``."""
        params: dict[str, str | int] = {"page": page, "per_page": per_page}
        if namespace:
            params["namespace"] = namespace
        if status:
            params["status"] = status
        return self._call("GET", "/v1/tasks", params=params)

    def cancel_task(self, task_uuid: str) -> Any:
        """``DELETE /v1/tasks/{uuid}``: the cancelled task's ``TaskResponse``."""
        return self._call(
            "DELETE",
            "/v1/tasks/{uuid}",
            args={"uuid": task_uuid},
            not_found_hint="no task has that UUID; 'tasker-ctl task list' shows tasks",
        )

    def list_steps(self, task_uuid: str) -> Any:
        """``GET /v1/tasks/{uuid}/workflow_steps``: a list of ``StepResponse``."""
        return self._call(
            "GET",
            "/v1/tasks/{uuid}/workflow_steps",
            args={"uuid": task_uuid},
            not_found_hint="no task has that UUID",
        )

    def get_step(self, task_uuid: str, step_uuid: str) -> Any:
        """``GET /v1/tasks/{uuid}/workflow_steps/{step_uuid}``: a ``StepResponse``."""
        return self._call(
            "GET",
            "/v1/tasks/{uuid}/workflow_steps/{step_uuid}",
            args={"uuid": task_uuid, "step_uuid": step_uuid},
            not_found_hint=_NO_STEP,
        )

    def step_action(self, task_uuid: str, step_uuid: str, action: Mapping[str, Any]) -> Any:
        """``PATCH /v1/tasks/{uuid}/workflow_steps/{step_uuid}``: the step after the action."""
        return self._call(
            "PATCH",
            "/v1/tasks/{uuid}/workflow_steps/{step_uuid}",
            args={"uuid": task_uuid, "step_uuid": step_uuid},
            body=dict(action),
            not_found_hint=_NO_STEP,
        )

    def step_audit(self, task_uuid: str, step_uuid: str) -> Any:
        """``GET .../workflow_steps/{step_uuid}/audit``: a list of ``StepAuditResponse``."""
        return self._call(
            "GET",
            "/v1/tasks/{uuid}/workflow_steps/{step_uuid}/audit",
            args={"uuid": task_uuid, "step_uuid": step_uuid},
            not_found_hint="no such step in that task",
        )

    def list_dlq(self, *, status: str | None = None, limit: int = 50, offset: int = 0) -> Any:
        """``GET /v1/dlq``: a list of ``DlqEntry``."""
        params: dict[str, str | int] = {}
        if status:
            params["resolution_status"] = DLQ_STATUSES[dlq_status(status)]
        params["limit"] = limit
        params["offset"] = offset
        return self._call("GET", "/v1/dlq", params=params)

    def get_dlq(self, task_uuid: str) -> Any:
        """``GET /v1/dlq/task/{task_uuid}``: a ``DlqEntry``."""
        return self._call(
            "GET",
            "/v1/dlq/task/{task_uuid}",
            args={"task_uuid": task_uuid},
            not_found_hint="that task has no DLQ entry; 'tasker-ctl dlq list' shows entries",
        )

    def update_dlq(self, entry_uuid: str, update: Mapping[str, Any]) -> Any:
        """``PATCH /v1/dlq/entry/{dlq_entry_uuid}``: an ``UpdateInvestigationResponse``."""
        return self._call(
            "PATCH",
            "/v1/dlq/entry/{dlq_entry_uuid}",
            args={"dlq_entry_uuid": entry_uuid},
            body=dict(update),
            not_found_hint="no DLQ entry has that UUID (it is the entry's UUID, not the task's)",
        )

    def dlq_stats(self) -> Any:
        """``GET /v1/dlq/stats``: a list of ``DlqStats``."""
        return self._call("GET", "/v1/dlq/stats")


class WorkerApi(_Api):
    """A worker service's REST API."""

    api: Api = "worker"

    def list_templates(
        self, *, namespace: str | None = None, include_cache_stats: bool = True
    ) -> Any:
        """``GET /v1/templates``: a ``TemplateListResponse``."""
        params: dict[str, str | int] = {
            "include_cache_stats": "true" if include_cache_stats else "false"
        }
        if namespace:
            params["namespace"] = namespace
        return self._call("GET", "/v1/templates", params=params)

    def get_template(self, namespace: str, name: str, version: str) -> Any:
        """``GET /v1/templates/{namespace}/{name}/{version}``: a ``TemplateResponse``."""
        return self._call(
            "GET",
            "/v1/templates/{namespace}/{name}/{version}",
            args={"namespace": namespace, "name": name, "version": version},
            not_found_hint="the workers have not registered that template version; "
            "'tasker-ctl worker list' shows their namespaces",
        )


def open_api(
    profile: ClientProfile,
    which: Literal["orchestration", "worker"],
    *,
    retries: int | None = None,
    timeout_ms: int | None = None,
    on_retry: Callable[[str], None] | None = None,
) -> OrchestrationApi | WorkerApi:
    """A client for one API of ``profile`` (the connection opens on the first call).

    Raises:
        ProfileError: The profile uses the gRPC transport, which this tool does not speak.
    """
    if profile.transport != "rest":
        raise ProfileError(
            f"profile '{profile.name}' uses the {profile.transport} transport; "
            "tasker-ctl (Python) speaks only the REST API",
            hint='set transport = "rest" and the REST base URLs in the profile, or unset '
            "TASKER_CLIENT_TRANSPORT",
        )
    transport = Transport(
        profile.endpoint(which),
        label=f"{which} API",
        redactor=profile.redactor(),
        retries=retries,
        timeout_ms=timeout_ms,
        on_retry=on_retry,
    )
    return OrchestrationApi(transport) if which == "orchestration" else WorkerApi(transport)


def orchestration_api(profile: ClientProfile, **options: Any) -> OrchestrationApi:
    """:func:`open_api` for the orchestration API."""
    api = open_api(profile, "orchestration", **options)
    assert isinstance(api, OrchestrationApi)
    return api


def worker_api(profile: ClientProfile, **options: Any) -> WorkerApi:
    """:func:`open_api` for the worker API."""
    api = open_api(profile, "worker", **options)
    assert isinstance(api, WorkerApi)
    return api
