"""Output of the connected commands: ``--format table`` (Rich), ``json`` and ``yaml``.

``json`` and ``yaml`` print the document as the server sent it (or, for
commands that make several calls, one document that holds each answer), so
scripts see the API's own field names. ``table`` is for people: one view per
kind of answer, chosen from :data:`VIEWS` by name. Every value from the server
goes through :func:`~tasker_ctl.reporting.console.literal`, so nothing in an
answer can inject markup or terminal escapes, and any JSON value (a field of
the wrong type included) renders without an exception.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tasker_ctl.reporting.console import literal, stdout_console

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table

__all__ = ["FORMATS", "VIEWS", "emit", "render_text"]

FORMATS = ("table", "json", "yaml")
_CELL_MAX = 120


def emit(view: str, data: Any, fmt: str, *, title: str | None = None) -> None:
    """Print ``data`` on stdout in ``fmt``, as the ``view`` table when ``fmt`` is table.

    ``title`` (table only) is a line printed first, e.g. what a command changed.
    """
    if fmt == "json":
        _write(lambda plain: json.dumps(data, indent=2, ensure_ascii=not plain) + "\n")
    elif fmt == "yaml":
        import yaml

        _write(
            lambda plain: yaml.safe_dump(
                data, sort_keys=False, allow_unicode=plain, default_flow_style=False
            )
        )
    else:
        console = stdout_console()
        if title:
            console.print(literal((title, "bold green")))
        for part in VIEWS[view](data):
            console.print(part)


def _write(render: Callable[[bool], str]) -> None:
    r"""Write ``render(True)`` (characters as they are), else ``render(False)`` (escaped).

    The escaped form is for what stdout cannot encode: a lone surrogate from a
    server's ``"\ud800"``, or any non-ASCII character on an ASCII stdout. Either
    way the document is written whole, in one piece, and is valid.
    """
    text = render(True)
    try:
        text.encode(sys.stdout.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        text = render(False)
    sys.stdout.write(text)


def render_text(view: str, data: Any, width: int = 120) -> str:
    """The table view as plain text (for tests and for capturing)."""
    from rich.console import Console

    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    for part in VIEWS[view](data):
        console.print(part)
    return console.export_text()


# ---------------------------------------------------------------------------
# helpers


def _get(data: Any, *keys: str | int) -> Any:
    for key in keys:
        if isinstance(key, int):
            data = data[key] if isinstance(data, list) and -len(data) <= key < len(data) else None
        else:
            data = data.get(key) if isinstance(data, dict) else None
    return data


def _text(value: Any, limit: int | None = _CELL_MAX) -> str:
    """A cell: strings as they are, ``None`` as empty, anything else as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, float):
        text = f"{value:.1f}"
    elif isinstance(value, int):
        text = str(value)
    else:
        text = json.dumps(value, ensure_ascii=False)
    return text if limit is None or len(text) <= limit else text[: limit - 3] + "..."


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _details(title: str, rows: Iterable[tuple[str, Any]]) -> Table:
    from rich.table import Table

    table = Table(title=literal(title), show_header=False, box=None, title_justify="left")
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for label, value in rows:
        if value is None or value == "":
            continue
        table.add_row(literal(label), literal(_text(value, limit=None), one_line=True))
    return table


def _rows(
    title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], empty: str
) -> RenderableType:
    from rich.table import Table

    materialised = [list(r) for r in rows]
    if not materialised:
        return literal(empty)
    table = Table(title=literal(title), title_justify="left")
    for column in columns:
        table.add_column(literal(column), overflow="fold")
    for row in materialised:
        table.add_row(*(literal(_text(v), one_line=True) for v in row))
    return table


def _of(done: Any, total: Any) -> str:
    return f"{_text(done)}/{_text(total)}"


def _ok(flag: Any) -> str:
    return "ok" if flag is True else ("FAILED" if flag is False else "")


# ---------------------------------------------------------------------------
# tasks and steps


