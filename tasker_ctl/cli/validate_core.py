"""What ``tasker-ctl validate`` does, without Typer: options -> lint -> one reporter -> exit code.

Shared by the Typer command (:mod:`tasker_ctl.cli.validate_cmd`) and the fast
entry (:mod:`tasker_ctl.cli.validate_fast`), which skips Typer's ~250 ms of
imports for the common invocations so that linting one file costs about as
much as ``yamllint`` on it.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

from tasker_ctl.config import Settings
from tasker_ctl.errors import ConfigError, InputFileError, Location, ParameterError

if TYPE_CHECKING:
    from tasker_ctl.validation.files import ExcludePattern

FORMATS = ("text", "json", "github", "sarif")


@dataclass(frozen=True)
class ValidateRequest:
    """The ``validate`` command line, parsed."""

    paths: tuple[Path, ...]
    output_format: str = "text"
    strict: bool = False
    handlers_roots: tuple[Path, ...] = ()
    handler_packages: tuple[str, ...] = ()
    no_handler_check: bool = False
    import_handlers: bool = False
    language: str | None = None
    output: Path | None = None
    exclude: tuple[str, ...] = ()
    """``--exclude`` patterns, added to the configured ones (relative to the working directory)."""
    respect_gitignore: bool = True
    watch: bool = False
    quiet: bool = False
    """``--quiet``: text output shows only what fails, and nothing when the lint passes."""
    """``--watch``: lint again on every change (:mod:`tasker_ctl.cli.watch`)."""


def run_validate(request: ValidateRequest, settings: Settings) -> int:
    """Lint the paths, print or write the report, return the exit code."""
    if request.watch:
        from tasker_ctl.cli.watch import watch_command
        from tasker_ctl.validation.engine import check_named

        paths = request.paths or _template_paths(settings)
        for path in paths:
            if not path.is_dir():
                check_named(path)  # a missing or unreadable file: the usual error, once
        return watch_command(sys.argv[1:], "validate", [*paths, *request.handlers_roots])
    fmt = request.output_format.lower()
    if fmt not in FORMATS:
        raise ParameterError(
            f"unknown --format '{request.output_format}'; choose one of: " + ", ".join(FORMATS)
        )
    paths = request.paths or _template_paths(settings)
    if request.language is not None:
        from tasker_ctl.resolution import LANGUAGES, normalize_language

        if normalize_language(request.language) not in LANGUAGES:
            raise ParameterError(
                f"unknown --language '{request.language}'; choose one of: " + ", ".join(LANGUAGES)
            )
    from tasker_ctl.validation import LintOptions
    from tasker_ctl.validation.diagnostic import LintTally
    from tasker_ctl.validation.engine import iter_lint
    from tasker_ctl.validation.files import discover

    discovery = discover(
        paths,
        _excludes(request, settings),
        respect_gitignore=request.respect_gitignore and settings.respect_gitignore,
    )

    options = LintOptions(
        strict=request.strict,
        handler_check=not request.no_handler_check,
        handlers_roots=_handlers_roots(request, settings),
        handler_packages=request.handler_packages or settings.handler_packages,
        import_handlers=request.import_handlers,
        language=request.language,
        rule_settings=settings.lint,
    )
    skipped = len(discovery.skipped)
    results = iter_lint(discovery.files, options)
    first = next(results, None)  # a named file that cannot be read fails before any output
    tally = LintTally()
    with _output(request.output) as stream:
        writer = _writer(
            fmt, stream, request.strict, skipped, colour=request.output is None, quiet=request.quiet
        )
        if first is not None:
            for result in itertools.chain((first,), results):
                tally.add(result.diagnostics)
                writer.file(result)
        writer.finish(tally)
    if not tally.files:
        # A CI lint step pointed at the wrong directory should not pass silently.
        listed = ", ".join(str(p) for p in paths)
        also = f" ({_skipped_text(skipped)})" if skipped else ""
        sys.stderr.write(f"warning: no task templates (*.yaml, *.yml) found in {listed}{also}\n")
    return int(tally.exit_code(strict=request.strict))


def _writer(
    fmt: str, stream: TextIO, strict: bool, skipped: int, *, colour: bool, quiet: bool = False
) -> Any:
    """The streaming reporter of ``fmt`` (``file(result)`` per file, then ``finish(tally)``)."""
    if fmt == "json":
        from tasker_ctl.reporting.lint_json import JsonWriter

        return JsonWriter(stream, strict=strict)
    if fmt == "github":
        from tasker_ctl.reporting.lint_github import GithubWriter

        return GithubWriter(stream)
    if fmt == "sarif":
        from tasker_ctl.reporting.lint_sarif import SarifWriter

        return SarifWriter(stream)
    from tasker_ctl.reporting.lint_text import TextWriter, line_printer

    put = line_printer(stream, colour=None if colour else False)
    note = _skipped_text(skipped) if skipped else ""
    return TextWriter(put, note, quiet=quiet, strict=strict)


@contextmanager
def _output(output: Path | None) -> Iterator[TextIO]:
    """stdout, or ``output`` written all or nothing (a temporary file renamed at the end).

    Raises:
        InputFileError: ``output`` cannot be written.
    """
    if output is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    directory = output.parent
    import tempfile

    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - renamed or removed below
            "w",
            encoding="utf-8",
            dir=directory,
            prefix=f".{output.name}.",
            suffix=".tmp",
            delete=False,
        )
    except OSError as exc:
        raise InputFileError(f"cannot write {output}: {exc.strerror or exc}") from exc
    temporary = Path(handle.name)
    try:
        with handle:
            yield cast(TextIO, handle)
        temporary.replace(output)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise InputFileError(f"cannot write {output}: {exc.strerror or exc}") from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _skipped_text(count: int) -> str:
    noun = "file" if count == 1 else "files"
    return f"{count} YAML {noun} skipped: not task templates"


def _template_paths(settings: Settings) -> tuple[Path, ...]:
    """``validate`` with no PATH: the configured (or default) template paths that exist."""
    found = tuple(_relative(p) for p in settings.template_paths if p.exists())
    if found:
        return found
    looked = ", ".join(str(p) for p in settings.template_paths) or "config/tasks"
    raise ParameterError(
        f"no PATH given and no template directory found (looked for {looked})",
        hint="pass template files or directories (tasker-ctl validate config/tasks), "
        "or set template-paths in .tasker-ctl.toml",
    )


def _relative(path: Path) -> Path:
    """``path`` relative to the working directory when that is shorter to read."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
    return Path(relative) if len(relative) < len(str(path)) else path


