"""``tasker-ctl task``: create, inspect and repair tasks on a Tasker orchestration server."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tasker_ctl.cli.common import HandlerPackageOption, HandlersRootOption
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
    help="Create, inspect and repair tasks on the orchestration API.\n\n" + EXIT_CODES_HELP,
    no_args_is_help=True,
)

TaskUuid = Annotated[str, typer.Argument(metavar="TASK_UUID", help="Task UUID.")]
StepUuid = Annotated[str, typer.Argument(metavar="STEP_UUID", help="Workflow step UUID.")]
_NOTES_SHOWN = 10
"""Local run warnings listed by ``task compare`` (parity traps that explain differences)."""

Reason = Annotated[str, typer.Option("--reason", "-r", help="Why (recorded in the audit trail).")]


def _api(profile: str | None) -> OrchestrationApi:
    from tasker_ctl.client.api import orchestration_api

    return orchestration_api(client_profile(profile), on_retry=retry_note)


def _uuids(task: str, step: str | None = None) -> tuple[str, str]:
    from tasker_ctl.client.api import parse_uuid

    return parse_uuid(task, "task UUID"), parse_uuid(step, "step UUID") if step else ""


def _json_flag(text: str, flag: str) -> Any:
    """The JSON value of a flag, refused as serde_json would refuse it."""
    import json
    import math

    from tasker_ctl.client.errors import InvalidArgumentError

    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    def finite(literal: str) -> float:
        value = float(literal)
        if math.isinf(value):  # Python reads it as inf, which no JSON body can carry
            raise ValueError(
                f"the number {literal[:40]} does not fit a 64-bit float; serde_json, "
                "the real parser, rejects it"
            )
        return value

    try:
        return json.loads(text, parse_constant=refuse, parse_float=finite)
    except json.JSONDecodeError as exc:
        raise InvalidArgumentError(
            f"{flag} is not valid JSON: {exc.msg} at column {exc.colno}",
            hint=f"""quote it for the shell, e.g. {flag} '{{"validated": true}}'""",
        ) from None
    except (ValueError, RecursionError) as exc:
        raise InvalidArgumentError(f"{flag} is not valid JSON: {exc}") from None


@app.command("create")
@connected
def create(
    name: Annotated[str, typer.Option("--name", help="Task name (the template's name).")],
    namespace: Annotated[
        str, typer.Option("--namespace", "-n", help="Task namespace.")
    ] = "default",
    version: Annotated[str, typer.Option("--version", "-v", help="Task version.")] = "1.0.0",
    input_json: Annotated[
        str | None,
        typer.Option("--input", "-i", help="Task context as a JSON object string."),
    ] = None,
    context: Annotated[
        str | None,
        typer.Option(
            "--context",
            help="Task context, read as 'run --context' reads it: a JSON or YAML "
            "(.yaml/.yml) file, '-' for stdin, or inline JSON.",
        ),
    ] = None,
    description: Annotated[
        str | None,
        typer.Option("--description", "-d", help="Sent as the request's reason."),
    ] = None,
    priority: Annotated[
        int, typer.Option("--priority", "-p", min=1, max=10, help="Priority, 1-10.")
    ] = 5,
    correlation_id: Annotated[
        str | None,
        typer.Option("--correlation-id", "-c", help="Correlation UUID (default: a new UUIDv7)."),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option("--profile", help="Profile to use (default: $TASKER_CLIENT_PROFILE)."),
    ] = None,
    output_format: FormatOption = "table",
    wait: Annotated[
        bool,
        typer.Option(
            "--wait",
            help="Follow the task to a final state (live view on a terminal); exit 0 if it "
            "completes, 1 if it ends in error or cancelled or --timeout passes.",
        ),
    ] = False,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            min=0.0,
            help="With --wait: give up after this many seconds.  [default: 600]",
            show_default=False,
        ),
    ] = None,
) -> int:
    """Create a task (POST /v1/tasks) from a context given with --input or --context."""
    from tasker_ctl.client.api import task_request_body
    from tasker_ctl.client.errors import InvalidArgumentError
    from tasker_ctl.context_file import parse_context, read_context
    from tasker_ctl.reporting.client_output import emit

    fmt = check_format(output_format)
    if (input_json is None) == (context is None):
        raise InvalidArgumentError(
            "give the task context with exactly one of --input JSON and --context FILE",
            hint="""e.g. --input '{"order_id": 42}' or --context context.json""",
        )
    if timeout is not None and not wait:
        raise InvalidArgumentError(
            "--timeout applies only with --wait", hint="add --wait, or leave out --timeout"
        )
    if context is not None:
        data = read_context(context, on_warning=retry_note)  # exactly as run reads it
    else:
        data = parse_context(str(input_json).encode("utf-8", "surrogatepass"), "--input")
    body = task_request_body(
        name=name,
        namespace=namespace,
        version=version,
        context=data,
        priority=priority,
        correlation_id=correlation_id,
        reason=description,
    )
    api = _api(profile)
    try:
        created = api.create_task(body)
        if wait:
            return _follow(api, created, fmt, 600.0 if timeout is None else timeout)
    finally:
        api.close()
    emit("task", created, fmt, title="Task created")
    return 0


def _follow(api: OrchestrationApi, created: Any, fmt: str, timeout: float) -> int:
    """``--wait``: poll the created task until it is final; the outcome decides the exit code."""
    from tasker_ctl.cli.common import note

    # the answer was checked against the OpenAPI document: task_uuid is a string
    uuid = str(created.get("task_uuid", "")) if isinstance(created, dict) else ""
    try:
        return _follow_and_show(api, uuid, created, fmt, timeout)
    except KeyboardInterrupt:
        note(f"stopped following; the task goes on: tasker-ctl task get {uuid}")
        raise


def _follow_and_show(
    api: OrchestrationApi, uuid: str, created: Any, fmt: str, timeout: float
) -> int:
    from tasker_ctl.client.follow import follow_task
    from tasker_ctl.reporting.client_output import emit
    from tasker_ctl.reporting.console import literal, stdout_console

    if fmt != "table":
        result = follow_task(api, uuid, timeout=timeout, first=created)
        document = {"task": result.task, "steps": result.steps, "timed_out": result.timed_out}
        emit("task", document, fmt)  # json/yaml: the document as it is
        return 0 if result.succeeded else 1

    from tasker_ctl.reporting.task_follow import FollowView, print_follow_outcome

    console = stdout_console()
    console.print(literal(("Task created: ", "bold"), uuid), soft_wrap=True)
    with FollowView(console) as view:
        result = follow_task(api, uuid, timeout=timeout, first=created, on_poll=view.on_poll)
    print_follow_outcome(console, result, timeout)
    return 0 if result.succeeded else 1


@app.command("get")
@connected
def get(
    task_uuid: TaskUuid, profile: ProfileOption = None, output_format: FormatOption = "table"
) -> int:
    """Show a task with its progress and steps (GET /v1/tasks/{uuid})."""
    from tasker_ctl.reporting.client_output import emit

    fmt = check_format(output_format)
    task, _ = _uuids(task_uuid)
    api = _api(profile)
    try:
        emit("task", api.get_task(task), fmt)
    finally:
        api.close()
    return 0


@app.command("list")
@connected
def list_tasks(
    namespace: Annotated[
        str | None, typer.Option("--namespace", "-n", help="Only this namespace.")
    ] = None,
    status: Annotated[
        str | None, typer.Option("--status", "-s", help="Only tasks in this state.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-l", min=1, max=100, help="Tasks per page.")
    ] = 20,
    page: Annotated[int, typer.Option("--page", min=1, help="Page number.")] = 1,
    profile: ProfileOption = None,
    output_format: FormatOption = "table",
) -> int:
    """List tasks, newest first (GET /v1/tasks)."""
    from tasker_ctl.reporting.client_output import emit

    fmt = check_format(output_format)
    api = _api(profile)
    try:
        answer = api.list_tasks(page=page, per_page=limit, namespace=namespace, status=status)
    finally:
        api.close()
    emit("task_list", answer, fmt)
    return 0


@app.command("cancel")
@connected
def cancel(
    task_uuid: TaskUuid, profile: ProfileOption = None, output_format: FormatOption = "table"
) -> int:
    """Cancel a task (DELETE /v1/tasks/{uuid})."""
    from tasker_ctl.reporting.client_output import emit

    fmt = check_format(output_format)
    task, _ = _uuids(task_uuid)
    api = _api(profile)
    try:
        answer = api.cancel_task(task)
    finally:
        api.close()
    emit("task", answer, fmt, title="Task cancelled")
    return 0


@app.command("steps")
@connected
def steps(
    task_uuid: TaskUuid, profile: ProfileOption = None, output_format: FormatOption = "table"
) -> int:
    """List a task's workflow steps (GET /v1/tasks/{uuid}/workflow_steps)."""
    from tasker_ctl.reporting.client_output import emit

    fmt = check_format(output_format)
    task, _ = _uuids(task_uuid)
    api = _api(profile)
    try:
        emit("steps", api.list_steps(task), fmt)
    finally:
        api.close()
    return 0


