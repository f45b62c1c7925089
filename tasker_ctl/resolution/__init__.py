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
from tasker_ctl.resolution.sources import walk_sources
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
            return Resolution(Status.NOT_CHECKED, None, "the handlers' language is unknown")
        if language == "typescript" and _TS_IMPORT_PATH.match(callable_):
            return Resolution(
                Status.NOT_CHECKED, language, "import-path callables are not checked statically"
            )
        if not self.available(language):
            return Resolution(
                Status.NOT_CHECKED,
                language,
                f"no {language} handler sources under " + _roots(self.roots),
            )
        info = self.lookup(callable_, language)
        if info is not None:
            return Resolution(Status.FOUND, language, handler=info)
        keys = list(self.languages[language].handlers)
        close = tuple(close_matches(callable_, keys, n=3))
        return Resolution(
            Status.NOT_FOUND,
            language,
            f"no {language} handler is registered as '{callable_}'",
            None,
            close,
        )


def build_index(roots: Sequence[Path]) -> StaticIndex:
    """Scan ``roots`` once for handlers of every language."""
    from tasker_ctl.resolution import conventions, python_static

    sources = walk_sources(roots)
    py_index, modules = python_static.scan(sources.files.get("python", []), sources.roots)
    index = StaticIndex(sources.roots, python_modules=modules, truncated=sources.truncated)
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


def _roots(roots: Sequence[Path]) -> str:
    return ", ".join(str(r) for r in roots) if roots else "(no roots)"
