"""Will ``tasker-ctl run`` find a handler that ``validate`` found? What to pass if not.

``validate`` scans every root (by default the template's directory and the
working directory), but ``run`` imports only its handler packages: the
``--handler-package``/``handler-packages`` ones, else the ``handlers`` package
of the template's project (``<project>/handlers`` for
``<project>/config/tasks/x.yaml``, else ``handlers`` beside the template). This
module makes that choice for both commands (:func:`run_sources`, which
``tasker_ctl.executor.discovery.resolve_sources`` calls) and, for a handler
``run`` would miss, names the options that make it found, in one sentence that
``validate`` (``RUN_NEEDS_HANDLER_PACKAGE``) and ``run`` (its ``handler_not_found``
warning) both print (:func:`run_advice`, :func:`advice_for_callable`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tasker_ctl.resolution.model import HandlerInfo

if TYPE_CHECKING:
    from tasker_ctl.resolution import StaticIndex

DEFAULT_PACKAGE = "handlers"


def run_sources(
    template: Path, roots: Sequence[Path], packages: Sequence[str]
) -> tuple[tuple[Path, ...], tuple[str, ...]]:
    """The ``sys.path`` roots and the packages ``run`` would scan for ``template``."""
    template = _resolved(template)
    if roots or packages:
        given = list(roots) or [*project_roots(template), Path.cwd()]
        resolved = tuple(dict.fromkeys(_resolved(r) for r in given))
        chosen = tuple(dict.fromkeys(packages))
        if not chosen:
            chosen = tuple(DEFAULT_PACKAGE for r in resolved[:1] if has_package(r, DEFAULT_PACKAGE))
        return resolved, chosen
    for candidate in project_roots(template):
        if has_package(candidate, DEFAULT_PACKAGE):
            return (candidate,), (DEFAULT_PACKAGE,)
    return (template.parent,), ()


def advice_index(template: Path, roots: Sequence[Path]) -> StaticIndex:
    """The handlers where ``validate`` looks by default, for :func:`advice_for_callable`.

    The given roots, else the template's directory and the working directory.
    """
    from tasker_ctl.resolution import build_index

    template = _resolved(template)
    index_roots = tuple(roots) or tuple(dict.fromkeys((template.parent, _resolved(Path.cwd()))))
    return build_index(index_roots)


def advice_for_callable(
    callable_: str,
    template: Path,
    roots: Sequence[Path],
    packages: Sequence[str],
    index: StaticIndex | None = None,
) -> str | None:
    """What ``run`` must be given to find ``callable_``, found as ``validate`` finds it.

    The handler is looked up statically in ``index`` (:func:`advice_index`, built
    when not given); ``None`` when it is not there either, or when ``run`` would
    find it.
    """
    index = index if index is not None else advice_index(template, roots)
    handler = index.lookup(callable_, "python")
    if handler is None:
        return None
    return run_advice(handler, _resolved(template), roots, packages, index.roots)


def run_advice(
    handler: HandlerInfo,
    template: Path,
    roots: Sequence[Path],
    packages: Sequence[str],
    index_roots: Sequence[Path],
) -> str | None:
    """``None`` when ``run`` (with the same options) finds ``handler``, else what to pass."""
    run_roots, run_packages = run_sources(template, roots, packages)
    for module, _base in _modules(handler.path, run_roots):
        if handler.how == "class":
            return None  # importable from a run root: resolved by import path
        if any(module == p or module.startswith(p + ".") for p in run_packages):
            return None
    # name the module from the roots run would use first, then from validate's roots
    preferred = list(roots) or list(project_roots(_resolved(template)))
    found = next(_modules(handler.path, [*preferred, *index_roots]), None)
    if found is None:
        return None  # not importable from any root: nothing simple to suggest
    module, base = found
    package = module.rpartition(".")[0] or module
    flags = []
    config = []
    if handler.how != "class":
        flags.append(f"--handler-package {package}")
        config.append(f'handler-packages = ["{package}"]')
    default_roots = list(roots) or [*project_roots(_resolved(template)), Path.cwd()]
    if base not in {_resolved(r) for r in default_roots}:
        flags.append(f"--handlers-root {base}")
        config.append(f'handlers-root = "{base}"')
    if not flags:
        return None
    where = (
        f"the packages {', '.join(run_packages)}"
        if run_packages
        else f"a '{DEFAULT_PACKAGE}' package next to the template"
    )
    return (
        f"`tasker-ctl run` looks for handlers in {where} and will not find "
        f"'{handler.key}' ({handler.path}:{handler.line}); run it with "
        f"{' '.join(flags)}, or set {' and '.join(config)} in .tasker-ctl.toml"
    )


def _modules(path: Path, roots: Sequence[Path]) -> Iterator[tuple[str, Path]]:
    file = _resolved(path)
    for root in roots:
        base = _resolved(root)
        try:
            parts = list(file.relative_to(base).with_suffix("").parts)
        except ValueError:
            continue
        if parts and parts[-1] == "__init__":
            parts.pop()
        if parts and all(p.isidentifier() for p in parts):
            yield ".".join(parts), base


def project_roots(template: Path) -> Iterator[Path]:
    """Where a project's handlers may live for a template: its project, then its folder."""
    parent = template.parent
    if parent.name == "tasks" and parent.parent.name == "config":
        yield parent.parent.parent
    yield parent


def has_package(root: Path, name: str) -> bool:
    """Whether ``root`` holds package ``name`` (a folder with Python files)."""
    directory = root.joinpath(*name.split("."))
    try:
        return directory.is_dir() and any(directory.glob("*.py"))
    except OSError:
        return False


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return Path.cwd() / path
