"""Does ``handler.callable`` name a real handler? Static by default, for four languages.

:func:`build_index` scans the handler roots once (Python with ``ast``; Ruby,
TypeScript and Rust by their registration shapes, see
:mod:`tasker_ctl.resolution.conventions`); :meth:`StaticIndex.resolve` answers
for one callable: found (where), not found (with close matches), or not checked
when no source of that language is available. :func:`infer_language` decides
which worker a template targets. Dynamic resolution through the real
``tasker_core`` registry lives in :mod:`tasker_ctl.resolution.python_dynamic`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tasker_ctl.resolution.model import (
    HandlerInfo,
    ImportProblem,
    LanguageIndex,
    Resolution,
    Status,
)
from tasker_ctl.resolution.sources import read_text, walk_sources
from tasker_ctl.suggest import close_matches

__all__ = [
    "LANGUAGES",
    "HandlerInfo",
    "ImportProblem",
    "LanguageIndex",
    "Resolution",
    "StaticIndex",
    "Status",
    "build_index",
    "infer_language",
    "normalize_language",
]

LANGUAGES = ("python", "ruby", "typescript", "rust")
_ALIASES = {
    "py": "python",
    "rb": "ruby",
    "ts": "typescript",
    "js": "typescript",
    "javascript": "typescript",
    "rs": "rust",
}
_TS_IMPORT_PATH = re.compile(r"^(\.\.?/|@[\w-]+/)")


def normalize_language(value: str | None) -> str | None:
    """``py`` -> ``python`` etc.; unknown names are returned lower-cased."""
    if value is None:
        return None
    lowered = value.strip().lower()
    return _ALIASES.get(lowered, lowered)


@dataclass
class StaticIndex:
    """Handlers found under the roots, per language."""

    roots: tuple[Path, ...]
    languages: dict[str, LanguageIndex] = field(default_factory=dict)
    python_modules: dict[str, Path] = field(default_factory=dict)
    truncated: bool = False
    """Whether the scan stopped at its cap (``limit`` source files)."""
    limit: int = 0
    broken: dict[Path, ImportProblem] = field(default_factory=dict)
    """Python handler sources that do not parse, with the file and line of the problem."""

    def available(self, language: str) -> bool:
        """Whether any handler source of ``language`` was found."""
        index = self.languages.get(language)
        return bool(index and index.available)

    def lookup(self, callable_: str, language: str) -> HandlerInfo | None:
        """The handler ``callable_`` resolves to in ``language``, if any."""
        index = self.languages.get(language)
        if index is not None and callable_ in index.handlers:
            return index.handlers[callable_]
        if language == "python":
            from tasker_ctl.resolution import python_static

            return python_static.find_class(callable_, self.python_modules)
        return None

    def resolve(self, callable_: str, language: str | None) -> Resolution:
        """Resolve one callable for ``language`` (``None``: not checked)."""
        if language is None:
            detail = "the handlers' language is unknown"
            if self.truncated:
                detail += f" ({self._truncated_detail()})"
            return Resolution(Status.NOT_CHECKED, None, detail)
        if language == "typescript" and _TS_IMPORT_PATH.match(callable_):
            return Resolution(
                Status.NOT_CHECKED, language, "import-path callables are not checked statically"
            )
        if not self.available(language):
            problem = self.broken_source(callable_) if language == "python" else None
            if problem is not None:
                return _unparsable(problem, language)
            if self.truncated:
                return Resolution(Status.NOT_CHECKED, language, self._truncated_detail())
            return Resolution(
                Status.NOT_CHECKED,
                language,
                f"no {language} handler sources under " + _roots(self.roots),
            )
        info = self.lookup(callable_, language)
        if info is not None:
            return Resolution(Status.FOUND, language, handler=info)
        problem = self.broken_source(callable_) if language == "python" else None
        if problem is not None:
            return _unparsable(problem, language)
        if self.truncated:
            return Resolution(Status.NOT_CHECKED, language, self._truncated_detail())
        keys = list(self.languages[language].handlers)
        close = tuple(close_matches(callable_, keys, n=3))
        return Resolution(
            Status.NOT_FOUND,
            language,
            f"no {language} handler is registered as '{callable_}'",
            None,
            close,
        )

    def broken_source(self, callable_: str) -> ImportProblem | None:
        """A Python source that does not parse and may define ``callable_``, if any.

        The callable's module (``pkg.module`` of ``pkg.module.name``), or a
        handler source that mentions the callable's text.
        """
        from tasker_ctl.resolution import python_static

        parts = callable_.split(".")
        for end in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:end])
            path = self.python_modules.get(module)
            if path is None:
                continue
            if path in self.broken:
                return self.broken[path]
            why = python_static.parse_problem(path)
            if why is not None:
                return ImportProblem(module, why[1], path, why[0])
            break
        for path, problem in self.broken.items():
            if callable_ in read_text(path):
                return problem
        return None

    def _truncated_detail(self) -> str:
        return (
            f"the handler scan stopped after {self.limit:,} source files under "
            f"{_roots(self.roots)}; point --handlers-root (or handlers-root in "
            ".tasker-ctl.toml) at the directory that holds the handlers to check them"
        )


def build_index(roots: Sequence[Path], limit: int | None = None) -> StaticIndex:
    """Scan ``roots`` once for handlers of every language (at most ``limit`` files)."""
    from tasker_ctl.resolution import conventions, python_static

    sources = walk_sources(roots, limit)
    broken: dict[Path, ImportProblem] = {}
    py_index, modules = python_static.scan(sources.files.get("python", []), sources.roots, broken)
    index = StaticIndex(
        sources.roots,
        python_modules=modules,
        truncated=sources.truncated,
        limit=sources.limit,
        broken=broken,
    )
    index.languages["python"] = py_index
    index.languages["ruby"] = conventions.scan_ruby(sources.files.get("ruby", []))
    index.languages["typescript"] = conventions.scan_typescript(sources.files.get("typescript", []))
    index.languages["rust"] = conventions.scan_rust(sources.files.get("rust", []))
    return index


def infer_language(
    tags: Iterable[str], callables: Sequence[str], index: StaticIndex | None
) -> str | None:
    """The template's handler language.

    In order: a ``language:<x>`` tag; the one language whose sources register the most
    callables; the only language with sources under the roots; the callables' shape.
    """
    for tag in tags:
        if isinstance(tag, str) and tag.lower().startswith("language:"):
            language = normalize_language(tag.split(":", 1)[1])
            if language in LANGUAGES:
                return language
    if index is not None and callables:
        scores = {
            lang: sum(1 for c in callables if index.lookup(c, lang) is not None)
            for lang in LANGUAGES
            if index.available(lang)
        }
        best = max(scores.values(), default=0)
        winners = [lang for lang, score in scores.items() if score == best]
        if best and len(winners) == 1:
            return winners[0]
        available = [lang for lang in LANGUAGES if index.available(lang)]
        if len(available) == 1:
            return available[0]
    return _shape(callables)


def _shape(callables: Sequence[str]) -> str | None:
    if callables and all(_TS_IMPORT_PATH.match(c) for c in callables):
        return "typescript"
    if callables and all("::" in c for c in callables):
        if all(c[:1].isupper() for c in callables):
            return "ruby"
        if all(c[:1].islower() for c in callables):
            return "rust"
    return None


def _unparsable(problem: ImportProblem, language: str) -> Resolution:
    where = f"{problem.path}:{problem.line}" if problem.path else problem.module
    return Resolution(
        Status.NOT_CHECKED,
        language,
        f"{where} cannot be parsed ({problem.message}), so the handlers it would "
        "register are unknown",
        problem=problem,
    )


def _roots(roots: Sequence[Path]) -> str:
    return ", ".join(str(r) for r in roots) if roots else "(no roots)"
