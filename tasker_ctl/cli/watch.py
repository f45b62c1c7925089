"""``--watch`` for ``validate`` and ``run``: run the command again whenever its inputs change.

Each run is a new ``tasker-ctl`` process with the same command line minus
``--watch`` (so a run's worker process is new too and imports every handler
module afresh; nothing of a previous run is cached). Between runs, `watchfiles`_
(native file events through Rust's ``notify``, with a polling fallback and
debouncing built in) waits for a change to the watched files: the template(s),
the context file and the handler sources. A change made while a run is still
going is not lost: the watcher is started once, before the first run, and
collects events the whole time, so it triggers the next run at once.

Directories are watched rather than single files, because editors save by
writing a new file and renaming it over the old one; a filter keeps the events
of the named files and of sources (``.py``, ``.yaml``, ``.yml``, ``.json``) in
watched directories, and ignores ``__pycache__``, ``.git``, virtual
environments and editor swap files.

Ctrl-C ends the watch with exit code 130 (a run in progress gets the interrupt
too and prints its partial report first).

.. _watchfiles: https://watchfiles.helpmanual.io/
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from tasker_ctl.errors import ExitCode, ParameterError

SOURCE_SUFFIXES = (".py", ".yaml", ".yml", ".json")
DEBOUNCE_MS = 1600
"""At most this long is spent gathering one burst of changes (a formatter, a git checkout)."""
STEP_MS = 50
"""A burst ends after this long without a change."""
POLL_MS = 200
"""How often the wait wakes up with no change (so that it starts at once and Ctrl-C is quick)."""
_NAMED = 3


def child_command(argv: Sequence[str], command: str) -> list[str]:
    """The ``tasker-ctl`` command line of one run: ``argv`` without ``--watch``.

    Raises:
        ParameterError: ``argv`` is not a ``tasker-ctl COMMAND ...`` command line
            (``--watch`` called from a program rather than a shell).
    """
    args = [arg for arg in argv if arg != "--watch"]
    if command not in args or len(args) == len(argv):
        raise ParameterError(
            f"--watch re-runs the command line, but this process was not started as "
            f"'tasker-ctl {command} ... --watch'",
            hint=f"run it from a shell: tasker-ctl {command} ... --watch",
        )
    return [sys.executable, "-m", "tasker_ctl", *args]


class _Targets:
    """What to watch: directories, and which files in them count."""

    def __init__(self, paths: Sequence[Path], default: Callable[[Any, str], bool]) -> None:
        self.default = default
        """watchfiles' own filter (``__pycache__``, ``.git``, ``.venv``, swap files...)."""
        self.files: set[str] = set()
        self.trees: set[str] = set()
        for path in paths:
            resolved = path.resolve()
            if resolved.is_dir():
                self.trees.add(str(resolved))
            elif resolved.parent.is_dir():
                self.files.add(str(resolved))
        self.directories = sorted(self._roots())

    def _roots(self) -> Iterator[str]:
        """The fewest directories covering every target (no directory inside another)."""
        candidates = sorted(self.trees | {str(Path(f).parent) for f in self.files})
        kept: list[str] = []
        for directory in candidates:
            if not any(_inside(directory, outer) for outer in kept):
                kept.append(directory)
        yield from kept

    def __call__(self, change: Any, path: str) -> bool:
        """Whether a change to ``path`` should trigger a run (the watchfiles filter)."""
        if path in self.files:
            return True
        if not path.endswith(SOURCE_SUFFIXES) or not any(_inside(path, t) for t in self.trees):
            return False
        return self.default(change, path)


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def watch_command(argv: Sequence[str], command: str, paths: Sequence[Path]) -> int:
    """Run ``tasker-ctl COMMAND ...`` now and after every change to ``paths``; 130 on Ctrl-C."""
    import watchfiles

    child = child_command(argv, command)
    targets = _Targets(paths, watchfiles.DefaultFilter())
    if not targets.directories:
        raise ParameterError(
            "--watch found nothing to watch (none of the paths exists)",
            hint="check the template and context paths",
        )
    watched = len(targets.files) + len(targets.trees)
    changes = watchfiles.watch(
        *targets.directories,
        watch_filter=targets,
        debounce=DEBOUNCE_MS,
        step=STEP_MS,
        rust_timeout=POLL_MS,
        yield_on_timeout=True,
        raise_interrupt=True,
    )
    try:
        with contextlib.closing(changes):
            # watchfiles starts watching on the first next(): before the first run, so that
            # an edit made while a run goes on (or right after it) is never missed
            pending = next(changes)
            while True:
                code = _run_once(child)
                _status(
                    f"exit code {code}; watching {watched} path{'s' if watched != 1 else ''} "
                    "for changes (Ctrl-C to stop)"
                )
                batch = pending or _next_change(changes)
                pending = set()
                _status(f"changed: {_describe(batch)}; running again")
    except KeyboardInterrupt:
        return int(ExitCode.INTERRUPTED)


def _next_change(changes: Iterator[set[tuple[Any, str]]]) -> set[tuple[Any, str]]:
    """The next non-empty batch of changes (empty ones are the poll timeouts)."""
    for batch in changes:
        if batch:
            return batch
    raise KeyboardInterrupt  # the generator ended: watchfiles saw a stop request


def _run_once(child: list[str]) -> int:
    """One run in a new process; a Ctrl-C waits for its partial report, then propagates."""
    process = subprocess.Popen(child)
    try:
        return process.wait()
    except KeyboardInterrupt:
        # a terminal's Ctrl-C reached the run too; a signal sent to this process alone is
        # passed on, and the run gets a moment to print its partial report
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=0.5)
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        raise


def _describe(batch: set[tuple[Any, str]]) -> str:
    cwd = Path.cwd()
    names = []
    for _change, path in sorted(batch, key=lambda c: c[1]):
        try:
            names.append(str(Path(path).relative_to(cwd)))
        except ValueError:
            names.append(path)
    unique = list(dict.fromkeys(names))
    shown = ", ".join(unique[:_NAMED])
    return shown + (f" and {len(unique) - _NAMED} more" if len(unique) > _NAMED else "")


def _status(message: str) -> None:
    from tasker_ctl.cli.common import note

    note(f"watch: {message}")


def run_watch_paths(
    template: Path,
    context: str | None,
    roots: Sequence[Path],
    packages: Sequence[str],
) -> list[Path]:
    """What ``run --watch`` watches: the template, the context file, the handler sources.

    Raises:
        ParameterError: The context comes from standard input (it cannot be read twice).
    """
    if context == "-":
        raise ParameterError(
            "--watch cannot re-read the context from standard input",
            hint="save it to a file (--context context.json), or pass it inline",
        )
    from tasker_ctl.resolution.run_discovery import run_sources

    found_roots, found_packages = run_sources(template, roots, packages)
    paths: list[Path] = [template]
    if context is not None and not context.lstrip().startswith("{"):
        paths.append(Path(context))
    for root in found_roots:
        sources = [root.joinpath(*p.split(".")) for p in found_packages]
        existing = [s for s in sources if s.is_dir()]
        paths.extend(existing or [root])
    return paths
