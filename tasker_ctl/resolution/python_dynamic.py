"""``--import``: resolve Python callables through the real ``tasker_core`` registry.

The handler packages (``--handler-package``, config ``handler-packages``, else
every top-level package or module under the roots that mentions
``tasker_core``) are imported module by module, exactly what
``HandlerRegistry.discover_handlers`` does, but an import failure is kept with
its file and line instead of being logged and swallowed. Then each step's
callable is resolved with ``HandlerRegistry.resolve`` semantics (explicit
mapping, class lookup, resolver hint) and its ``method`` is checked with
``hasattr``. ``RUST_LOG`` is set to ``off`` (unless the user set it) before
``tasker_core`` is imported, so its Rust logging never reaches stdout.
"""

from __future__ import annotations

import contextlib
import os
import pkgutil
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tasker_ctl.errors import MissingDependencyError
from tasker_ctl.resolution.importing import TreeImport, failed_modules_blocked, import_tree
from tasker_ctl.resolution.model import HandlerCheck, ImportProblem, Resolution, Status
from tasker_ctl.resolution.sources import read_text


def check_dynamic(
    steps: Sequence[Any], roots: Sequence[Path], packages: Sequence[str], imported: set[str]
) -> HandlerCheck:
    """Build a :class:`HandlerCheck` for ``steps`` with the real registry."""
    os.environ.setdefault("RUST_LOG", "off")
    try:
        from tasker_core.handler import HandlerRegistry
        from tasker_core.registry import handler_definition, resolver_chain  # noqa: F401
    except ImportError as exc:
        raise MissingDependencyError(
            f"--import needs the Tasker Python SDK (tasker_core): {exc}",
            hint="pip install 'tasker-ctl[sdk]', or drop --import for the static check",
        ) from exc
    check = HandlerCheck("python", "import")
    for root in reversed(roots):
        if str(root) not in sys.path:
            sys.path.insert(0, str(root))
    names = list(packages) or _discover_packages(roots)
    registry = HandlerRegistry()
    # Handler modules run now: what they print must not end up in the report on stdout
    # (`--format json`), and a module calling sys.exit() is an import error, not the end.
    with contextlib.redirect_stdout(sys.stderr):
        for name in names:
            outcome = _import_all(name, imported)
            check.import_problems.extend(_problem(m, exc) for m, exc in outcome.failures)
            with failed_modules_blocked([outcome]), contextlib.suppress(Exception, SystemExit):
                registry.discover_handlers(name)
        _resolve_steps(check, steps, registry)
    return check


def _resolve_steps(check: HandlerCheck, steps: Sequence[Any], registry: Any) -> None:
    """Resolve each step's callable as ``HandlerRegistry.resolve`` would; check its method."""
    from tasker_core.registry.handler_definition import HandlerDefinition
    from tasker_core.registry.resolver_chain import ResolverNotFoundError

    for step in steps:
        callable_ = step.handler.get("callable")
        if not isinstance(callable_, str) or not callable_:
            continue
        # Resolve without the method first: a missing method is its own finding.
        definition = HandlerDefinition(
            callable=callable_,
            resolver=step.handler.get("resolver"),
            initialization=dict(step.initialization),
        )
        try:
            handler = registry.resolver_chain.resolve(definition)
        except ResolverNotFoundError as exc:
            check.results[step.index] = Resolution(Status.NOT_FOUND, "python", str(exc))
            continue
        except (Exception, SystemExit) as exc:  # a handler constructor that raises
            check.results[step.index] = Resolution(
                Status.NOT_FOUND, "python", f"resolving '{callable_}' raised {exc!r}"
            )
            continue
        if handler is None:
            keys = tuple(k for k in registry.list_handlers() if _close(k, callable_))
            check.results[step.index] = Resolution(
                Status.NOT_FOUND,
                "python",
                f"the tasker_core registry cannot resolve '{callable_}'",
                None,
                keys[:3],
            )
            continue
        check.results[step.index] = Resolution(Status.FOUND, "python", "resolved by tasker_core")
        method = step.handler.get("method")
        if isinstance(method, str) and method and method != "call" and not hasattr(handler, method):
            check.missing_methods[step.index] = method


def _discover_packages(roots: Sequence[Path]) -> list[str]:
    names = []
    for root in roots:
        if not root.is_dir():
            continue
        found = [
            (info.name, info.ispkg or "tasker_core" in read_text(Path(root, f"{info.name}.py")))
            for info in pkgutil.iter_modules([str(root)])
        ]
        # directories without __init__.py are namespace packages: importable, and
        # scanned by discover_handlers like any package
        found += [(d.name, _has_handlers(d)) for d in sorted(root.iterdir()) if _namespace(d)]
        for name, wanted in found:
            if wanted and name not in names and not name.startswith(("test", "_")):
                names.append(name)
    return names


def _namespace(path: Path) -> bool:
    return path.name.isidentifier() and path.is_dir() and not (path / "__init__.py").exists()


def _has_handlers(directory: Path) -> bool:
    """Whether a namespace package holds a module that uses ``tasker_core`` (bounded walk)."""
    from tasker_ctl.resolution.sources import walk_sources

    files = walk_sources([directory]).files.get("python", [])
    return any("tasker_core" in read_text(path) for path in files[:500])


def _import_all(package: str, imported: set[str]) -> TreeImport:
    # the same walk as the run worker's (modules imported for an earlier file are skipped)
    outcome = import_tree(package, skip=imported)
    imported.add(package)
    failed = {module for module, _exc in outcome.failures}
    imported.update(n for n in sys.modules if n.startswith(package + ".") and n not in failed)
    return outcome


_OWN = str(Path(__file__).resolve().parent.parent)


def _problem(module: str, exc: BaseException) -> ImportProblem:
    if isinstance(exc, SyntaxError) and exc.filename:
        return ImportProblem(module, f"SyntaxError: {exc.msg}", Path(exc.filename), exc.lineno)
    frames = traceback.extract_tb(exc.__traceback__)
    user = [
        f
        for f in frames
        if "importlib" not in f.filename
        and "tasker_core" not in f.filename
        and not f.filename.startswith(_OWN)
    ]
    message = f"{type(exc).__name__}: {exc}"
    if not user:
        # nothing of the user's code ran: the package itself is not importable
        return ImportProblem(module, message + " (is it on a --handlers-root?)")
    return ImportProblem(module, message, Path(user[-1].filename), user[-1].lineno)


def _close(key: str, callable_: str) -> bool:
    import difflib

    return difflib.SequenceMatcher(None, key, callable_).ratio() > 0.7
