"""``tasker-ctl dlq``: the dead-letter queue of tasks that need an operator."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from tasker_ctl.cli.profile_cmd import (
    EXIT_CODES_HELP,
    FormatOption,
    ProfileOption,
    check_format,
    client_profile,
    connected,
    retry_note,
)

if TYPE_CHECKING:
    from tasker_ctl.client.api import OrchestrationApi

app = typer.Typer(
    help="Investigate dead-letter-queue entries (tasks stuck for an operator).\n\n"
    + EXIT_CODES_HELP,
    no_args_is_help=True,
)

STATUS_HELP = "pending, manually_resolved, permanently_failed or cancelled."


def _api(profile: str | None) -> OrchestrationApi:
    from tasker_ctl.client.api import orchestration_api

    return orchestration_api(client_profile(profile), on_retry=retry_note)


@app.command("list")
@connected
def list_entries(
    status: Annotated[
        str | None,
        typer.Option("--status", "-s", help="Only entries in this state: " + STATUS_HELP),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-l", min=1, help="Entries to show.")] = 50,
    offset: Annotated[int, typer.Option("--offset", "-o", min=0, help="Entries to skip.")] = 0,
    profile: ProfileOption = None,
    output_format: FormatOption = "table",
) -> int:
    """List DLQ entries (GET /v1/dlq)."""
    from tasker_ctl.client.api import dlq_status
    from tasker_ctl.reporting.client_output import emit

    fmt = check_format(output_format)
    wanted = dlq_status(status) if status else None
    api = _api(profile)
    try:
        emit("dlq_list", api.list_dlq(status=wanted, limit=limit, offset=offset), fmt)
    finally:
        api.close()
    return 0


@app.command("get")
@connected
def get(
    task_uuid: Annotated[str, typer.Argument(metavar="TASK_UUID", help="The task's UUID.")],
    profile: ProfileOption = None,
    output_format: FormatOption = "table",
) -> int:
    """Show the DLQ entry of a task, with its snapshot (GET /v1/dlq/task/{task_uuid})."""
    from tasker_ctl.client.api import parse_uuid
    from tasker_ctl.reporting.client_output import emit

    fmt = check_format(output_format)
    task = parse_uuid(task_uuid, "task UUID")
    api = _api(profile)
    try:
        emit("dlq_entry", api.get_dlq(task), fmt)
    finally:
        api.close()
    return 0


@app.command("update")
@connected
def update(
    dlq_entry_uuid: Annotated[
        str, typer.Argument(metavar="DLQ_ENTRY_UUID", help="The entry's UUID (not the task's).")
    ],
    status: Annotated[
        str | None, typer.Option("--status", "-s", help="New resolution status: " + STATUS_HELP)
    ] = None,
    notes: Annotated[str | None, typer.Option("--notes", "-n", help="Resolution notes.")] = None,
    resolved_by: Annotated[
        str | None, typer.Option("--resolved-by", "-b", help="Who resolved it.")
    ] = None,
    profile: ProfileOption = None,
    output_format: FormatOption = "table",
) -> int:
    """Update an investigation (PATCH /v1/dlq/entry/{uuid}); exit 1 if the server says it failed."""
    from tasker_ctl.client.api import dlq_update_body, parse_uuid
    from tasker_ctl.client.errors import InvalidArgumentError
    from tasker_ctl.reporting.client_output import emit

    fmt = check_format(output_format)
    entry = parse_uuid(dlq_entry_uuid, "DLQ entry UUID")
    if status is None and notes is None and resolved_by is None:
        raise InvalidArgumentError(
            "nothing to update", hint="give --status, --notes and/or --resolved-by"
        )
    body = dlq_update_body(status, notes, resolved_by)
    api = _api(profile)
    try:
        answer = api.update_dlq(entry, body)
    finally:
        api.close()
    emit("dlq_update", answer, fmt)
    return 0 if isinstance(answer, dict) and answer.get("success") is True else 1


@app.command("stats")
@connected
def stats(profile: ProfileOption = None, output_format: FormatOption = "table") -> int:
    """DLQ counts by reason and resolution (GET /v1/dlq/stats)."""
    from tasker_ctl.reporting.client_output import emit

    fmt = check_format(output_format)
    api = _api(profile)
    try:
        emit("dlq_stats", api.dlq_stats(), fmt)
    finally:
        api.close()
    return 0
