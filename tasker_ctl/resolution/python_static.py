"""Python handlers found with ``ast``, never importing anything.

Mirrors what the real Python worker can resolve:

* the explicit mapping, filled by ``HandlerRegistry.discover_handlers``: every
  class with a truthy ``handler_name`` class attribute (registered under that
  name) and every function decorated with the DSL (``@step_handler("name")``,
  ``@decision_handler``, ``@batch_analyzer(name, worker_template=...)``,
  ``@batch_worker``, ``@api_handler``), registered under the decorator's name.
  Names may be string literals or module-level string constants;
* class lookup: a callable ``pkg.module.ClassName`` (capitalised last segment)
  whose module file exists under a root and defines (or imports) ``ClassName``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from tasker_ctl.resolution.model import HandlerInfo, ImportProblem, LanguageIndex
from tasker_ctl.resolution.sources import read_text

DSL_KINDS = {
    "step_handler": "standard",
    "decision_handler": "decision",
    "batch_analyzer": "batch_analyzer",
    "batch_worker": "batch_worker",
    "api_handler": "api",
}
CLASS_LOOKUP = re.compile(
    r"^[a-zA-Z_][a-zA-Z0-9_]*(\.[a-zA-Z_][a-zA-Z0-9_]*)*\.[A-Z][a-zA-Z0-9_]*$"
)
_MARKERS = ("handler_name", *DSL_KINDS)


def scan(
    files: Sequence[Path],
    roots: Sequence[Path],
    broken: dict[Path, ImportProblem] | None = None,
) -> tuple[LanguageIndex, dict[str, Path]]:
    """Index registrations in ``files``; also return module name -> file for class lookup.

    A handler source that Python cannot parse (a syntax error, or an expression too
    deep for the parser) registers nothing; it is recorded in ``broken`` with the
    file and line of the problem.
    """
    index = LanguageIndex("python")
    modules: dict[str, Path] = {}
    bases = [r.resolve() for r in roots] + [(r / "src").resolve() for r in roots]
    for path in files:
        names = _module_names(path, bases)
        for module in names:
            modules.setdefault(module, path)
        text = read_text(path)
        if "tasker_core" in text:
            index.available = True
        if not any(marker in text for marker in _MARKERS):
            continue
        tree, problem = _parse_cached(path, text)
        if tree is None:
            if broken is not None and problem is not None:
                module = min(names, key=len) if names else path.stem
                broken.setdefault(path, ImportProblem(module, problem[1], path, problem[0]))
            continue
        for info in _registrations(tree, path):
            index.handlers.setdefault(info.key, info)
            index.available = True
    return index, modules


def find_class(callable_: str, modules: dict[str, Path]) -> HandlerInfo | None:
    """Class lookup: ``pkg.module.ClassName`` defined in a module file under the roots."""
    if not CLASS_LOOKUP.match(callable_):
        return None
    module, _, name = callable_.rpartition(".")
    path = modules.get(module)
    if path is None:
        return None
    tree = _parse(path, read_text(path))
    if tree is None:
        return None
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return HandlerInfo(
                callable_,
                "python",
                path,
                node.lineno,
                "class",
                _class_kind(node),
                methods=_methods(node),
            )
        if isinstance(node, ast.ImportFrom) and any(
            (alias.asname or alias.name) == name for alias in node.names
        ):
            return HandlerInfo(callable_, "python", path, node.lineno, "class")
    return None


def _module_names(path: Path, bases: Sequence[Path]) -> list[str]:
    names: list[str] = []
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return names
    for base in bases:
        try:
            rel = resolved.relative_to(base)
        except ValueError:
            continue
        parts = list(rel.with_suffix("").parts)
        if parts and parts[-1] == "__init__":
            parts.pop()
        if parts and all(p.isidentifier() for p in parts):
            names.append(".".join(parts))
    return names


@lru_cache(maxsize=4096)
def _parse_cached(path: Path, text: str) -> tuple[ast.Module | None, tuple[int, str] | None]:
    """The module's tree, or ``None`` and (line, what is wrong) when it does not parse."""
    try:
        return ast.parse(text, filename=str(path)), None
    except SyntaxError as exc:
        return None, (exc.lineno or 1, f"{type(exc).__name__}: {exc.msg}")
    except ValueError as exc:  # e.g. a NUL byte
        return None, (1, f"{type(exc).__name__}: {exc}")
    except RecursionError:
        return None, (1, "RecursionError: the source is nested too deeply for Python's parser")
    except MemoryError:
        return None, (1, "MemoryError: the source is too large for Python's parser")


def _parse(path: Path, text: str) -> ast.Module | None:
    return _parse_cached(path, text)[0]


def parse_problem(path: Path) -> tuple[int, str] | None:
    """Why the module file at ``path`` does not parse (line, message), or ``None``."""
    return _parse_cached(path, read_text(path))[1]


def _constants(tree: ast.Module) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value.value
        elif (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            found[node.target.id] = node.value.value
    return found


def _string(node: ast.expr | None, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def _registrations(tree: ast.Module, path: Path) -> list[HandlerInfo]:
    constants = _constants(tree)
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                info = _dsl(decorator, constants, path)
                if info is not None:
                    found.append(info)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                value = None
                if (
                    isinstance(item, ast.Assign)
                    and any(
                        isinstance(t, ast.Name) and t.id == "handler_name" for t in item.targets
                    )
                ) or (
                    isinstance(item, ast.AnnAssign)
                    and isinstance(item.target, ast.Name)
                    and item.target.id == "handler_name"
                ):
                    value = _string(item.value, constants)
                if value:
                    found.append(
                        HandlerInfo(
                            value,
                            "python",
                            path,
                            node.lineno,
                            "registration",
                            _class_kind(node),
                            methods=_methods(node),
                        )
                    )
    return found


def _dsl(decorator: ast.expr, constants: dict[str, str], path: Path) -> HandlerInfo | None:
    if not isinstance(decorator, ast.Call):
        return None
    func = decorator.func
    name = (
        func.id
        if isinstance(func, ast.Name)
        else func.attr
        if isinstance(func, ast.Attribute)
        else None
    )
    if name not in DSL_KINDS:
        return None
    keywords = {k.arg: k.value for k in decorator.keywords if k.arg}
    key = _string(decorator.args[0] if decorator.args else keywords.get("name"), constants)
    if not key:
        return None
    template = _string(
        decorator.args[1] if len(decorator.args) > 1 else keywords.get("worker_template"),
        constants,
    )
    return HandlerInfo(
        key,
        "python",
        path,
        decorator.lineno,
        "registration",
        DSL_KINDS[name],
        worker_template=template if name == "batch_analyzer" else None,
        methods=frozenset({"call"}),
    )


def _class_kind(node: ast.ClassDef) -> str | None:
    names = [ast.unparse(base) for base in node.bases]
    if any("Decision" in n for n in names):
        return "decision"
    if any("Batchable" in n for n in names):
        return "batchable"
    if any("Api" in n for n in names):
        return "api"
    return None


def _methods(node: ast.ClassDef) -> frozenset[str]:
    return frozenset(
        item.name for item in node.body if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
    )
