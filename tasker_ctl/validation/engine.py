"""The lint engine: read a file, run the enabled rules, turn findings into diagnostics.

Order per file: read the bytes (limits and encoding), parse YAML into nodes,
read the nodes as serde would (``serde``), resolve handlers (static index shared
by every file of the run, or ``--import``), then run every enabled template rule.
A file that loads with serde-level errors still gets the semantic rules, so one
run shows everything; its ``template`` is ``None``.
"""

from __future__ import annotations

import errno
import gc
import os
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tasker_ctl.errors import InputFileError, Location
from tasker_ctl.resolution.model import Status
from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Diagnostic, FileResult, LintReport, sort_diagnostics
from tasker_ctl.validation.handlers import HandlerCheck, IndexCache
from tasker_ctl.validation.rules import RULES, TEMPLATE_RULES
from tasker_ctl.validation.serde import Finding, ReadResult, read_template
from tasker_ctl.validation.settings import RuleSettings, parse_rule_settings
from tasker_ctl.validation.yaml_source import Document, NotRegularFileError, read_document

LOAD_BLOCKING = frozenset(
    {"MISSING_FIELD", "INVALID_TYPE", "UNKNOWN_VARIANT", "DUPLICATE_FIELD", "UNSUPPORTED_TAG"}
)
"""serde-level rules whose findings mean the real system rejects the file."""
TEMPLATE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class LintOptions:
    """How to lint: strictness, handler checking and the ``[lint]`` config table."""

    strict: bool = False
    handler_check: bool = True
    handlers_roots: tuple[Path, ...] = ()
    handler_packages: tuple[str, ...] = ()
    import_handlers: bool = False
    language: str | None = None
    rule_settings: Mapping[str, Any] = field(default_factory=dict)


