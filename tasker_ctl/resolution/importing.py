"""Importing a handler package and every module below it: the one implementation.

``validate --import`` (:mod:`tasker_ctl.resolution.python_dynamic`) and the
``run`` worker (:mod:`tasker_ctl.executor.discovery`) both import handler
packages module by module, as the SDK's ``HandlerRegistry.discover_handlers``
does, but keep each failure (with the exception, so the caller can name the
file and line) instead of logging and swallowing it. A module that calls
``sys.exit()`` while it is imported is a failure like any other.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Iterator, Set
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class TreeImport:
    """What importing one package tree did."""

    package: str
    imported: bool = False
    """Whether the package itself imported (its modules were then walked)."""
    failures: list[tuple[str, BaseException]] = field(default_factory=list)
    """Modules that failed to import, in order, with what they raised."""

    def package_missing(self) -> bool:
        """Whether the package itself does not exist (not: it exists and fails)."""
        if self.imported or not self.failures:
            return False
        module, error = self.failures[0]
        name = getattr(error, "name", None)
        return (
            module == self.package
            and isinstance(error, ModuleNotFoundError)
            and name is not None
            and (self.package == name or self.package.startswith(name + "."))
        )


def import_tree(package: str, skip: Set[str] = frozenset()) -> TreeImport:
    """Import ``package`` and every module below it (modules in ``skip`` are left alone)."""
    outcome = TreeImport(package)
    try:
        module = importlib.import_module(package)
    except (Exception, SystemExit) as exc:
        outcome.failures.append((package, exc))
        return outcome
    outcome.imported = True
    failed: set[str] = set()

    def on_error(name: str) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, Exception | SystemExit) and name not in failed:
            failed.add(name)
            outcome.failures.append((name, error))

    for info in pkgutil.walk_packages(
        getattr(module, "__path__", []), prefix=package + ".", onerror=on_error
    ):
        if info.name in failed or info.name in skip:
            continue
        try:
            importlib.import_module(info.name)
        except (Exception, SystemExit) as exc:
            failed.add(info.name)
            outcome.failures.append((info.name, exc))
    return outcome


@contextmanager
def failed_modules_blocked(outcomes: list[TreeImport]) -> Iterator[None]:
    """While inside, importing a module that failed raises ``ImportError`` at once.

    The SDK's ``discover_handlers`` imports every module again and catches only
    ``Exception``: a module that failed by calling ``sys.exit()`` would end the
    process, and any other would run its failing code twice. Blocking the failed
    modules (``None`` in ``sys.modules``) lets it register everything else.
    """
    blocked = [
        module
        for outcome in outcomes
        for module, _exc in outcome.failures
        if module not in sys.modules
    ]
    for module in blocked:
        sys.modules[module] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        for module in blocked:
            if sys.modules.get(module, 0) is None:
                del sys.modules[module]
