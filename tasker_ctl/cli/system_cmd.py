"""``tasker-ctl system``: health and version of a profile's orchestration and worker."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from tasker_ctl.cli.profile_cmd import (
    EXIT_CODES_HELP,
    FormatOption,
    ProfileOption,
    check_format,
    client_profile,
    connected,
    probe,
)

app = typer.Typer(
    help="Health and versions of the orchestration and worker services.\n\n" + EXIT_CODES_HELP,
    no_args_is_help=True,
)


@app.command("health")
@connected
def health(
    orchestration: Annotated[
        bool, typer.Option("--orchestration", "-o", help="Check only the orchestration.")
    ] = False,
    workers: Annotated[
        bool, typer.Option("--workers", "-w", help="Check only the worker.")
    ] = False,
    profile: ProfileOption = None,
    output_format: FormatOption = "table",
) -> int:
    """Check /health and /health/detailed of the orchestration and the worker.

    An unreachable service is reported, not raised: exit 0 when every checked
    service reports healthy, 1 otherwise.
    """
    from tasker_ctl.reporting.client_output import emit

    fmt = check_format(output_format)
    resolved = client_profile(profile)
    both = orchestration == workers
    data: dict[str, Any] = {"profile": resolved.name}
    if orchestration or both:
        data["orchestration"] = probe(resolved, "orchestration", detailed=True)
    if workers or both:
        data["worker"] = probe(resolved, "worker", detailed=True)
    emit("system_health", data, fmt)
    checked = [v for k, v in data.items() if k != "profile"]
    return 0 if all(v["healthy"] for v in checked) else 1


@app.command("info")
@connected
def info(profile: ProfileOption = None, output_format: FormatOption = "table") -> int:
    """Show this tool's version, the profile's endpoints and the services' versions."""
    from tasker_ctl import __version__
    from tasker_ctl.client.secrets import display_url
    from tasker_ctl.reporting.client_output import emit

    fmt = check_format(output_format)
    resolved = client_profile(profile)
    data: dict[str, Any] = {"cli_version": __version__, "profile": resolved.name}
    for which in ("orchestration", "worker"):
        endpoint = resolved.endpoint("orchestration" if which == "orchestration" else "worker")
        probed = probe(resolved, which, detailed=True)
        data[which] = {
            "url": display_url(endpoint.base_url),
            "timeout_ms": endpoint.timeout_ms,
            "max_retries": endpoint.max_retries,
            "detailed": probed.get("detailed"),
            "error": probed.get("error"),
        }
    emit("system_info", data, fmt)
    return 0
