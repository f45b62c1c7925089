"""``tasker-ctl generate types|handler|scaffold``: typed code from a task template."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tasker_ctl.cli.boundary import command_boundary
from tasker_ctl.errors import InputFileError, ParameterError, WriteRefusedError

if TYPE_CHECKING:
    from tasker_ctl.codegen import LoadedTemplate

app = typer.Typer(
    help="Generate typed code from a task template's schemas.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.command("types")
@command_boundary
def types(
    template: Annotated[
        Path, typer.Option("--template", "-t", help="Path to the task-template YAML file.")
    ],
    language: Annotated[
        str,
        typer.Option(
            "--language",
            "-l",
            help="Target language: python (py), ruby (rb), typescript (ts), rust (rs).",
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Output file path (default: stdout)."),
    ] = None,
    step: Annotated[
        str | None,
        typer.Option(
            "--step",
            "-s",
            help="Generate types for this step only (default: the input and every step "
            "with a result_schema).",
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Treat warnings (schema parts the target cannot express) as errors: "
            "exit 1 and write nothing.",
        ),
    ] = False,
) -> int:
    """Generate typed result models from input_schema and step result_schema definitions.

    Python gets pydantic models, Ruby Dry::Struct classes, TypeScript zod schemas
    with inferred types, Rust serde structs. Names follow upstream tasker-ctl:
    {Task}Input, {Namespace}{Step}Result, nested objects as parent + property.
    """
    from tasker_ctl.codegen import NothingToGenerateError, build_types, render
    from tasker_ctl.codegen import normalize_language as normalize
    from tasker_ctl.codegen.ir import format_path
    from tasker_ctl.reporting.console import clean

    target = normalize(language)
    loaded = _load(template)
    try:
        module = build_types(loaded.template, step)
    except NothingToGenerateError as exc:
        if step is not None:
            raise
        typer.echo(f"warning: {template}: {exc.message}; nothing generated", err=True)
        return 0
    for notice in module.notices:
        where = loaded.locate(notice.path)
        typer.echo(
            clean(f"warning: {where}: {notice.message} (at {format_path(notice.path)})"),
            err=True,
        )
    if strict and module.notices:
        typer.echo(
            f"error: {len(module.notices)} warning(s) with --strict; nothing generated",
            err=True,
        )
        return 1
    text = render(module, target)
    if output is None:
        typer.echo(text, nl=False)
        return 0
    _write_atomically(output, text)
    typer.echo(f"Generated {target} types written to {output}", err=True)
    return 0


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed into place: all or nothing.

    A symlink is written through (the link stays), an existing file keeps its
    mode, and what is neither a file nor a directory (``/dev/stdout``, a FIFO) is
    written to as it is: renaming over it would replace the device itself.
    """
    if path.is_dir():
        raise WriteRefusedError(f"{path} is a directory", hint="pass a file path to --output")
    if path.exists() and not path.is_file():
        try:
            with path.open("w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except OSError as exc:
            raise WriteRefusedError(
                f"cannot write {path}: {exc.strerror or exc}", hint="pass a file path to --output"
            ) from exc
        return
    try:
        path = path.resolve() if path.is_symlink() else path
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python 3.11)
        raise WriteRefusedError(
            f"cannot write {path}: {getattr(exc, 'strerror', None) or exc}",
            hint="check the directory exists and is writable",
        ) from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        Path(temp).chmod(mode)
        Path(temp).replace(path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise WriteRefusedError(
            f"cannot write {path}: {exc.strerror or exc}", hint="nothing was written"
        ) from exc


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_LANGUAGE_HELP = "Target language: python (py), typescript (ts), ruby (rb) or rust (rs)."
_STYLE_HELP = (
    "SDK style: dsl (the functional DSL, the default) or class (StepHandler classes; "
    "python, typescript and ruby)."
)


@app.command("handler")
@command_boundary
def handler(
    template: Annotated[
        Path, typer.Option("--template", "-t", help="Path to the task-template YAML file.")
    ],
    language: Annotated[str, typer.Option("--language", "-l", help=_LANGUAGE_HELP)],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Output file, or an existing directory for handlers.<ext> (default: stdout). With "
            "--with-tests the tests go beside it (test_<name>.py, <name>.test.ts, "
            "<name>_spec.rb, test_<name>.rs).",
        ),
    ] = None,
    step: Annotated[
        str | None,
        typer.Option("--step", "-s", help="Generate the handler of this step only."),
    ] = None,
    with_tests: Annotated[
        bool,
        typer.Option(
            "--with-tests", help="Also generate a test per handler (pytest, vitest, RSpec, Rust)."
        ),
    ] = False,
    style: Annotated[str, typer.Option("--style", help=_STYLE_HELP)] = "dsl",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be written, with diffs.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite files that exist with other content.")
    ] = False,
) -> int:
    """Generate handler scaffolds for every step, typed with `generate types` models.

    Each handler is registered under its step's handler.callable, receives its
    dependencies' results as the models of `generate types` (imported from
    .models: generate them with `generate types -o <dir>/models.py`) and returns
    schema-shaped sample data until you write its logic.
    """
    from tasker_ctl.codegen import normalize_language as normalize
    from tasker_ctl.codegen.scaffold import build_handlers

    target = normalize(language)
    loaded = _load(template)
    ext = {"python": "py", "typescript": "ts", "ruby": "rb"}.get(target, "rs")
    if output is not None and output.is_dir():
        output = output / f"handlers.{ext}"
    module_name = output.stem if output is not None else "handlers"
    if output is not None:
        _check_module_file(output, target, ext)
    result = build_handlers(
        loaded.template, target, style, step, with_tests=with_tests, module_name=module_name
    )
    _warn(template, result.notices)
    if output is None:
        typer.echo(result.handlers, nl=False)
        if result.tests is not None:
            typer.echo("\n# --- tests ---\n")
            typer.echo(result.tests, nl=False)
        return 0
    files = [(output.name, result.handlers, False)]
    if result.tests is not None:
        tests_name = {
            "typescript": f"{output.stem}.test.ts",
            "ruby": f"{output.stem}_spec.rb",
        }.get(target, f"test_{output.name}")
        files.append((tests_name, result.tests, False))
    return _write(output.parent, files, force=force, dry_run=dry_run)