class Linter:
    """Lints files with one set of options; caches the handler scan across files."""

    def __init__(self, options: LintOptions) -> None:
        self.options = options
        self.settings: RuleSettings = parse_rule_settings(options.rule_settings, RULES)
        self.indexes = IndexCache()
        self.rules = [r for r in TEMPLATE_RULES if self.settings.enabled(r.id)]
        self._imported: set[str] = set()
        self._advice: dict[tuple[Path, str, str, Path], str | None] = {}
        self._defaults = not options.handlers_roots and not options.handler_packages

    def lint_file(self, path: Path) -> FileResult:
        """Lint one file. Raise :class:`InputFileError` if it cannot be read at all."""
        return self.read_and_lint(path)[0]

    def read_and_lint(self, path: Path) -> tuple[FileResult, Document]:
        """Lint one file and also return its node tree (for locations in other tools).

        Raises:
            InputFileError: The file cannot be read at all.
        """
        if path.is_dir():
            raise _directory_error(path)
        with _no_cyclic_gc():
            try:
                document = read_document(path)
            except OSError as exc:
                raise _read_error(path, exc) from exc
            return self._lint_document(path, document), document

    def unreadable(self, path: Path, error: InputFileError) -> FileResult:
        """The result of a walked file that cannot be read: one ``FILE_UNREADABLE`` finding."""
        hint = error.hint or "fix the file, or move it out of the linted directory"
        if path.is_symlink() and not path.exists():
            message = f"{path} is a symlink that points nowhere (dangling or a symlink loop)"
            hint = "fix or remove the symlink, or move it out of the linted directory"
        else:
            message = str(error)
        finding = Finding("FILE_UNREADABLE", message, "", 0, 0, hint)
        return FileResult(path, self._diagnostics(path, [finding], None))

    def _lint_document(self, path: Path, document: Document) -> FileResult:
        if document.root is None:
            assert document.problem is not None
            problem = document.problem
            finding = Finding(
                problem.rule_id,
                problem.message,
                "",
                problem.line or 0,
                problem.column or 0,
                problem.hint,
            )
            return FileResult(path, self._diagnostics(path, [finding], None))
        read = read_template(document.root)
        ctx = RuleContext(path, read, rule_options=self.settings.options)
        if self.options.handler_check:
            ctx.handler_check = self._handler_check(path, ctx)
            ctx.language = ctx.handler_check.language
        else:
            ctx.language = self._language(ctx, None)
        findings = list(read.findings)
        for rule in self.rules:
            assert rule.check is not None
            findings.extend(rule.check(ctx))
        diagnostics = self._diagnostics(path, findings, ctx)
        loads = not any(f.rule_id in LOAD_BLOCKING for f in read.findings)
        data = read.data if loads else None
        return FileResult(path, diagnostics, data, data is not None, _template_factory(data))

    # -- handlers -------------------------------------------------------------
    def _roots(self, path: Path) -> tuple[Path, ...]:
        if self.options.handlers_roots:
            return self.options.handlers_roots
        return tuple(dict.fromkeys((path.parent.resolve(), Path.cwd().resolve())))

    def _language(self, ctx: RuleContext, index: Any) -> str | None:
        from tasker_ctl.resolution import infer_language, normalize_language

        if self.options.language:
            return normalize_language(self.options.language)
        metadata = ctx.data.get("metadata")
        tags = metadata.get("tags", []) if isinstance(metadata, dict) else []
        callables = [c for s in ctx.steps if isinstance(c := s.handler.get("callable"), str) and c]
        language = infer_language(tags if isinstance(tags, list) else [], callables, index)
        return language or normalize_language(self.settings.language)

    def _handler_check(self, path: Path, ctx: RuleContext) -> HandlerCheck:
        index = self.indexes.get(self._roots(path))
        language = self._language(ctx, index)
        if self.options.import_handlers and language in ("python", None):
            # --import asks the Python SDK; other languages keep the static check
            from tasker_ctl.resolution.python_dynamic import check_dynamic

            check = check_dynamic(
                ctx.steps, self._roots(path), self.options.handler_packages, self._imported
            )
            if self._defaults:
                self._import_advice(check, ctx, path, index)
            return check
        check = HandlerCheck(language, "static")
        for step in ctx.steps:
            callable_ = step.handler.get("callable")
            if isinstance(callable_, str) and callable_ and callable_.strip() == callable_:
                result = index.resolve(callable_, language)
                check.results[step.index] = result
                if result.problem is not None and result.problem not in check.import_problems:
                    check.import_problems.append(result.problem)
                if language == "python" and result.handler is not None and self._defaults:
                    self._run_advice(check, step.index, result.handler, path, index.roots)
        return check

    def _import_advice(self, check: HandlerCheck, ctx: RuleContext, path: Path, index: Any) -> None:
        """With ``--import``: the same advice as the static check, about what ``run`` finds.

        A callable the registry resolves but ``run`` would not find gets the
        ``RUN_NEEDS_HANDLER_PACKAGE`` advice; one the registry cannot resolve from the
        scanned packages, but that exists in the sources, names the flag to pass.
        """
        for step in ctx.steps:
            resolution = check.results.get(step.index)
            callable_ = step.handler.get("callable")
            if resolution is None or not isinstance(callable_, str):
                continue
            found = index.lookup(callable_, "python")
            if found is None:
                continue
            self._run_advice(check, step.index, found, path, index.roots)
            advice = check.run_advice.get(step.index)
            if resolution.status is Status.NOT_FOUND and advice is not None:
                del check.run_advice[step.index]
                check.results[step.index] = replace(
                    resolution, detail=f"{resolution.detail}; {advice}"
                )

    def _run_advice(
        self, check: HandlerCheck, step: int, handler: Any, path: Path, roots: tuple[Path, ...]
    ) -> None:
        """Note when ``tasker-ctl run`` would not find a handler found here.

        Only when no handler roots or packages are configured: then ``validate``
        scans the template's directory and the working directory, while ``run``
        imports only the ``handlers`` package next to the template.
        """
        from tasker_ctl.resolution.run_discovery import run_advice

        key = (handler.path, handler.key, handler.how, path.parent)
        if key not in self._advice:
            self._advice[key] = run_advice(
                handler,
                path,
                self.options.handlers_roots,
                self.options.handler_packages,
                roots,
            )
        advice = self._advice[key]
        if advice is not None:
            check.run_advice[step] = advice

    # -- diagnostics ----------------------------------------------------------
    def _diagnostics(
        self, path: Path, findings: list[Finding], ctx: RuleContext | None
    ) -> tuple[Diagnostic, ...]:
        out = []
        names = {step.index: step.name for step in ctx.steps} if ctx else {}
        for finding in findings:
            rule = RULES[finding.rule_id]
            if not self.settings.enabled(rule.id):
                continue
            out.append(
                Diagnostic(
                    rule_id=rule.id,
                    severity=self.settings.severity(rule.id, rule.severity),
                    message=finding.message,
                    location=Location(
                        finding.path or path, finding.line or None, finding.column or None
                    ),
                    pointer=_written(finding.pointer, ctx.read) if ctx else finding.pointer,
                    step=_step_name(finding.pointer, names),
                    hint=finding.hint,
                )
            )
        return sort_diagnostics(out)