@app.command("step")
@connected
def step(
    task_uuid: TaskUuid,
    step_uuid: StepUuid,
    profile: ProfileOption = None,
    output_format: FormatOption = "table",
) -> int:
    """Show one workflow step (GET /v1/tasks/{uuid}/workflow_steps/{step_uuid})."""
    from tasker_ctl.reporting.client_output import emit

    fmt = check_format(output_format)
    task, step_id = _uuids(task_uuid, step_uuid)
    api = _api(profile)
    try:
        emit("step", api.get_step(task, step_id), fmt)
    finally:
        api.close()
    return 0


@app.command("step-audit")
@connected
def step_audit(
    task_uuid: TaskUuid,
    step_uuid: StepUuid,
    profile: ProfileOption = None,
    output_format: FormatOption = "table",
) -> int:
    """Show a step's audit trail (GET .../workflow_steps/{step_uuid}/audit)."""
    from tasker_ctl.reporting.client_output import emit

    fmt = check_format(output_format)
    task, step_id = _uuids(task_uuid, step_uuid)
    api = _api(profile)
    try:
        emit("step_audit", api.step_audit(task, step_id), fmt)
    finally:
        api.close()
    return 0


def _act(
    profile: str | None,
    task_uuid: str,
    step_uuid: str,
    action: dict[str, Any],
    fmt: str,
    done: str,
) -> int:
    from tasker_ctl.reporting.client_output import emit

    task, step_id = _uuids(task_uuid, step_uuid)
    api = _api(profile)
    try:
        answer = api.step_action(task, step_id, action)
    finally:
        api.close()
    state = answer.get("current_state") if isinstance(answer, dict) else None
    emit("step", answer, fmt, title=f"{done}; the step is now {state}")
    return 0