@app.command("scaffold")
@command_boundary
def scaffold(
    template: Annotated[
        Path, typer.Option("--template", "-t", help="Path to the task-template YAML file.")
    ],
    language: Annotated[str, typer.Option("--language", "-l", help=_LANGUAGE_HELP)],
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "--output-dir",
            help="Directory for models, handlers and tests (default: print them).",
        ),
    ] = None,
    step: Annotated[
        str | None,
        typer.Option("--step", "-s", help="Scaffold this step only."),
    ] = None,
    style: Annotated[str, typer.Option("--style", help=_STYLE_HELP)] = "dsl",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be written, with diffs.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Also overwrite handlers.py, tests.py and __init__.py."),
    ] = False,
) -> int:
    """Generate typed models, handlers and tests, wired together.

    Writes models.py (always refreshed: do not edit), handlers.py, tests.py and
    __init__.py (written only when missing, unless --force). Every handler is
    registered under its step's handler.callable, so `tasker-ctl validate`
    resolves it and `tasker-ctl run` completes with the placeholder logic.
    """
    from tasker_ctl.codegen import normalize_language as normalize
    from tasker_ctl.codegen.scaffold import build_scaffold

    target = normalize(language)
    loaded = _load(template)
    files, notices = build_scaffold(loaded.template, target, style, step)
    _warn(template, notices)
    if output_dir is None:
        for file in files:
            if file.relpath != "__init__.py":
                typer.echo(f"# --- {file.relpath} ---")
                typer.echo(file.content)
        return 0
    return _write(
        output_dir,
        [(f.relpath, f.content, f.generated) for f in files],
        force=force,
        dry_run=dry_run,
        manifest=True,
    )


def _check_module_file(output: Path, language: str, ext: str) -> None:
    """Refuse an ``--output`` file the tests beside it could not import.

    ``-o newdir/`` names a file ``newdir`` when the directory does not exist yet,
    and ``class.py`` or ``type.rs`` would be imported as ``from . import class``
    or ``use super::type``.
    """
    import keyword

    from tasker_ctl.codegen.emit_rust import KEYWORDS

    suffixes = (".ts", ".tsx") if language == "typescript" else (f".{ext}",)
    if output.suffix not in suffixes:
        raise ParameterError(
            f"--output {output}: a {language} handler file ends in .{ext}",
            hint=f"pass a file such as {output.parent / output.stem}.{ext}, "
            "or create the directory first to write handlers." + ext + " in it",
        )
    name = output.stem
    reserved = (
        keyword.iskeyword(name)
        if language == "python"
        else name in KEYWORDS or not name.isascii()
        if language == "rust"
        else False
    )
    if not name.isidentifier() or reserved:
        raise InputFileError(
            f"cannot import a module named '{name}' from {output}",
            hint=f"name the --output file like a {language} module that is not a keyword, "
            f"e.g. handlers.{ext}",
        )


