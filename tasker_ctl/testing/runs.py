"""Running a workflow from a test, and the objects a run returns.

:func:`run` (and :meth:`Tasker.run`, what the pytest fixture offers) lints the task
template, starts a fresh handler worker process (the one ``tasker-ctl run`` uses;
:func:`tasker_ctl.executor.open_handlers`), sends it the stubs, executes the task
with :func:`tasker_ctl.executor.run_workflow`, and returns a :class:`Run`.

Every run has its own worker process, so module-level state in a handler (a
counter, a cache) never carries over from one run, or one test, to the next;
the test process itself never imports the handler modules.

The classes here are the stable surface (see ``docs/testing-workflows.md``):
their names, fields and the shape of :meth:`Run.outcome` follow semantic
versioning; the executor objects they are built from do not.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tasker_ctl.errors import InputFileError, TaskerCtlError, TemplateNotRunnableError
from tasker_ctl.testing.stubs import StubLike, to_stub

__all__ = [
    "Call",
    "Clock",
    "Event",
    "Run",
    "RunWarning",
    "Step",
    "StepError",
    "Tasker",
    "Wait",
    "run",
]

OUTCOME_VERSION = 1
"""The version of :meth:`Run.outcome`'s shape (changes only with a major release)."""


@dataclass(frozen=True, slots=True)
class Call:
    """What one handler call was given (stubbed or real)."""

    step: str
    attempt: int
    """1 for the first attempt (the SDK's ``context.retry_count + 1``)."""
    stubbed: bool
    handler: str | None
    """The callable the call resolved (``None`` if no handler was found)."""
    context: dict[str, Any]
    """The task context (``context.input_data``)."""
    inputs: dict[str, Any]
    """The step's inputs (``context.step_inputs``: a batch worker's cursor range)."""
    dependency_results: dict[str, Any]
    """Every completed ancestor's persisted result, by step name."""
    checkpoint: dict[str, Any] | None
    """The checkpoint the call resumed from (``cursor``, ``items_processed``, ...)."""

    def dependency(self, name: str) -> Any:
        """The ``result`` of ancestor ``name`` (as ``context.get_dependency_result``)."""
        if name not in self.dependency_results:
            known = ", ".join(sorted(self.dependency_results)) or "none"
            raise KeyError(f"step '{self.step}' got no result of '{name}' (it got: {known})")
        entry = self.dependency_results[name]
        return entry.get("result") if isinstance(entry, dict) and "result" in entry else entry


@dataclass(frozen=True, slots=True)
class StepError:
    """Why a step's last attempt failed."""

    message: str
    type: str
    retryable: bool
    location: str | None = None
    """``file:line in function`` of the handler code that failed, when known."""
    exception_type: str | None = None
    """The Python exception that failed the handler (``KeyError``), when one did."""
    traceback: str | None = None
    """The handler's traceback (SDK and tasker-ctl frames folded), when one was raised."""


@dataclass(frozen=True, slots=True)
class Step:
    """One workflow step at the end of the run."""

    name: str
    template_step: str
    type: str
    status: str
    """Tasker's step state: ``complete``, ``error``, ``waiting_for_retry``, ``pending``..."""
    attempts: int
    result: Any
    """The handler's result (``None`` unless the step completed)."""
    error: StepError | None
    created_by: str | None
    """The decision or batchable step that created this step, if one did."""
    created: tuple[str, ...]
    """The steps this step created (a decision's branches, a batchable step's workers)."""
    checkpoint_yields: int
    backoff_ms: tuple[int, ...]
    """The wait before each retry (virtual unless ``real_time``)."""
    parents: tuple[str, ...]
    calls: tuple[Call, ...]
    """Every handler call of this step, in order."""

    @property
    def complete(self) -> bool:
        """Whether the step completed."""
        return self.status == "complete"

    @property
    def last_call(self) -> Call:
        """The step's last handler call."""
        if not self.calls:
            raise LookupError(f"step '{self.name}' was never called")
        return self.calls[-1]


@dataclass(frozen=True, slots=True)
class Wait:
    """A retry wait the clock went through."""

    step: str
    attempt: int
    """The attempt that failed."""
    delay_ms: int
    due_ms: float
    """When the retry became due, on the run's clock."""


@dataclass(frozen=True, slots=True)
class Clock:
    """The run's clock: virtual (waits are skipped) unless ``real_time=True``."""

    real_time: bool
    now_ms: float
    """Where the clock stood when the run ended (virtual milliseconds)."""
    waits: tuple[Wait, ...]
    """Every retry wait, in the order they were scheduled."""
    wall_ms: float
    """How long the run really took."""

    @property
    def waited_ms(self) -> int:
        """The sum of all retry waits."""
        return sum(w.delay_ms for w in self.waits)

    def waits_for(self, step: str) -> tuple[int, ...]:
        """The retry waits of ``step``, in milliseconds."""
        return tuple(w.delay_ms for w in self.waits if w.step == step)


