"""Finding and importing handler packages, as the Python worker would.

The worker imports its handler packages and registers what it finds. Here
:func:`handler_scope` puts the handler roots on ``sys.path``, imports every
module of every handler package (recording modules that fail to import, with
the file and line of the failure), lets the SDK's own
``HandlerRegistry().discover_handlers(package)`` register the class handlers
(by ``handler_name``) and DSL functions (by their decorator name) into a
private registry, and restores ``sys.path`` afterwards.

When neither roots nor packages are given, the handlers are looked for next to
the template: in ``<project>/handlers`` for a template at
``<project>/config/tasks/<file>.yaml``, else in a ``handlers`` package beside
the template. Packages given without roots are searched for in the template's
project and in the working directory; roots given without packages use their
``handlers`` package, if any (other callables can still resolve by import path).
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from tasker_ctl.errors import HandlerPackageError
from tasker_ctl.executor.invoke import display_location, location_from_traceback
from tasker_ctl.executor.sdk import Sdk
from tasker_ctl.resolution.importing import TreeImport, failed_modules_blocked, import_tree
from tasker_ctl.resolution.run_discovery import has_package, run_sources

DEFAULT_PACKAGE = "handlers"


@dataclass(frozen=True)
class HandlerSources:
    """Where handlers come from: ``sys.path`` roots and packages to scan."""

    roots: tuple[Path, ...] = ()
    packages: tuple[str, ...] = ()
    discovered_from: Path | None = None
    """The template the sources were discovered from, if none were given."""
    template: Path | None = None
    """The template being run (for advice when a handler is not found)."""
    given_roots: tuple[Path, ...] = ()
    given_packages: tuple[str, ...] = ()

    def advice(self, callable_name: str) -> str | None:
        """What to pass so that ``run`` finds ``callable_name`` (validate's advice), if known."""
        if self.template is None:
            return None
        from tasker_ctl.resolution.run_discovery import advice_for_callable

        return advice_for_callable(
            callable_name,
            self.template,
            self.given_roots,
            self.given_packages,
            self._advice_index,
        )

    @cached_property
    def _advice_index(self) -> Any:
        """The handler sources validate scans, walked once per run (not per missing handler)."""
        from tasker_ctl.resolution.run_discovery import advice_index

        assert self.template is not None
        return advice_index(self.template, self.given_roots)


@dataclass(frozen=True)
class ImportProblem:
    """A handler module that failed to import."""

    module: str
    error: str
    location: str | None

    def describe(self) -> str:
        """One sentence for warnings and error hints."""
        where = f"{self.location}: " if self.location else ""
        return f"{where}module '{self.module}' failed to import: {self.error}"


@dataclass
class HandlerCatalog:
    """The private registry of one run and what went wrong while filling it."""

    registry: Any
    sources: HandlerSources
    problems: list[ImportProblem] = field(default_factory=list)
    misdecorated: dict[str, str] = field(default_factory=dict)
    """DSL handlers whose ``@step_handler`` is not the outermost decorator, by name."""

    @property
    def registered(self) -> list[str]:
        """Registered handler names (``handler_name`` / DSL names)."""
        return list(self.registry.list_handlers())


def resolve_sources(
    template_path: Path | None, roots: Sequence[Path] = (), packages: Sequence[str] = ()
) -> HandlerSources:
    """Roots and packages from the options, or discovered next to the template.

    Raises:
        HandlerPackageError: A given root does not exist.
    """
    for root in roots:
        if not root.is_dir():
            raise HandlerPackageError(
                f"handlers root {root} is not a directory",
                hint="pass an existing directory with --handlers-root or 'handlers-root'",
            )
    if template_path is None:
        if not (roots or packages):
            return HandlerSources()
        given = list(roots) or [Path.cwd()]
        resolved = tuple(dict.fromkeys(r.resolve() for r in given))
        chosen = tuple(dict.fromkeys(packages))
        if not chosen:
            chosen = tuple(DEFAULT_PACKAGE for r in resolved[:1] if has_package(r, DEFAULT_PACKAGE))
        return HandlerSources(resolved, chosen, None, None, tuple(roots), tuple(packages))
    # the one choice of roots and packages, shared with validate's advice
    found_roots, found_packages = run_sources(template_path, roots, packages)
    return HandlerSources(
        found_roots,
        found_packages,
        None if (roots or packages) else template_path,
        template_path,
        tuple(roots),
        tuple(packages),
    )


@contextmanager
def handler_scope(
    sdk: Sdk, sources: HandlerSources, callables: Iterable[str] = ()
) -> Iterator[HandlerCatalog]:
    """:func:`load_handlers`, with ``sys.path`` restored afterwards (for in-process runs).

    Raises:
        HandlerPackageError: A handler package does not exist on the roots or ``sys.path``.
    """
    saved_path = list(sys.path)
    try:
        yield load_handlers(sdk, sources, callables)
    finally:
        sys.path[:] = saved_path


def load_handlers(
    sdk: Sdk, sources: HandlerSources, callables: Iterable[str] = ()
) -> HandlerCatalog:
    """Import the handler packages into a fresh private registry (roots go on ``sys.path``).

    Raises:
        HandlerPackageError: A handler package does not exist on the roots or ``sys.path``.
    """
    sys.path[:0] = [str(root) for root in sources.roots]
    importlib.invalidate_caches()
    tops = {p.split(".")[0] for p in sources.packages} | {
        c.split(".")[0] for c in callables if "." in c
    }
    for top in sorted(tops):
        _evict_if_stale(top)
    catalog = HandlerCatalog(registry=sdk.HandlerRegistry(), sources=sources)
    for package in sources.packages:
        outcome = _import_tree(package, sources, catalog.problems)
        if outcome.imported:
            with failed_modules_blocked([outcome]):
                catalog.registry.discover_handlers(package)
            catalog.misdecorated.update(_misdecorated(package))
    return catalog


def _misdecorated(package: str) -> dict[str, str]:
    """DSL functions decorated with ``@depends_on``/``@inputs`` after ``@step_handler``.

    ``@step_handler`` reads what those decorators recorded when it is applied, so any
    applied later (above it) are never injected and every call fails with a missing
    argument. The handler class keeps what it read in its ``call`` closure.
    """
    found: dict[str, str] = {}
    modules = [
        m for n, m in list(sys.modules.items()) if n == package or n.startswith(package + ".")
    ]
    for module in modules:
        for fn in list(vars(module).values()):
            call = getattr(getattr(fn, "_handler_class", None), "call", None)
            code, closure = getattr(call, "__code__", None), getattr(call, "__closure__", None)
            if code is None or closure is None or not hasattr(fn, "__code__"):
                continue
            try:
                cells = zip(code.co_freevars, closure, strict=True)
                read = {name: cell.cell_contents for name, cell in cells}
            except ValueError:  # an empty cell, or not the closure this expects
                continue
            late = [
                decorator
                for decorator, cell, recorded in (
                    ("@depends_on", "dep_map", getattr(fn, "_depends_on", None)),
                    ("@inputs", "input_keys", getattr(fn, "_inputs", None)),
                )
                if recorded and cell in read and read[cell] != recorded
            ]
            if late:
                where = display_location(
                    fn.__code__.co_filename, fn.__code__.co_firstlineno, fn.__name__
                )
                found[fn._handler_class.handler_name] = (
                    f"{where}: {' and '.join(late)} {'is' if len(late) == 1 else 'are'} "
                    "applied after @step_handler, which has "
                    "already read its arguments, so they are never injected and every call "
                    "fails with a missing argument; make @step_handler the outermost decorator"
                )
    return found


def _evict_if_stale(top: str) -> None:
    """Forget an already imported package if any of its modules lives elsewhere now.

    A second run in the same process (tests, library use) may point ``top`` at another
    project; namespace packages re-read ``sys.path``, so each loaded module's file is
    checked against where ``top`` resolves to now.
    """
    loaded = [n for n in sys.modules if n == top or n.startswith(top + ".")]
    if not loaded:
        return
    spec = importlib.machinery.PathFinder.find_spec(top, sys.path)
    if spec is None:
        return
    if spec.submodule_search_locations:
        locations = [Path(p).resolve() for p in spec.submodule_search_locations]
    elif spec.origin not in (None, "namespace"):
        locations = [Path(str(spec.origin)).resolve().parent]
    else:
        return
    for name in loaded:
        file = getattr(sys.modules[name], "__file__", None)
        if file is not None and not any(
            Path(file).resolve().is_relative_to(loc) for loc in locations
        ):
            for stale in loaded:
                del sys.modules[stale]
            return


def _import_tree(
    package: str, sources: HandlerSources, problems: list[ImportProblem]
) -> TreeImport:
    """Import ``package`` and every module below it, adding its failures to ``problems``."""
    outcome = import_tree(package)
    if outcome.package_missing():
        where = ", ".join(str(r) for r in sources.roots) or "sys.path"
        raise HandlerPackageError(
            f"handler package '{package}' was not found (searched {where})",
            hint="check --handler-package / 'handler-packages' and --handlers-root",
        )
    problems.extend(_problem(module, exc) for module, exc in outcome.failures)
    return outcome


def _problem(module: str, exc: BaseException) -> ImportProblem:
    location = None
    if isinstance(exc, SyntaxError) and exc.filename:
        location = f"{exc.filename}:{exc.lineno}"
        with suppress(ValueError):
            location = f"{Path(exc.filename).resolve().relative_to(Path.cwd())}:{exc.lineno}"
        message = f"SyntaxError: {exc.msg}"
    else:
        location = location_from_traceback(exc.__traceback__)
        message = f"{type(exc).__name__}: {exc}"
    return ImportProblem(module=module, error=message, location=location)