_PROCESS_OWNED = False
"""Whether this process exists only to lint (the ``validate`` command), see :func:`own_process`."""


def own_process() -> None:
    """Declare that this process exists only to lint (``tasker-ctl validate``).

    Then what a file's parse leaves alive when the collector resumes is frozen
    (``gc.freeze``) instead of being rescanned by the next young collection, which
    for a 28,000-step template cost a third of a second. Everything is still freed
    by reference counting; only cyclic garbage would wait for the process to end.
    Library users (tests, ``tasker_ctl.testing``) never call this.
    """
    global _PROCESS_OWNED
    _PROCESS_OWNED = True


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while one file is read and linted.

    A large template allocates hundreds of thousands of acyclic nodes, and each
    full collection rescans all of them: with the collector on, reading a
    28,000-step template took three times as long. Reference counting still frees
    everything; the collector resumes (if it was on) when the file is done.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if _PROCESS_OWNED:
                gc.freeze()
            gc.enable()


def _written(pointer: str, read: ReadResult) -> str:
    if not read.written or not pointer:
        return pointer
    parts = pointer.split("/")
    for end in range(len(parts), 1, -1):
        prefix = "/".join(parts[:end])
        if prefix in read.written:
            return read.written[prefix] + pointer[len(prefix) :]
    return pointer


def _step_name(pointer: str, names: dict[int, str | None]) -> str | None:
    """The name of the step ``pointer`` is in (``names``: step names by index)."""
    if not pointer.startswith("/steps/"):
        return None
    token = pointer.split("/")[2]
    if not token.isdigit():
        return None
    return names.get(int(token))


def _template_factory(data: dict[str, Any] | None) -> Any:
    if data is None:
        return None

    def build() -> Any:
        from pydantic import ValidationError

        from tasker_ctl.model.template import TaskTemplate

        try:
            return TaskTemplate.model_validate(data)
        except ValidationError:  # pragma: no cover - the serde reader already rejected it
            return None

    return build


def expand_paths(paths: Sequence[Path]) -> Iterator[Path]:
    """Files named directly, and ``*.yaml``/``*.yml`` under directories (sorted, recursive).

    A file reached twice (named twice, or also inside a named directory) is linted
    once: it is the same template, not a duplicate of itself.
    """
    for path, _walked in _expand(paths):
        yield path


def _expand(paths: Sequence[Path]) -> Iterator[tuple[Path, bool]]:
    """Like :func:`expand_paths`, with whether each file was found by walking a directory."""
    seen: set[str] = set()
    for path, walked in _candidates(paths):
        key = file_identity(path)
        if key not in seen:
            seen.add(key)
            yield path, walked


def file_identity(path: Path) -> str:
    """What makes two paths the same file (a file reached twice is linted once)."""
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):  # a symlink loop: the path is its own identity
        return str(Path.cwd() / path)


def _candidates(paths: Sequence[Path]) -> Iterator[tuple[Path, bool]]:
    for path in paths:
        if path.is_dir():
            # symlinked directories are not followed, so a symlink loop cannot trap the walk
            for directory, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for filename in sorted(filenames):
                    if filename.endswith(TEMPLATE_SUFFIXES):
                        yield Path(directory, filename), True
        else:
            check_named(path)
            yield path, False


def check_named(path: Path) -> None:
    """A path named on the command line that is not a directory must exist.

    Raises:
        InputFileError: It does not exist, or is a dangling or looping symlink.
    """
    if path.exists():
        return
    if path.is_symlink():
        raise InputFileError(
            f"{path} is a symlink that points nowhere (dangling or a symlink loop)",
            hint="fix or remove the symlink",
        )
    raise InputFileError(f"{path} does not exist", hint="check the path")