@dataclass(frozen=True, slots=True)
class Event:
    """One state change during the run: ``kind`` (``step_transition``...) and its fields."""

    kind: str
    at_ms: float
    """The run's clock when it happened."""
    data: dict[str, Any]

    @property
    def step(self) -> str | None:
        """The step the event is about, if it is about one."""
        value = self.data.get("step")
        return value if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class RunWarning:
    """A parity warning: production would behave differently from the documented contract."""

    code: str
    message: str
    step: str | None


@dataclass(frozen=True)
class Run:
    """A finished run of one task template."""

    template: Path
    task: str
    status: str
    """Tasker's task state: ``complete``, ``blocked_by_failures``, ``error``..."""
    steps: Mapping[str, Step]
    """Every created step, in creation order."""
    not_created: tuple[str, ...]
    """Template steps never created (untaken decision branches...)."""
    warnings: tuple[RunWarning, ...]
    events: tuple[Event, ...]
    clock: Clock
    stubbed: tuple[str, ...] = field(default=())
    """The step names the run's stubs applied to."""

    @property
    def complete(self) -> bool:
        """Whether the task reached ``complete``."""
        return self.status == "complete"

    def step(self, name: str) -> Step:
        """The step ``name``; a ``KeyError`` that says what exists if there is none."""
        found = self.steps.get(name)
        if found is None:
            if name in self.not_created:
                why = "it is in the template but was not created"
            else:
                why = "there is no such step"
            raise KeyError(
                f"{why}: '{name}'; created: {', '.join(self.steps) or 'none'}; "
                f"not created: {', '.join(self.not_created) or 'none'}"
            )
        return found

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps.values())

    def outcome(self) -> dict[str, Any]:
        """What happened, as stable JSON data to store and compare (no timings, no ids).

        ``{"version": 1, "task": {"name", "status"}, "steps": {name: {"status",
        "attempts", "checkpoint_yields", "created_by", "created", "result", "error"}},
        "not_created": [...]}`` where ``error`` is ``{"type", "message", "retryable"}``
        or ``None``; names are sorted, so two equal outcomes dump to the same text.
        """
        return {
            "version": OUTCOME_VERSION,
            "task": {"name": self.task, "status": self.status},
            "steps": {
                name: {
                    "status": s.status,
                    "attempts": s.attempts,
                    "checkpoint_yields": s.checkpoint_yields,
                    "created_by": s.created_by,
                    "created": sorted(s.created),
                    "result": s.result,
                    "error": None
                    if s.error is None
                    else {
                        "type": s.error.type,
                        "message": s.error.message,
                        "retryable": s.error.retryable,
                    },
                }
                for name, s in sorted(self.steps.items())
            },
            "not_created": sorted(self.not_created),
        }

    def outcome_json(self) -> str:
        """:meth:`outcome` as JSON text (sorted keys, two-space indent, final newline)."""
        return json.dumps(self.outcome(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def summary(self) -> str:
        """For failure messages: the task status, every step, and the handlers' tracebacks."""
        lines = [f"task '{self.task}' ({self.template.name}): {self.status}"]
        for s in self.steps.values():
            extra = f", {s.attempts} attempt{'s' if s.attempts != 1 else ''}"
            if s.error is not None:
                extra += f", {s.error.type}: {s.error.message}"
                if s.error.location:
                    extra += f" (at {s.error.location})"
            stub = " [stubbed]" if s.name in self.stubbed else ""
            lines.append(f"  {s.name}: {s.status}{extra}{stub}")
        if self.not_created:
            lines.append(f"  not created: {', '.join(self.not_created)}")
        for s in self.steps.values():
            if s.error is not None and s.error.traceback:
                lines.append(f"\n{s.name}'s handler raised:\n{s.error.traceback.rstrip()}")
        return "\n".join(lines)


class Tasker:
    """Runs workflows of one project (what the ``tasker`` pytest fixture is).

    ``project`` is a directory inside the project: the settings come from the
    ``.tasker-ctl.toml`` found from there as the CLI finds it from the working
    directory (``handlers-root``, ``handler-packages``, ``template-paths``).
    """

    def __init__(self, project: Path | str | None = None) -> None:
        __tracebackhide__ = True
        from tasker_ctl.config import load_settings

        self.start = Path(project) if project is not None else Path.cwd()
        try:
            self.settings = load_settings(self.start.resolve())
        except TaskerCtlError as exc:
            raise _as_shown(exc) from None

    def find_template(self, template: Path | str) -> Path:
        """The template file ``template`` names.

        A path (absolute, or relative to the working directory, to the start
        directory or one of its parents up to the project root, or to one of the
        project's ``template-paths``); without an extension, ``.yaml`` and ``.yml``
        are tried too (``refund`` finds ``config/tasks/refund.yaml``).

        Raises:
            InputFileError: No such template.
        """
        path = Path(template)
        root = (self.settings.project_root or self.start).resolve()
        candidates = [path] if path.is_absolute() else [Path.cwd() / path]
        if not path.is_absolute():
            # from the test's directory up to the project root (tests/ beside config/)
            here = self.start.resolve()
            for directory in (here, *here.parents):
                candidates.append(directory / path)
                if directory == root or not directory.is_relative_to(root):
                    break
        candidates += [base / path for base in self.settings.template_paths]
        # a bare name may leave out the extension (``refund`` for ``refund.yaml``)
        suffixes = ("", ".yaml", ".yml") if not path.suffix else ("",)
        tried = [c.with_name(c.name + s) for c in dict.fromkeys(candidates) for s in suffixes]
        for candidate in tried:
            if candidate.is_file():
                return candidate.resolve()
        looked = ", ".join(str(c) for c in tried)
        message = f"task template {template} not found (looked for: {looked})"
        missing = [str(base) for base in self.settings.template_paths if not base.is_dir()]
        if missing and self.settings.template_paths_configured:
            message += f"; 'template-paths' names no directory at {', '.join(missing)}"
        suggestion = _suggest_template(path, [c.parent for c in candidates])
        raise InputFileError(
            f"{message}; {suggestion}" if suggestion else message,
            hint="pass the path of a task template YAML file, or its name under "
            "'template-paths' in .tasker-ctl.toml",
        )

    def run(
        self,
        template: Path | str,
        context: Mapping[str, Any] | None = None,
        stubs: Mapping[str, StubLike] | None = None,
        *,
        real_time: bool = False,
        concurrency: int = 1,
        strict: bool = False,
        handlers_root: Sequence[Path | str] = (),
        handler_packages: Sequence[str] = (),
    ) -> Run:
        """Run ``template`` with task ``context`` until the task reaches a final state.

        ``stubs`` maps a step name (or a template step name: every batch worker of
        it) to what replaces its handler (see :mod:`tasker_ctl.testing.stubs`).
        Failed steps are data in the :class:`Run`; what cannot be run raises.

        Raises:
            InputFileError: The template does not exist.
            TemplateNotRunnableError: The template has lint errors (they are listed).
            TypeError: The context is not a mapping of JSON data.
            InputFileError: serde_json, production's parser, would refuse the context.
            MissingDependencyError: The SDK (``tasker-ctl[sdk]``) is not installed.
            HandlerPackageError: A handler package, or a stub's function, cannot be imported.
            ValueError: A stub names no step of the template, or ``concurrency < 1``.
            ContextSchemaError: ``strict`` and the context does not match ``input_schema``.
            KeyboardInterrupt: Ctrl-C (``SIGINT``) stopped the run; its workers are stopped.
        """
        __tracebackhide__ = True
        try:
            return self._run(
                template,
                context,
                stubs,
                real_time=real_time,
                concurrency=concurrency,
                strict=strict,
                handlers_root=handlers_root,
                handler_packages=handler_packages,
            )
        except TaskerCtlError as exc:
            raise _as_shown(exc) from None

    def _run(
        self,
        template: Path | str,
        context: Mapping[str, Any] | None,
        stubs: Mapping[str, StubLike] | None,
        *,
        real_time: bool,
        concurrency: int,
        strict: bool,
        handlers_root: Sequence[Path | str],
        handler_packages: Sequence[str],
    ) -> Run:
        __tracebackhide__ = True
        from tasker_ctl.executor import RunOptions, open_handlers, run_workflow

        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise ValueError(f"concurrency must be an int of at least 1, not {concurrency!r}")
        path = self.find_template(template)
        parsed = _load_template(path, self.settings.lint)
        notes: list[str] = []
        task_context = _context(context, notes)
        stub_specs = _stub_specs(stubs or {}, parsed)
        recorder = _Recorder()
        with tempfile.TemporaryDirectory(prefix="tasker-ctl-test-") as scratch:
            record = str(Path(scratch) / "calls")
            testing = {"stubs": stub_specs, "record": record}
            with open_handlers(
                parsed,
                template_path=path,
                roots=[*(Path(r) for r in handlers_root), *self.settings.handlers_roots],
                packages=[*handler_packages, *self.settings.handler_packages],
                testing=testing,
            ) as workers:
                result = run_workflow(
                    parsed,
                    task_context,
                    workers,
                    options=RunOptions(concurrency=concurrency, real_time=real_time, strict=strict),
                    observers=[recorder],
                )
            calls = _read_calls(Path(scratch))
        if result.interrupted:  # the workers are stopped: now the signal is the session's
            _pass_on(result.interrupted_by)
        built = _build_run(path, result, recorder.events, calls, stub_specs, real_time)
        if not notes:
            return built
        parity = tuple(RunWarning("context_parity", note, None) for note in notes)
        return dataclasses.replace(built, warnings=parity + built.warnings)


def run(
    template: Path | str,
    context: Mapping[str, Any] | None = None,
    stubs: Mapping[str, StubLike] | None = None,
    *,
    real_time: bool = False,
    concurrency: int = 1,
    strict: bool = False,
    handlers_root: Sequence[Path | str] = (),
    handler_packages: Sequence[str] = (),
) -> Run:
    """:meth:`Tasker.run` for the project of the working directory."""
    __tracebackhide__ = True
    return Tasker().run(
        template,
        context,
        stubs,
        real_time=real_time,
        concurrency=concurrency,
        strict=strict,
        handlers_root=handlers_root,
        handler_packages=handler_packages,
    )


# -- helpers ----------------------------------------------------------------------


def _as_shown(exc: TaskerCtlError) -> TaskerCtlError:
    """``exc`` for a test's report: its hint as a note, without tasker-ctl's own frames.

    It is the user's mistake (a missing template, a broken config, a handler package
    that cannot be imported), said in the message: a traceback through the executor
    would only bury it, and pytest shows notes but not the ``hint`` attribute.
    """
    if exc.hint and f"hint: {exc.hint}" not in getattr(exc, "__notes__", ()):
        exc.add_note(f"hint: {exc.hint}")
    return exc.with_traceback(None)


def _pass_on(signal_name: str | None) -> None:
    """Do what the signal that stopped the run would have done without it.

    The run catches ``SIGINT``/``SIGTERM``/``SIGHUP`` to stop its workers (as ``tasker-ctl
    run`` does); a test must not go on as if the run had ended: Ctrl-C stops pytest.
    """
    import signal

    if signal_name in (None, "SIGINT"):
        raise KeyboardInterrupt
    signal.raise_signal(getattr(signal, signal_name))


_SUGGEST_SCAN_LIMIT = 2000
"""At most this many YAML files are read from disk when looking for a close name."""


def _suggest_template(path: Path, directories: Sequence[Path]) -> str | None:
    """``did you mean '...'?`` among the YAML files of the directories searched."""
    from tasker_ctl.suggest import did_you_mean

    names: list[str] = []
    for directory in dict.fromkeys(directories):
        try:
            for number, file in enumerate(directory.iterdir()):
                if number >= _SUGGEST_SCAN_LIMIT:
                    break
                if file.suffix in (".yaml", ".yml") and file.is_file():
                    # written the way it was asked for: with or without the extension
                    shown = file.name if path.suffix else file.stem
                    names.append(str(path.parent / shown) if path.parent.name else shown)
        except OSError:  # missing or unreadable: nothing to suggest from there
            continue
    return did_you_mean(str(path), dict.fromkeys(names), n=2)


def _load_template(path: Path, rule_settings: Any) -> Any:
    """The typed template, loaded as ``validate`` and ``tasker-ctl run`` load it."""
    from tasker_ctl.validation import load_template

    loaded = load_template(path, rule_settings)
    errors = loaded.errors
    if errors or loaded.template is None:
        listed = "".join(f"\n  {d.location}: {d.message} ({d.rule_id})" for d in errors)
        raise TemplateNotRunnableError(
            f"{path}: {len(errors) or 'the'} lint error{'s' if len(errors) != 1 else ''} "
            f"stop the run (the real system would reject or mis-run this template){listed}",
            hint=f"fix them first; see: tasker-ctl validate {path}",
        )
    return loaded.template


def _context(context: Mapping[str, Any] | None, notes: list[str]) -> dict[str, Any]:
    """The context as production parses it (serde_json), parity notes into ``notes``.

    Raises:
        TypeError: ``context`` is not a mapping of JSON data.
        InputFileError: serde_json would refuse it (too deep, a number out of range...).
    """
    __tracebackhide__ = True
    if context is None:
        return {}
    if not isinstance(context, Mapping):
        raise TypeError(f"the task context must be a mapping, not {type(context).__name__}")
    try:
        # ASCII: a lone surrogate in a str stays an escape, refused as serde_json refuses it
        text = json.dumps(dict(context), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"the task context must be JSON data: {exc}") from None
    from tasker_ctl.context_file import parse_context

    return parse_context(text.encode(), "the task context", on_warning=notes.append)


def _stub_specs(stubs: Mapping[str, StubLike], template: Any) -> dict[str, Any]:
    __tracebackhide__ = True
    if not isinstance(stubs, Mapping):
        raise TypeError(f"stubs must map step names to stubs, not {type(stubs).__name__}")
    names = {step.name for step in template.steps}
    specs: dict[str, Any] = {}
    for name, value in stubs.items():
        if name not in names:
            from tasker_ctl.suggest import did_you_mean

            hint = did_you_mean(name, sorted(names), n=2) or f"steps: {', '.join(sorted(names))}"
            raise ValueError(
                f"a stub names step '{name}', which the template does not have; {hint}"
            )
        specs[name] = to_stub(value).spec()
    return specs


class _Recorder:
    """Keeps every event of the run (a :class:`tasker_ctl.executor.RunObserver`)."""

    def __init__(self) -> None:
        self.events: list[tuple[Any, float]] = []

    def on_event(self, event: Any, virtual_ms: float) -> None:
        self.events.append((event, virtual_ms))


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def _event(event: Any, at_ms: float) -> Event:
    data: dict[str, Any] = {}
    for f in dataclasses.fields(event):
        value = getattr(event, f.name)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            value = {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
        data[f.name] = _plain(value)
    return Event(_snake(type(event).__name__), at_ms, data)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    enum_value = getattr(value, "value", None)
    return enum_value if isinstance(enum_value, str) else value


def _read_calls(folder: Path) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    for file in sorted(folder.glob("calls.*.jsonl")):
        with file.open(encoding="utf-8") as lines:
            calls.extend(json.loads(line) for line in lines if line.strip())
    calls.sort(key=lambda c: int(c["job"]))
    return calls


def _build_run(
    path: Path,
    result: Any,
    raw_events: list[tuple[Any, float]],
    raw_calls: list[dict[str, Any]],
    stub_specs: Mapping[str, Any],
    real_time: bool,
) -> Run:
    by_step: dict[str, list[Call]] = {}
    for c in raw_calls:
        by_step.setdefault(c["step"], []).append(
            Call(
                step=c["step"],
                attempt=int(c["attempt"]),
                stubbed=bool(c["stubbed"]),
                handler=c.get("handler"),
                context=c.get("context") or {},
                inputs=c.get("inputs") or {},
                dependency_results=c.get("dependency_results") or {},
                checkpoint=c.get("checkpoint"),
            )
        )
    created: dict[str, list[str]] = {}
    for report in result.steps:
        if report.created_by is not None:
            created.setdefault(report.created_by, []).append(report.name)
    steps: dict[str, Step] = {}
    for report in result.steps:
        error = report.error
        steps[report.name] = Step(
            name=report.name,
            template_step=report.template_step,
            type=report.type,
            status=_plain(report.status),
            attempts=report.attempts,
            result=report.result,
            error=None
            if error is None
            else StepError(
                error.message,
                error.error_type,
                error.retryable,
                error.location,
                getattr(error, "exception_type", None),
                getattr(error, "traceback", None),
            ),
            created_by=report.created_by,
            created=tuple(created.get(report.name, ())),
            checkpoint_yields=report.checkpoint_yields,
            backoff_ms=tuple(report.backoff_ms),
            parents=tuple(report.parents),
            calls=tuple(by_step.get(report.name, ())),
        )
    events = tuple(_event(e, at) for e, at in raw_events)
    waits = tuple(
        Wait(e.data["step"], int(e.data["attempt"]), int(e.data["delay_ms"]), e.data["due_ms"])
        for e in events
        if e.kind == "retry_scheduled"
    )
    stubbed = tuple(
        s.name for s in steps.values() if s.name in stub_specs or s.template_step in stub_specs
    )
    return Run(
        template=path,
        task=result.task_name,
        status=_plain(result.status),
        steps=steps,
        not_created=tuple(result.not_created),
        warnings=tuple(
            RunWarning(_plain(w.code), w.message, getattr(w, "step", None)) for w in result.warnings
        ),
        events=events,
        clock=Clock(real_time, result.virtual_ms, waits, result.wall_ms),
        stubbed=stubbed,
    )