@app.command("reset-step")
@connected
def reset_step(
    task_uuid: TaskUuid,
    step_uuid: StepUuid,
    reason: Reason,
    reset_by: Annotated[
        str, typer.Option("--reset-by", "-b", help="Operator performing the reset.")
    ] = "cli-operator",
    profile: ProfileOption = None,
    output_format: FormatOption = "table",
) -> int:
    """Reset a step's attempts and return it to pending, for automatic retry."""
    from tasker_ctl.client.api import step_action_body

    fmt = check_format(output_format)
    action = step_action_body("reset_for_retry", reason=reason, by=reset_by)
    return _act(profile, task_uuid, step_uuid, action, fmt, "Step reset for retry")


@app.command("resolve-step")
@connected
def resolve_step(
    task_uuid: TaskUuid,
    step_uuid: StepUuid,
    reason: Reason,
    resolved_by: Annotated[
        str, typer.Option("--resolved-by", "-b", help="Operator performing the resolution.")
    ] = "cli-operator",
    profile: ProfileOption = None,
    output_format: FormatOption = "table",
) -> int:
    """Mark a step resolved by hand, without results."""
    from tasker_ctl.client.api import step_action_body

    fmt = check_format(output_format)
    action = step_action_body("resolve_manually", reason=reason, by=resolved_by)
    return _act(profile, task_uuid, step_uuid, action, fmt, "Step resolved manually")


@app.command("complete-step")
@connected
def complete_step(
    task_uuid: TaskUuid,
    step_uuid: StepUuid,
    result: Annotated[
        str, typer.Option("--result", help="The step's result as JSON (what dependents read).")
    ],
    reason: Reason,
    metadata: Annotated[
        str | None, typer.Option("--metadata", help="Optional metadata as JSON.")
    ] = None,
    completed_by: Annotated[
        str, typer.Option("--completed-by", "-b", help="Operator performing the completion.")
    ] = "cli-operator",
    profile: ProfileOption = None,
    output_format: FormatOption = "table",
) -> int:
    """Complete a step by hand with a result for its dependent steps."""
    from tasker_ctl.client.api import step_action_body

    fmt = check_format(output_format)
    action = step_action_body(
        "complete_manually",
        reason=reason,
        by=completed_by,
        result=_json_flag(result, "--result"),
        metadata=_json_flag(metadata, "--metadata") if metadata is not None else None,
    )
    return _act(profile, task_uuid, step_uuid, action, fmt, "Step completed manually")