def run_lint(paths: Sequence[Path], options: LintOptions) -> LintReport:
    """Lint every path (directories are walked) and gather a report.

    A file named on the command line that cannot be read is a usage error
    (:class:`InputFileError`); one found by walking a directory becomes a
    ``FILE_UNREADABLE`` finding on that file, and the rest is still linted.
    """
    return lint_files(_expand(paths), options)


def lint_files(found: Iterable[tuple[Path, bool]], options: LintOptions) -> LintReport:
    """Lint ``(path, walked)`` pairs and gather a report (see :func:`run_lint`)."""
    return LintReport(tuple(iter_lint(found, options, preflight=False)))


def iter_lint(
    found: Iterable[tuple[Path, bool]], options: LintOptions, *, preflight: bool = True
) -> Iterator[FileResult]:
    """Lint ``(path, walked)`` pairs one by one, for reports written as files are linted.

    Each result is yielded without its parsed data, so memory does not grow with
    the number of files. A named file (``walked`` false) that cannot be read is a
    usage error; with ``preflight`` that is checked for every named file before
    the first result (so a report is never cut short), and a file that becomes
    unreadable later is a ``FILE_UNREADABLE`` finding like a walked one.

    Raises:
        InputFileError: A named file cannot be read.
    """
    pairs = list(found) if preflight else found
    if preflight:
        for path, walked in pairs:
            if not walked:
                check_readable(path)
    linter = Linter(options)
    identities = _Identities(linter)
    for path, walked in pairs:
        try:
            result = linter.lint_file(path)
        except InputFileError as exc:
            if not walked and not preflight:
                raise
            result = linter.unreadable(path, exc)
        # keep only what a report needs: the parsed file (tens of KB) goes now
        yield identities.add(result)


def check_readable(path: Path) -> None:
    """What :meth:`Linter.lint_file` would raise before parsing ``path``, without reading it.

    Raises:
        InputFileError: A directory, a FIFO/socket/device, or a file that cannot be opened.
    """
    if path.is_dir():
        raise _directory_error(path)
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise NotRegularFileError(errno.EINVAL, "not a regular file", str(path))
        with path.open("rb"):
            pass
    except OSError as exc:
        raise _read_error(path, exc) from exc


def _directory_error(path: Path) -> InputFileError:
    return InputFileError(f"{path} is a directory", hint="pass a task-template file")


def _read_error(path: Path, exc: OSError) -> InputFileError:
    """Why ``path`` cannot be read, as one error for :meth:`Linter.lint_file` and its preflight."""
    if isinstance(exc, NotRegularFileError):
        hint = "pass task-template files or directories (not a FIFO, socket or device)"
    else:
        hint = "check the path and its permissions"
    return InputFileError(f"cannot read {path}: {exc.strerror or exc}", hint=hint)


class _Identities:
    """Cross-file findings (duplicate template identities), found as files come."""

    def __init__(self, linter: Linter) -> None:
        rule = RULES["DUPLICATE_TEMPLATE_IDENTITY"]
        self.enabled = linter.settings.enabled(rule.id)
        self.severity = linter.settings.severity(rule.id, rule.severity)
        self.first: dict[tuple[str, str, str], Path] = {}

    def add(self, result: FileResult) -> FileResult:
        """``result`` without its parsed data, with a duplicate-identity finding if any."""
        slim = replace(result, data=None, _template_factory=None)
        data = result.data
        if not self.enabled or not data:
            return slim
        identity = (data.get("namespace_name"), data.get("name"), data.get("version"))
        if not all(isinstance(v, str) and v for v in identity):
            return slim
        key: tuple[str, str, str] = identity  # type: ignore[assignment]
        first = self.first.setdefault(key, result.path)
        if first is result.path:
            return slim
        duplicate = Diagnostic(
            "DUPLICATE_TEMPLATE_IDENTITY",
            self.severity,
            f"template {key[0]}/{key[1]}/{key[2]} is also defined in {first}; "
            "the file registered last wins",
            Location(result.path, 1, 1),
            "",
        )
        return replace(slim, diagnostics=sort_diagnostics([*slim.diagnostics, duplicate]))