def _task(data: Any, title: str = "Task") -> list[RenderableType]:
    name = f"{_text(_get(data, 'namespace'))}/{_text(_get(data, 'name'))}"
    parts: list[RenderableType] = [
        _details(
            title,
            [
                ("UUID", _get(data, "task_uuid")),
                ("Name", f"{name} v{_text(_get(data, 'version'))}"),
                ("Status", _get(data, "status")),
                ("Execution", _get(data, "execution_status")),
                ("Priority", _get(data, "priority")),
                (
                    "Steps",
                    _of(_get(data, "completed_steps"), _get(data, "total_steps")) + " complete",
                ),
                ("Failed steps", _get(data, "failed_steps")),
                ("Progress", _pct(_get(data, "completion_percentage"))),
                ("Health", _get(data, "health_status")),
                ("Recommended action", _get(data, "recommended_action")),
                ("Created", _get(data, "created_at")),
                ("Updated", _get(data, "updated_at")),
                ("Completed", _get(data, "completed_at")),
                ("Correlation ID", _get(data, "correlation_id")),
            ],
        )
    ]
    steps = _list(_get(data, "steps"))
    if steps:
        parts.append(
            _rows(
                "Steps",
                ["step", "state", "attempts", "dependencies", "ready", "next retry"],
                (
                    [
                        _get(s, "name"),
                        _get(s, "current_state"),
                        _of(_get(s, "attempts"), _get(s, "max_attempts")),
                        _of(_get(s, "completed_parents"), _get(s, "total_parents")),
                        _get(s, "ready_for_execution"),
                        _get(s, "next_retry_at"),
                    ]
                    for s in steps
                ),
                "",
            )
        )
    return parts


def _pct(value: Any) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.1f}%"
    return _text(value) or None


def _task_list(data: Any) -> list[RenderableType]:
    tasks = _list(_get(data, "tasks"))
    page = _get(data, "pagination") or {}
    table = _rows(
        "Tasks",
        ["task UUID", "task", "version", "status", "progress", "steps", "created"],
        (
            [
                _get(t, "task_uuid"),
                f"{_text(_get(t, 'namespace'))}/{_text(_get(t, 'name'))}",
                _get(t, "version"),
                _get(t, "status"),
                _pct(_get(t, "completion_percentage")),
                _of(_get(t, "completed_steps"), _get(t, "total_steps")),
                _get(t, "created_at"),
            ]
            for t in tasks
        ),
        "No tasks.",
    )
    footer = literal(
        f"page {_text(_get(page, 'page'))} of {_text(_get(page, 'total_pages'))}, "
        f"{_text(_get(page, 'total_count'))} tasks in all",
        one_line=True,
    )
    return [table, footer]


def _step_rows(steps: Any) -> list[list[Any]]:
    return [
        [
            _get(s, "name"),
            _get(s, "step_uuid"),
            _get(s, "current_state"),
            _of(_get(s, "attempts"), _get(s, "max_attempts")),
            _get(s, "dependencies_satisfied"),
            _get(s, "retry_eligible"),
        ]
        for s in _list(steps)
    ]


def _steps(data: Any) -> list[RenderableType]:
    columns = ["step", "step UUID", "state", "attempts", "dependencies met", "retry eligible"]
    return [_rows("Workflow steps", columns, _step_rows(data), "No workflow steps.")]


def _step(data: Any, title: str = "Step") -> list[RenderableType]:
    return [
        _details(
            title,
            [
                ("UUID", _get(data, "step_uuid")),
                ("Task UUID", _get(data, "task_uuid")),
                ("Name", _get(data, "name")),
                ("State", _get(data, "current_state")),
                ("Attempts", _of(_get(data, "attempts"), _get(data, "max_attempts"))),
                ("Dependencies", _of(_get(data, "completed_parents"), _get(data, "total_parents"))),
                ("Dependencies met", _get(data, "dependencies_satisfied")),
                ("Ready", _get(data, "ready_for_execution")),
                ("Retry eligible", _get(data, "retry_eligible")),
                ("Last attempted", _get(data, "last_attempted_at")),
                ("Last failure", _get(data, "last_failure_at")),
                ("Next retry", _get(data, "next_retry_at")),
                ("Completed", _get(data, "completed_at")),
                ("Results", _get(data, "results")),
            ],
        )
    ]