def _load(template: Path) -> LoadedTemplate:
    from tasker_ctl.codegen import load_template

    if not template.exists():  # a directory or a FIFO: the loader says which
        raise InputFileError(
            f"cannot read {template}: no such file", hint="check the --template path"
        )
    return load_template(template)


def _warn(template: Path, notices: tuple[str, ...]) -> None:
    from tasker_ctl.reporting.console import clean

    for notice in notices:
        typer.echo(clean(f"warning: {template}: {notice}"), err=True)


MANIFEST = ".tasker-ctl-scaffold.json"
"""Where a scaffold records what it wrote, to tell untouched files from edited ones."""


def _write(
    directory: Path,
    files: list[tuple[str, str, bool]],
    *,
    force: bool,
    dry_run: bool,
    manifest: bool = False,
) -> int:
    """Plan every file, then write all or nothing (or show the plan and diffs on a dry run).

    Generated files (``generated`` True) are always refreshed. The others are the
    developer's: with ``manifest`` (a scaffold), one whose content is still what the
    last run wrote is refreshed and an edited one is kept; without it (``generate
    handler -o``) an existing file with other content refuses the whole plan, as
    ``template generate`` does. ``force`` overwrites either way.
    """
    import hashlib
    import json
    from pathlib import PurePosixPath

    from tasker_ctl.scaffold.render import RenderedFile
    from tasker_ctl.scaffold.writer import (
        Action,
        ConflictPolicy,
        WritePlan,
        apply_plan,
        plan_writes,
    )

    def digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    recorded: dict[str, str] = {}
    if manifest:
        recorded = _read_manifest(directory / MANIFEST)
    untouched = {
        path
        for path, _, _ in files
        if (directory / path).is_file()
        and recorded.get(path) == digest((directory / path).read_bytes())
    }
    if manifest:
        written = {p: digest(text.encode("utf-8")) for p, text, _ in files}
        text = json.dumps({"version": 1, "files": written}, indent=2, sort_keys=True) + "\n"
        files = [*files, (MANIFEST, text, True)]

    def rendered(selected: list[tuple[str, str, bool]]) -> list[RenderedFile]:
        return [RenderedFile(PurePosixPath(p), text, "codegen") for p, text, _ in selected]

    refresh = [f for f in files if f[2] or f[0] in untouched]
    generated = plan_writes(rendered(refresh), directory, ConflictPolicy.FORCE)
    policy = (
        ConflictPolicy.FORCE if force else ConflictPolicy.SKIP if manifest else ConflictPolicy.ERROR
    )
    owned = plan_writes(
        rendered([f for f in files if f not in refresh]),
        directory,
        policy,
        refuse_conflicts=not dry_run,
    )
    by_path = {w.relpath: w for w in (*generated.writes, *owned.writes)}
    plan = WritePlan(
        generated.output_dir,
        tuple(by_path[PurePosixPath(p)] for p, _, _ in files),
    )
    words = {
        Action.CREATE: ("created", "would create"),
        Action.OVERWRITE: ("updated", "would update"),
        Action.UNCHANGED: ("unchanged", "unchanged"),
        Action.SKIP: ("kept", "would keep"),
    }
    if not dry_run:
        apply_plan(plan)
    for write in plan.writes:
        if str(write.relpath) == MANIFEST:
            continue
        word = "would refuse" if write.conflict else words[write.action][1 if dry_run else 0]
        note = ""
        if write.action is Action.SKIP:
            note = " (edited since it was generated; --force overwrites it)"
        elif write.conflict:
            note = " (exists with other content; --force overwrites it)"
        typer.echo(f"{word:>12}  {write.target}{note}")
        if dry_run and write.changes_disk:
            typer.echo(write.diff(), nl=False)
    changed = sum(1 for w in plan.writes if w.changes_disk and str(w.relpath) != MANIFEST)
    if dry_run:
        refuse = " (a real run would refuse: see above)" if plan.conflicts else ""
        typer.echo(f"Dry run: {changed} file(s) would be written{refuse}; nothing was written.")
        return 1 if plan.conflicts else 0
    typer.echo(f"Wrote {changed} file(s) in {plan.output_dir}.")
    return 0


def _read_manifest(path: Path) -> dict[str, str]:
    """The file digests a previous scaffold recorded; empty if there is none or it is bad."""
    import json

    if not path.is_file():  # missing, or a FIFO that reading would wait on
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    return {str(k): str(v) for k, v in files.items() if isinstance(v, str)}
