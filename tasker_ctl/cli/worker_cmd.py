"""``tasker-ctl worker``: what a worker serves and how it is doing (the worker API)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from tasker_ctl.cli.common import warn
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
    from tasker_ctl.client.api import WorkerApi

app = typer.Typer(
    help="Inspect the worker service of a profile (one worker per worker_url).\n\n"
    + EXIT_CODES_HELP,
    no_args_is_help=True,
)

WorkerId = Annotated[
    str | None,
    typer.Argument(
        metavar="[WORKER_ID]",
        help="Expected worker ID; a warning says when the worker at worker_url is another.",
        show_default=False,
    ),
]


def _api(profile: str | None) -> WorkerApi:
    from tasker_ctl.client.api import worker_api

    return worker_api(client_profile(profile), on_retry=retry_note)


def _compare(expected: str | None, answer: object) -> None:
    actual = answer.get("worker_id") if isinstance(answer, dict) else None
    if expected and actual != expected:
        warn(f"asked about worker {expected!r}, but the worker API answered as {actual!r}")


@app.command("list")
@connected
def list_workers(
    namespace: Annotated[
        str | None, typer.Option("--namespace", "-n", help="Only templates of this namespace.")
    ] = None,
    profile: ProfileOption = None,
    output_format: FormatOption = "table",
) -> int:
    """Show the worker's namespaces, cached templates and capabilities (GET /v1/templates)."""
    from tasker_ctl.reporting.client_output import emit

    fmt = check_format(output_format)
    api = _api(profile)
    try:
        emit("worker_templates", api.list_templates(namespace=namespace), fmt)
    finally:
        api.close()
    return 0


@app.command("status")
@connected
def status(
    worker_id: WorkerId = None, profile: ProfileOption = None, output_format: FormatOption = "table"
) -> int:
    """Show the worker's detailed status and subsystem checks (GET /health/detailed)."""
    from tasker_ctl.reporting.client_output import emit

    fmt = check_format(output_format)
    api = _api(profile)
    try:
        answer = api.detailed_health()
    finally:
        api.close()
    _compare(worker_id, answer)
    emit("worker_status", answer, fmt)
    return 0


@app.command("health")
@connected
def health(
    worker_id: WorkerId = None,
    all_workers: Annotated[
        bool, typer.Option("--all", "-a", help="Accepted for upstream parity (one worker per URL).")
    ] = False,
    profile: ProfileOption = None,
    output_format: FormatOption = "table",
) -> int:
    """Check the worker's health (GET /health, then /health/detailed).

    Exit 0 when the worker reports healthy, 1 when it reports anything else.
    """
    from tasker_ctl.client.errors import RemoteError
    from tasker_ctl.reporting.client_output import emit

    fmt = check_format(output_format)
    api = _api(profile)
    try:
        basic = api.health()
        result: dict[str, object] = {"basic": basic, "detailed": None}
        try:
            result["detailed"] = api.detailed_health()
        except RemoteError as exc:
            result["detailed_error"] = exc.message
    finally:
        api.close()
    _compare(worker_id, basic)
    emit("worker_health", result, fmt)
    statuses = [basic, result["detailed"]] if result["detailed"] is not None else [basic]
    healthy = all(isinstance(s, dict) and s.get("status") == "healthy" for s in statuses)
    return 0 if healthy else 1