def _step_audit(data: Any) -> list[RenderableType]:
    return [
        _rows(
            "Step audit trail",
            [
                "recorded at",
                "step",
                "transition",
                "success",
                "worker",
                "time (ms)",
                "correlation ID",
            ],
            (
                [
                    _get(a, "recorded_at"),
                    _get(a, "step_name"),
                    f"{_text(_get(a, 'from_state')) or '(none)'} -> {_text(_get(a, 'to_state'))}",
                    _get(a, "success"),
                    _get(a, "worker_uuid"),
                    _get(a, "execution_time_ms"),
                    _get(a, "correlation_id"),
                ]
                for a in _list(data)
            ),
            "No audit records for this step (they are written when step results are persisted).",
        )
    ]


# ---------------------------------------------------------------------------
# workers and system


def _checks(title: str, checks: Any) -> RenderableType:
    items = checks.items() if isinstance(checks, dict) else []
    return _rows(
        title,
        ["check", "status", "ms", "message"],
        (
            [name, _get(c, "status"), _get(c, "duration_ms"), _get(c, "message")]
            for name, c in items
        ),
        "",
    )


def _worker_templates(data: Any) -> list[RenderableType]:
    stats = _get(data, "cache_stats")
    parts: list[RenderableType] = [
        _details(
            "Worker",
            [
                (
                    "Supported namespaces",
                    ", ".join(map(_text, _list(_get(data, "supported_namespaces")))),
                ),
                ("Cached templates", _get(data, "template_count")),
                ("Capabilities", ", ".join(map(_text, _list(_get(data, "worker_capabilities"))))),
            ],
        )
    ]
    if isinstance(stats, dict):
        parts.append(
            _details(
                "Template cache",
                [
                    ("Total cached", _get(stats, "total_cached")),
                    ("Hits", _get(stats, "cache_hits")),
                    ("Misses", _get(stats, "cache_misses")),
                    ("Evictions", _get(stats, "cache_evictions")),
                ],
            )
        )
    return parts


def _worker_detail(detailed: Any, title: str) -> list[RenderableType]:
    info = _get(detailed, "system_info")
    return [
        _details(
            title,
            [
                ("Worker ID", _get(detailed, "worker_id")),
                ("Status", _get(detailed, "status")),
                ("Version", _get(info, "version")),
                ("Environment", _get(info, "environment")),
                ("Uptime (s)", _get(info, "uptime_seconds")),
                ("Worker type", _get(info, "worker_type")),
                ("DB pool size", _get(info, "database_pool_size")),
                ("Command processor", _get(info, "command_processor_active")),
                ("Namespaces", ", ".join(map(_text, _list(_get(info, "supported_namespaces"))))),
                ("Checked at", _get(detailed, "timestamp")),
            ],
        ),
        _checks("Health checks", _get(detailed, "checks")),
    ]


def _worker_status(data: Any) -> list[RenderableType]:
    return _worker_detail(data, "Worker status")


def _worker_health(data: Any) -> list[RenderableType]:
    basic = _get(data, "basic")
    parts: list[RenderableType] = [
        _details(
            "Worker health",
            [("Status", _get(basic, "status")), ("Worker ID", _get(basic, "worker_id"))],
        )
    ]
    if _get(data, "detailed") is not None:
        parts += _worker_detail(_get(data, "detailed"), "Detailed")
    if _get(data, "detailed_error"):
        parts.append(
            literal(
                ("detailed health unavailable: ", "yellow"), _text(_get(data, "detailed_error"))
            )
        )
    return parts


def _service(name: str, data: Any) -> list[RenderableType]:
    if data is None:
        return []
    healthy = _get(data, "healthy")
    parts: list[RenderableType] = [
        literal(
            (f"{name}: ", "bold"),
            ("healthy" if healthy else "NOT HEALTHY", "green" if healthy else "bold red"),
            f" ({_text(_get(data, 'url'))})",
            one_line=True,
        )
    ]
    if _get(data, "error"):
        parts.append(literal("  ", ("error: ", "red"), _text(_get(data, "error"))))
    detailed = _get(data, "detailed")
    if isinstance(detailed, dict):
        info = _get(detailed, "info") or _get(detailed, "system_info")
        parts.append(
            _details(
                "",
                [
                    ("Status", _get(detailed, "status")),
                    ("Version", _get(info, "version")),
                    ("Environment", _get(info, "environment")),
                    ("Operational state", _get(info, "operational_state")),
                    ("Circuit breaker", _get(info, "circuit_breaker_state")),
                    ("Worker ID", _get(detailed, "worker_id")),
                ],
            )
        )
        parts.append(_checks("", _get(detailed, "checks")))
    return parts


