"""``tasker-ctl template diff``: a local template against the version the workers registered.

Registered under ``template`` (see ``cli/app.py``). It reads the local YAML as the
real loader does, fetches ``GET /v1/templates/{namespace}/{name}/{version}`` from the
worker API of the active profile, and lists every field that differs, so a CI job
can fail (exit 1) when the template it lints is not the one that runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from tasker_ctl.cli.profile_cmd import (
    FormatOption,
    ProfileOption,
    check_format,
    client_profile,
    connected,
    retry_note,
)


@connected
def diff(
    template: Annotated[
        Path,
        typer.Option("--template", "-t", help="The local task template YAML."),
    ],
    ref: Annotated[
        str | None,
        typer.Argument(
            metavar="NAMESPACE/NAME/VERSION",
            help="The registered template (default: the local file's namespace_name, "
            "name and version).",
            show_default=False,
        ),
    ] = None,
    profile: ProfileOption = None,
    output_format: FormatOption = "table",
) -> int:
    """Diff a local task template against the version the deployed workers registered.

    Both are read as the Rust loader reads them (defaults and aliases), and the local
    one gets the deployed environment's overrides first, as the worker applied them.
    Exit codes: 0 identical, 1 they differ, 2 usage or input error (a template that
    does not load included), 4 the server call failed (404: no worker registered it).
    """
    from tasker_ctl.client.errors import RemoteError
    from tasker_ctl.client.template_diff import (
        TemplateRef,
        deployed_template,
        diff_templates,
        normalized,
        parse_ref,
        resolve_for_environment,
    )
    from tasker_ctl.reporting.client_output import emit

    fmt = check_format(output_format)
    wanted = parse_ref(ref) if ref is not None else None
    local = _load(template)
    if wanted is None:
        wanted = TemplateRef(
            str(local.get("namespace_name", "")),
            str(local.get("name", "")),
            str(local.get("version", "")),
        )
    chosen = client_profile(profile)
    from tasker_ctl.client.api import worker_api

    api = worker_api(chosen, on_retry=retry_note)
    try:
        answer = api.get_template(wanted.namespace, wanted.name, wanted.version)
    finally:
        api.close()
    url = chosen.redactor().scrub(f"{chosen.worker.origin}/v1/templates/{wanted}")
    try:
        registered, environment = deployed_template(answer)
        deployed = normalized(registered)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise RemoteError(
            f"GET {url}: the registered template is not one tasker-ctl can read: "
            + _first_problem(exc),
            url=url,
            hint="is the worker's tasker-core newer than this tasker-ctl? compare with "
            "'tasker-ctl worker status'",
        ) from None
    try:
        mine = normalized(resolve_for_environment(local, environment) if environment else local)
    except ValueError as exc:  # an override the template's own check let through
        from tasker_ctl.errors import InputFileError

        raise InputFileError(
            f"{template}: with the '{environment}' overrides applied, the template no longer "
            f"loads: {_first_problem(exc)}",
            hint=f"check environments.{environment} in {template}",
        ) from None
    changes = diff_templates(mine, deployed)
    document: dict[str, Any] = {
        "template": str(wanted),
        "local": str(template),
        "environment": environment,
        "identical": not changes,
        "differences": [c.to_json() for c in changes],
    }
    if fmt == "table":
        from tasker_ctl.reporting.template_diff import print_template_diff

        print_template_diff(document)
    else:
        emit("task", document, fmt)
    return 0 if not changes else 1


def _load(path: Path) -> dict[str, Any]:
    """The local template's data as the real loader reads it; exit 2 when it does not load."""
    from tasker_ctl.errors import InputFileError
    from tasker_ctl.reporting.console import literal, stderr_console
    from tasker_ctl.validation import LintOptions, Severity, lint_file

    if not path.is_file():
        raise InputFileError(
            f"template {path} does not exist" if not path.exists() else f"{path} is not a file",
            hint="pass the path of a task template YAML file",
        )
    result = lint_file(path, LintOptions(handler_check=False))
    if result.data is None or result.template is None:
        console = stderr_console()
        for finding in result.diagnostics:
            if finding.severity is Severity.ERROR:
                console.print(
                    literal(f"{finding.location}: ", ("error", "red"), f" {finding.message}"),
                    soft_wrap=True,
                )
        raise InputFileError(
            f"{path} does not load as a task template, so there is nothing to compare",
            hint=f"see: tasker-ctl validate {path}",
        )
    return dict(result.data)


def _first_problem(exc: ValueError) -> str:
    """The first problem of a pydantic ``ValidationError``: where, and what (never the value)."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        found = errors(include_input=False, include_url=False)
        if found:
            where = "".join(
                f"[{part}]" if isinstance(part, int) else f".{part}" for part in found[0]["loc"]
            )
            return f"at ${where}: {found[0]['msg']}"
    return str(exc).splitlines()[0] if str(exc) else "not a task template"
