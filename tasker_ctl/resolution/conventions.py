"""Ruby, TypeScript and Rust handlers found by scanning sources for their registrations.

These languages cannot be imported from Python, so each worker's lookup is
approximated from the source text:

* **Ruby**: the DSL (``step_handler('A::B', ...)``, ``decision_handler``,
  ``api_handler``, ``batch_analyzer``, ``batch_worker``) registers its first
  argument; the class-constant resolver finds any constant path, so every
  ``class X < ...`` and ``X = ...`` inside ``module A`` nesting (by indentation)
  is indexed as ``A::X``.
* **TypeScript**: ``defineHandler('A.B', ...)`` and its ``defineApiHandler``,
  ``defineDecisionHandler``, ``defineBatchAnalyzer``, ``defineBatchWorker``
  siblings, and classes with ``static handlerName = 'A.B'``. Import-path
  callables (``./x``, ``@scope/x``) are not indexed.
* **Rust**: explicit keys only: ``fn name(&self) -> &str { "key" }`` and string
  keys passed to ``register*(...)``/``insert(...)`` calls.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from tasker_ctl.resolution.model import HandlerInfo, LanguageIndex
from tasker_ctl.resolution.sources import read_text

_RUBY_DSL = re.compile(
    r"\b(step_handler|decision_handler|api_handler|batch_analyzer|batch_worker|register_handler)"
    r"\s*\(?\s*"
    r"['\"]([^'\"]+)['\"]"
)
_RUBY_SCOPE = re.compile(r"^(\s*)(module|class)\s+([A-Z][\w:]*)")
_RUBY_CONST = re.compile(r"^(\s*)([A-Z]\w*)\s*=\s*(?!=)")
_TS_DEFINE = re.compile(
    r"\bdefine(Handler|ApiHandler|DecisionHandler|BatchAnalyzer|BatchWorker)\s*(?:<[^>]*>)?"
    r"\(\s*['\"`]([^'\"`]+)['\"`]"
)
_TS_STATIC = re.compile(
    r"static\s+(?:readonly\s+)?handlerName\s*(?::\s*string\s*)?=\s*['\"`]([^'\"`]+)['\"`]"
)
_RS_NAME = re.compile(
    r"fn\s+name\s*\(\s*&\s*self\s*\)\s*->\s*&\s*(?:'static\s+)?str\s*\{\s*\"([^\"]+)\"\s*\}"
)
_RS_REGISTER = re.compile(r"\b(?:register\w*|insert)\s*\(\s*\"([^\"]+)\"")
_RS_TABLE = re.compile(r"\bpush\s*\(\s*\(\s*\"([^\"]+)\"")
"""A ``(callable, function)`` registration table (``steps.push(("shop.price", price))``),
as ``tasker-ctl generate handler -l rust`` writes it."""
_KINDS = {
    "step_handler": "standard",
    "Handler": "standard",
    "decision_handler": "decision",
    "DecisionHandler": "decision",
    "batch_analyzer": "batch_analyzer",
    "BatchAnalyzer": "batch_analyzer",
    "batch_worker": "batch_worker",
    "BatchWorker": "batch_worker",
    "api_handler": "api",
    "ApiHandler": "api",
}


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def scan_ruby(files: Sequence[Path]) -> LanguageIndex:
    """Index Ruby DSL registrations and constant paths."""
    index = LanguageIndex("ruby")
    for path in files:
        text = read_text(path)
        if "TaskerCore" not in text and not _RUBY_DSL.search(text):
            continue
        index.available = True
        for match in _RUBY_DSL.finditer(text):
            key = match.group(2)
            info = HandlerInfo(
                key,
                "ruby",
                path,
                _line(text, match.start()),
                "registration",
                _KINDS.get(match.group(1)),
            )
            index.handlers.setdefault(key, info)
        scopes: list[tuple[int, str]] = []
        for number, line in enumerate(text.splitlines(), start=1):
            scope = _RUBY_SCOPE.match(line)
            const = None if scope else _RUBY_CONST.match(line)
            hit = scope or const
            if hit is None:
                continue
            indent = len(hit.group(1))
            while scopes and scopes[-1][0] >= indent:
                scopes.pop()
            name = hit.group(3) if scope else hit.group(2)
            full = "::".join([*(s for _, s in scopes), name])
            if scope is not None:
                scopes.append((indent, name))
                if scope.group(2) == "module":
                    continue
            index.handlers.setdefault(full, HandlerInfo(full, "ruby", path, number, "class"))
    return index


def scan_typescript(files: Sequence[Path]) -> LanguageIndex:
    """Index TypeScript ``define*`` registrations and static ``handlerName`` values."""
    index = LanguageIndex("typescript")
    for path in files:
        text = read_text(path)
        if "handlerName" not in text and "define" not in text:
            continue
        for match in _TS_DEFINE.finditer(text):
            index.available = True
            key = match.group(2)
            index.handlers.setdefault(
                key,
                HandlerInfo(
                    key,
                    "typescript",
                    path,
                    _line(text, match.start()),
                    "registration",
                    _KINDS.get(match.group(1)),
                ),
            )
        for match in _TS_STATIC.finditer(text):
            index.available = True
            key = match.group(1)
            index.handlers.setdefault(
                key,
                HandlerInfo(key, "typescript", path, _line(text, match.start()), "registration"),
            )
    return index


def scan_rust(files: Sequence[Path]) -> LanguageIndex:
    """Index Rust handler keys (``fn name`` and registration calls)."""
    index = LanguageIndex("rust")
    for path in files:
        text = read_text(path)
        if "StepHandler" not in text and "register" not in text:
            continue
        table = "StepHandler" in text
        for pattern in (_RS_NAME, _RS_REGISTER, *((_RS_TABLE,) if table else ())):
            for match in pattern.finditer(text):
                index.available = True
                key = match.group(1)
                index.handlers.setdefault(
                    key, HandlerInfo(key, "rust", path, _line(text, match.start()), "registration")
                )
    return index