def _system_health(data: Any) -> list[RenderableType]:
    return [
        *_service("Orchestration", _get(data, "orchestration")),
        *_service("Worker", _get(data, "worker")),
    ]


def _system_info(data: Any) -> list[RenderableType]:
    parts: list[RenderableType] = [
        _details(
            "tasker-ctl",
            [("Version", _get(data, "cli_version")), ("Profile", _get(data, "profile"))],
        )
    ]
    for key, title in (("orchestration", "Orchestration API"), ("worker", "Worker API")):
        svc = _get(data, key)
        detailed = _get(svc, "detailed")
        info = _get(detailed, "info") or _get(detailed, "system_info")
        parts.append(
            _details(
                title,
                [
                    ("URL", _get(svc, "url")),
                    ("Timeout (ms)", _get(svc, "timeout_ms")),
                    ("Max retries", _get(svc, "max_retries")),
                    ("Status", _get(detailed, "status")),
                    ("Version", _get(info, "version")),
                    ("Environment", _get(info, "environment")),
                    ("Unavailable", _get(svc, "error")),
                ],
            )
        )
    return parts


# ---------------------------------------------------------------------------
# DLQ


def _dlq_list(data: Any) -> list[RenderableType]:
    return [
        _rows(
            "DLQ entries",
            ["entry UUID", "task UUID", "reason", "resolution", "original state", "in DLQ since"],
            (
                [
                    _get(e, "dlq_entry_uuid"),
                    _get(e, "task_uuid"),
                    _get(e, "dlq_reason"),
                    _get(e, "resolution_status"),
                    _get(e, "original_state"),
                    _get(e, "dlq_timestamp"),
                ]
                for e in _list(data)
            ),
            "No DLQ entries.",
        )
    ]


def _dlq_entry(data: Any) -> list[RenderableType]:
    return [
        _details(
            "DLQ entry",
            [
                ("Entry UUID", _get(data, "dlq_entry_uuid")),
                ("Task UUID", _get(data, "task_uuid")),
                ("Reason", _get(data, "dlq_reason")),
                ("Original state", _get(data, "original_state")),
                ("Resolution", _get(data, "resolution_status")),
                ("In DLQ since", _get(data, "dlq_timestamp")),
                ("Resolved at", _get(data, "resolution_timestamp")),
                ("Resolved by", _get(data, "resolved_by")),
                ("Notes", _get(data, "resolution_notes")),
            ],
        ),
        literal(("Task snapshot", "bold")),
        literal(json.dumps(_get(data, "task_snapshot"), indent=2, ensure_ascii=False)),
    ]


def _dlq_update(data: Any) -> list[RenderableType]:
    ok = _get(data, "success") is True
    return [
        literal(
            ("updated" if ok else "NOT updated", "green" if ok else "bold red"),
            f": DLQ entry {_text(_get(data, 'dlq_entry_uuid'))}: {_text(_get(data, 'message'))}",
        )
    ]


def _dlq_stats(data: Any) -> list[RenderableType]:
    return [
        _rows(
            "DLQ statistics by reason",
            [
                "reason",
                "total",
                "pending",
                "resolved",
                "permanent",
                "cancelled",
                "oldest",
                "newest",
            ],
            (
                [
                    _get(s, "dlq_reason"),
                    _get(s, "total_entries"),
                    _get(s, "pending"),
                    _get(s, "manually_resolved"),
                    _get(s, "permanent_failures"),
                    _get(s, "cancelled"),
                    _get(s, "oldest_entry"),
                    _get(s, "newest_entry"),
                ]
                for s in _list(data)
            ),
            "The DLQ is empty.",
        )
    ]


# ---------------------------------------------------------------------------
# profiles


def _auth_text(auth: Any) -> str:
    if not isinstance(auth, dict):
        return "none"
    # never cut: where a credential comes from is what this line is for
    kind, header, source = (_text(auth.get(k), limit=None) for k in ("type", "header", "source"))
    return f"{kind} via {header} (from {source})"