def _excludes(request: ValidateRequest, settings: Settings) -> tuple[ExcludePattern, ...]:
    from tasker_ctl.validation.files import compile_patterns

    base = settings.exclude_base or settings.project_root or Path.cwd()
    try:
        configured = compile_patterns(settings.exclude, base)
    except ValueError as exc:
        where = Location(settings.source) if settings.source else None
        raise ConfigError(str(exc), location=where, hint="fix exclude/extend-exclude") from exc
    try:
        given = compile_patterns(request.exclude, Path.cwd())
    except ValueError as exc:
        raise ParameterError(f"--exclude: {exc}") from exc
    return (*configured, *given)


def _handlers_roots(request: ValidateRequest, settings: Settings) -> tuple[Path, ...]:
    """The roots to scan; a root that is not a directory would silently check nothing."""
    if request.handlers_roots:
        for root in request.handlers_roots:
            if not root.is_dir():
                raise ParameterError(
                    f"--handlers-root {root} is not a directory",
                    hint="point --handlers-root at the directory that holds the handler sources",
                )
        return request.handlers_roots
    for root in settings.handlers_roots:
        if not root.is_dir():
            raise ConfigError(
                f"handlers-root {root} is not a directory (set in the configuration file)",
                hint="fix handlers-root in .tasker-ctl.toml, or pass --handlers-root",
            )
    return settings.handlers_roots
