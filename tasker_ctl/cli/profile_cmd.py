"""``tasker-ctl profile``: connection profiles; and what every connected command shares.

Connected commands (``task``, ``worker``, ``system``, ``dlq``, ``profile check``)
take ``--profile`` (``-p``, except on ``task create`` where ``-p`` is the
priority, as upstream) and ``--format table|json|yaml``; they run inside
:func:`connected`, which turns a failed server call into exit code 4.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec

import typer

from tasker_ctl.cli.boundary import command_boundary, report_error
from tasker_ctl.cli.common import note, warn

if TYPE_CHECKING:
    from tasker_ctl.client.profiles import ClientProfile

P = ParamSpec("P")

EXIT_CODES_HELP = (
    "Exit codes: 0 ok; 1 unhealthy or not valid (health, check and validate commands); "
    "2 usage, input or profile error; 4 the server call failed (connection refused, DNS, "
    "TLS, timeout, an HTTP error status, an answer that is not the Tasker API's); "
    "3 internal error."
)

app = typer.Typer(
    help="Connection profiles for the Tasker orchestration and worker APIs "
    "(profile.NAME tables in .config/tasker.toml or .config/tasker-client.toml).\n\n"
    + EXIT_CODES_HELP,
    no_args_is_help=True,
)

FORMATS = ("table", "json", "yaml")

FormatOption = Annotated[str, typer.Option("--format", help="Output format: table, json or yaml.")]
ProfileOption = Annotated[
    str | None,
    typer.Option(
        "--profile",
        "-p",
        help="Profile to use (default: $TASKER_CLIENT_PROFILE, else 'default').",
        show_default=False,
    ),
]


def check_format(fmt: str) -> str:
    """The lower-cased format, or a usage error."""
    from tasker_ctl.client.errors import InvalidArgumentError

    value = fmt.lower()
    if value not in FORMATS:
        raise InvalidArgumentError(f"unknown --format {fmt!r}", hint="choose table, json or yaml")
    return value


def client_profile(name: str | None) -> ClientProfile:
    """The active profile (``--profile``/``TASKER_CLIENT_PROFILE``/default); warnings to stderr."""
    from tasker_ctl.client.profiles import load_client_profile

    profile = load_client_profile(name)
    for message in profile.warnings:
        warn(message)
    return profile


def retry_note(message: str) -> None:
    """Print a retry on stderr (stdout stays the command's document)."""
    note(message)


def connected(fn: Callable[P, int | None]) -> Callable[P, None]:
    """:func:`command_boundary` plus exit code 4 for a failed server call."""

    @functools.wraps(fn)
    def call_server(*args: P.args, **kwargs: P.kwargs) -> int | None:
        from tasker_ctl.client.errors import REMOTE_EXIT_CODE, RemoteError

        try:
            return fn(*args, **kwargs)
        except RemoteError as exc:
            report_error(exc)
            raise typer.Exit(REMOTE_EXIT_CODE) from None

    return command_boundary(call_server)


# ---------------------------------------------------------------------------


@app.command("list")
@command_boundary
def list_profiles(profile: ProfileOption = None, output_format: FormatOption = "table") -> int:
    """List the profiles of the profile file in use, with their endpoints."""
    from tasker_ctl.client.profiles import (
        ProfileFile,
        active_profile_name,
        find_profile_file,
        read_profile_file,
        resolve_profile,
    )
    from tasker_ctl.reporting.client_output import emit

    fmt = check_format(output_format)
    path = find_profile_file()
    file = read_profile_file(path) if path is not None else ProfileFile(None, {})
    active = active_profile_name(profile)
    resolved = [resolve_profile(name, file) for name in file.names]
    if active not in file.names:
        resolve_profile(active, file)  # raises: unknown profile, with suggestions
    for message in resolved[0].warnings if resolved else ():
        warn(message)
    data = {
        "file": str(path) if path else None,
        "active": active,
        "profiles": [p.describe(active=p.name == active) for p in resolved],
    }
    emit("profile_list", data, fmt)
    return 0


@app.command("show")
@command_boundary
def show(
    name: Annotated[
        str | None, typer.Argument(help="Profile to show (default: the active profile).")
    ] = None,
    profile: ProfileOption = None,
    output_format: FormatOption = "table",
) -> int:
    """Show one profile as resolved: URLs, timeouts, retries, and where each value came from.

    Credentials are never shown: only their kind, header and source.
    """
    from tasker_ctl.reporting.client_output import emit

    fmt = check_format(output_format)
    resolved = client_profile(name or profile)
    emit("profile", resolved.describe(active=True), fmt)
    return 0


@app.command("add")
@command_boundary
def add(
    name: Annotated[str, typer.Argument(help="Profile name (letters, digits, '-', '_').")],
    description: Annotated[
        str | None, typer.Option("--description", "-d", help="Human-readable description.")
    ] = None,
    transport: Annotated[
        str, typer.Option("--transport", "-t", help="rest (grpc is recorded but not spoken here).")
    ] = "rest",
    orchestration_url: Annotated[
        str, typer.Option("--orchestration-url", help="Orchestration API base URL.")
    ] = "http://localhost:8080",
    worker_url: Annotated[
        str, typer.Option("--worker-url", help="Worker API base URL.")
    ] = "http://localhost:8081",
    tools: Annotated[
        str | None, typer.Option("--tools", help="MCP tool tiers, comma-separated (tier1,tier2).")
    ] = None,
) -> int:
    """Add a profile to the profile file in use (creating .config/tasker.toml if there is none).

    The file's existing text is kept as it is; credentials are not written
    (give them with TASKER_AUTH_TOKEN / TASKER_API_KEY or their _FILE forms).
    """
    from tasker_ctl.client.profiles import add_profile

    path = add_profile(
        name,
        orchestration_url=orchestration_url,
        worker_url=worker_url,
        description=description,
        transport=transport,
        tools=[t.strip() for t in tools.split(",") if t.strip()] if tools else None,
    )
    typer.echo(f"added profile '{name}' to {path}")
    typer.echo(f"check it with: tasker-ctl profile check {name}")
    return 0


@app.command("validate")
@command_boundary
def validate(output_format: FormatOption = "table") -> int:
    """Check the profile file offline: TOML syntax, keys and types, URLs, each profile resolves.

    Exit 0 valid (warnings allowed), 1 problems found, 2 no profile file.
    """
    from tasker_ctl.client.errors import ProfileError
    from tasker_ctl.client.profiles import candidate_paths, check_profile_file, find_profile_file
    from tasker_ctl.client.profiles import read_profile_file as read_file
    from tasker_ctl.reporting.client_output import emit

    fmt = check_format(output_format)
    path = find_profile_file()
    if path is None:
        raise ProfileError(
            "no profile file found; looked for " + ", ".join(str(p) for p in candidate_paths()),
            hint="create one with 'tasker-ctl profile add NAME --orchestration-url URL'",
        )
    problems = check_profile_file(path)
    errors = [p for p in problems if not p.warning]
    try:
        names = sorted(read_file(path).profiles) if not errors else []
    except ProfileError:
        names = []
    data = {
        "file": str(path),
        "valid": not errors,
        "profiles": names,
        "problems": [
            {"location": str(p.location), "message": p.message, "warning": p.warning}
            for p in problems
        ],
    }
    emit("profile_validate", data, fmt)
    return 1 if errors else 0


@app.command("check")
@command_boundary
def check(
    name: Annotated[
        str | None, typer.Argument(help="Profile to check (default: the active profile).")
    ] = None,
    all_profiles: Annotated[bool, typer.Option("--all", help="Check every profile.")] = False,
    profile: ProfileOption = None,
    timeout_ms: Annotated[
        int, typer.Option("--timeout-ms", min=1, help="Per-probe timeout in milliseconds.")
    ] = 5000,
    output_format: FormatOption = "table",
) -> int:
    """Call GET /health on a profile's orchestration and worker APIs (no retries).

    A profile is healthy when both answer, degraded when one does, unreachable
    when neither does. Exit 0 when every checked profile is healthy, else 1.
    """
    from tasker_ctl.client.profiles import (
        ProfileFile,
        active_profile_name,
        find_profile_file,
        read_profile_file,
        resolve_profile,
    )
    from tasker_ctl.reporting.client_output import emit

    fmt = check_format(output_format)
    path = find_profile_file()
    file = read_profile_file(path) if path is not None else ProfileFile(None, {})
    names = file.names if all_profiles else [name or active_profile_name(profile)]
    results = [probe_profile(resolve_profile(n, file), timeout_ms) for n in names]
    emit("profile_check", {"profiles": results}, fmt)
    return 0 if all(r["status"] == "healthy" for r in results) else 1


def probe_profile(profile: ClientProfile, timeout_ms: int) -> dict[str, Any]:
    """Probe both endpoints' ``/health`` once; never raises for a server problem."""
    result: dict[str, Any] = {"name": profile.name}
    for which in ("orchestration", "worker"):
        result[which] = probe(profile, which, timeout_ms=timeout_ms, retries=0)
    up = [result[w]["reachable"] for w in ("orchestration", "worker")]
    result["status"] = "healthy" if all(up) else ("degraded" if any(up) else "unreachable")
    return result


def probe(
    profile: ClientProfile,
    which: str,
    *,
    timeout_ms: int | None = None,
    retries: int | None = None,
    detailed: bool = False,
) -> dict[str, Any]:
    """``/health`` (and ``/health/detailed``) of one endpoint; a failure is data, not an error.

    ``reachable``: the basic check answered (what ``profile check`` counts, as
    upstream). ``healthy``: it, and with ``detailed`` the detailed check too,
    reported status ``healthy``.
    """
    from tasker_ctl.client.api import open_api
    from tasker_ctl.client.errors import RemoteError
    from tasker_ctl.client.secrets import display_url

    endpoint = profile.endpoint("orchestration" if which == "orchestration" else "worker")
    out: dict[str, Any] = {
        "url": display_url(endpoint.base_url),
        "reachable": False,
        "healthy": False,
    }
    api = open_api(
        profile,
        "orchestration" if which == "orchestration" else "worker",
        timeout_ms=timeout_ms,
        retries=retries,
        on_retry=retry_note,
    )
    try:
        out["basic"] = api.health()
        out["reachable"] = True
        out["healthy"] = _is_healthy(out["basic"])
        if detailed:
            out["detailed"] = api.detailed_health()
            out["healthy"] = out["healthy"] and _is_healthy(out["detailed"])
    except RemoteError as exc:
        out["error"] = exc.message
        out["healthy"] = False
        if exc.hint:
            out["hint"] = exc.hint
    finally:
        api.close()
    return out


def _is_healthy(answer: Any) -> bool:
    status = answer.get("status") if isinstance(answer, dict) else None
    return isinstance(status, str) and status.lower() == "healthy"