def _profile_rows(profile: Any) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = [
        ("Description", _get(profile, "description")),
        ("Transport", _get(profile, "transport")),
        ("File", _get(profile, "file") or "(none: built-in defaults)"),
    ]
    for key in ("orchestration", "worker"):
        endpoint = _get(profile, key)
        sources = _get(endpoint, "sources") or {}
        rows += [
            (
                f"{key.capitalize()} URL",
                f"{_text(_get(endpoint, 'base_url'))}  [{_text(_get(sources, 'base_url'))}]",
            ),
            (
                "  timeout",
                f"{_text(_get(endpoint, 'timeout_ms'))} ms  [{_text(_get(sources, 'timeout_ms'))}]",
            ),
            ("  max retries", _get(endpoint, "max_retries")),
            ("  auth", _auth_text(_get(endpoint, "auth"))),
        ]
    rows += [
        ("Namespaces", ", ".join(map(_text, _list(_get(profile, "namespaces"))))),
        ("MCP tool tiers", ", ".join(map(_text, _list(_get(profile, "tools"))))),
    ]
    return rows


def _profile(data: Any) -> list[RenderableType]:
    return [_details(f"Profile {_text(_get(data, 'name'))}", _profile_rows(data))]


def _profile_list(data: Any) -> list[RenderableType]:
    profiles = _list(_get(data, "profiles"))
    parts: list[RenderableType] = [
        _rows(
            f"Profiles ({_text(_get(data, 'file')) or 'no profile file: built-in defaults'})",
            ["", "profile", "description", "orchestration", "worker", "auth"],
            (
                [
                    "*" if _get(p, "active") else "",
                    _get(p, "name"),
                    _get(p, "description"),
                    _get(p, "orchestration", "base_url"),
                    _get(p, "worker", "base_url"),
                    _get(p, "orchestration", "auth", "type") or "none",
                ]
                for p in profiles
            ),
            "No profiles.",
        ),
        literal(("* = active profile", "dim")),
    ]
    return parts


def _profile_check(data: Any) -> list[RenderableType]:
    parts: list[RenderableType] = []
    for result in _list(_get(data, "profiles")):
        status = _text(_get(result, "status"))
        style = {"healthy": "green", "degraded": "yellow"}.get(status, "bold red")
        parts.append(
            literal((f"{_text(_get(result, 'name'))}: ", "bold"), (status, style), one_line=True)
        )
        for key in ("orchestration", "worker"):
            probe = _get(result, key)
            reachable = _get(probe, "reachable") is True
            state = "reachable" if reachable else "unreachable"
            line = f"  {key}: {state} ({_text(_get(probe, 'url'))})"
            parts.append(literal(line, one_line=True))
            if _get(probe, "error"):
                parts.append(literal("    ", ("error: ", "red"), _text(_get(probe, "error"))))
    return parts


def _profile_validate(data: Any) -> list[RenderableType]:
    problems = _list(_get(data, "problems"))
    parts: list[RenderableType] = [literal(("Validating ", "bold"), _text(_get(data, "file")))]
    for problem in problems:
        level = "warning" if _get(problem, "warning") else "error"
        parts.append(
            literal(
                (f"{level}: ", "yellow" if level == "warning" else "bold red"),
                f"{_text(_get(problem, 'location'))}: {_text(_get(problem, 'message'))}",
            )
        )
    names = ", ".join(map(_text, _list(_get(data, "profiles"))))
    if _get(data, "valid"):
        parts.append(literal(("valid", "green"), f": profiles {names}" if names else ""))
    else:
        parts.append(
            literal(
                ("invalid", "bold red"),
                f": {len([p for p in problems if not _get(p, 'warning')])} error(s)",
            )
        )
    return parts


def _message(data: Any) -> list[RenderableType]:
    return [literal(_text(_get(data, "message")))]


VIEWS: Mapping[str, Callable[[Any], list[RenderableType]]] = {
    "task": _task,
    "task_list": _task_list,
    "steps": _steps,
    "step": _step,
    "step_audit": _step_audit,
    "worker_templates": _worker_templates,
    "worker_status": _worker_status,
    "worker_health": _worker_health,
    "system_health": _system_health,
    "system_info": _system_info,
    "dlq_list": _dlq_list,
    "dlq_entry": _dlq_entry,
    "dlq_update": _dlq_update,
    "dlq_stats": _dlq_stats,
    "profile": _profile,
    "profile_list": _profile_list,
    "profile_check": _profile_check,
    "profile_validate": _profile_validate,
    "message": _message,
}
"""Table views by name; a command names the view of its answer."""