@app.command("compare")
@connected
def compare(
    ctx: typer.Context,
    task_uuid: TaskUuid,
    template: Annotated[
        Path,
        typer.Option("--template", "-t", help="The task template YAML to run locally."),
    ],
    context: Annotated[
        Path | None,
        typer.Option(
            "--context",
            "-c",
            help="Task context for the local run, as 'run --context' reads it ('-' for stdin; "
            "default: the context the cluster task was created with).",
        ),
    ] = None,
    handlers_root: HandlersRootOption = None,
    handler_package: HandlerPackageOption = None,
    profile: ProfileOption = None,
    output_format: FormatOption = "table",
) -> int:
    """Run the workflow locally and show, step by step, where the cluster's task differs.

    Compares the task's final state and, per step, whether it was created, its state,
    its attempts and (for steps both sides completed) its result. Exit codes: 0 the
    cluster did what the local run predicts, 1 they differ, 2 usage or input error
    (a template with lint errors included), 4 the server call failed.
    """
    import dataclasses

    from tasker_ctl.cli.common import settings_from
    from tasker_ctl.cli.run_cmd import _lint, load_context
    from tasker_ctl.client.compare import compare_outcomes
    from tasker_ctl.errors import ExitCode
    from tasker_ctl.executor import open_handlers, run_workflow
    from tasker_ctl.reporting.client_output import emit

    fmt = check_format(output_format)
    task, _ = _uuids(task_uuid)
    settings = settings_from(ctx)
    parsed = _lint(template, settings.lint, quiet=fmt != "table")
    local_context = load_context(context) if context is not None else None
    # the cluster first: a server that is down should not cost a local run
    api = _api(profile)
    try:
        cluster_task = api.get_task(task)
        cluster_steps = api.list_steps(task)
    finally:
        api.close()
    # both answers were checked against the OpenAPI document: an object and a list
    cluster_task = cluster_task if isinstance(cluster_task, dict) else {}
    cluster_steps = cluster_steps if isinstance(cluster_steps, list) else []
    if local_context is None:
        stored = cluster_task.get("context")
        local_context = stored if isinstance(stored, dict) else {}

    from tasker_ctl.reporting.run_stdout import report_stream

    handlers = open_handlers(
        None,
        template_path=template,
        roots=[*(handlers_root or ()), *settings.handlers_roots],
        packages=[*(handler_package or ()), *settings.handler_packages],
        wait=False,
    )
    with handlers as workers, report_stream() as out:
        result = run_workflow(parsed, local_context, workers)
        if result.interrupted:
            return int(ExitCode.for_signal(result.interrupted_by))
        local_steps = [
            {
                "name": step.name,
                "status": str(step.status),
                "attempts": step.attempts,
                "result": step.result,
            }
            for step in result.steps
        ]
        comparison = compare_outcomes(
            task_uuid=task,
            template=(result.namespace, result.task_name, result.version),
            local_status=str(result.status),
            local_steps=local_steps,
            cluster_task=cluster_task,
            cluster_steps=cluster_steps,
        )
        warnings = [
            f"the local run warns ({w.code}"
            + (f", step {w.step}" if w.step else "")
            + f"): {w.message}"
            for w in result.warnings
        ]
        if len(warnings) > _NOTES_SHOWN:
            more = len(warnings) - _NOTES_SHOWN
            warnings = [*warnings[:_NOTES_SHOWN], f"... and {more} more local run warnings"]
        comparison = dataclasses.replace(comparison, notes=(*comparison.notes, *warnings))
        if fmt == "table":
            from rich.console import Console

            from tasker_ctl.reporting.task_compare import print_comparison

            print_comparison(Console(file=out, highlight=False), comparison)
        else:
            import contextlib

            with contextlib.redirect_stdout(out):
                emit("task", comparison.to_json(), fmt)
    return 0 if comparison.agree else 1
