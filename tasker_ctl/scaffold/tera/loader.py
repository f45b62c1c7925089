"""Loading a plugin template's ``*.tera`` files the way the real tasker-ctl does, safely.

The real tool builds Tera from the glob ``<template dir>/*.tera``: every
``.tera`` file directly in the template directory is parsed up front (one
broken file fails the whole template) and is known by its file name; that is
all ``include``, ``import`` and ``extends`` can name. So a name with a ``/``,
``..`` or an absolute path can never be loaded. A file whose resolved path
leaves the plugin directory (a symbolic link to ``/etc/passwd``, say) is not
read at all: naming it is an error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tasker_ctl.scaffold.tera.budget import RenderBudget
from tasker_ctl.scaffold.tera.errors import (
    BudgetExceeded,
    TemplateAccessError,
    TemplateNotFound,
    TeraError,
)
from tasker_ctl.scaffold.tera.grammar import parse_template
from tasker_ctl.scaffold.tera.renderer import Renderer, Template
from tasker_ctl.scaffold.tera.syntax import build_ast
from tasker_ctl.scaffold.tera.values import Value

INLINE = "__inline__"
_RECURSION_LIMIT = 20_000


class _DeepRecursion:
    """Allow deeply nested templates, and turn running out of stack into a clear error."""

    def __enter__(self) -> None:
        self.saved = sys.getrecursionlimit()
        sys.setrecursionlimit(max(self.saved, _RECURSION_LIMIT))

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        sys.setrecursionlimit(self.saved)
        if isinstance(exc, RecursionError):
            raise BudgetExceeded("the template nests too deeply to render") from None


def parse(name: str, path: str, source: str, budget: RenderBudget) -> Template:
    """Parse one template's text (used for files and for file-name patterns)."""
    if len(source) > budget.max_text:
        raise BudgetExceeded(
            f"{name} has {len(source):,} characters, more than the {budget.max_text:,} a "
            "template may have; scaffold templates are not meant to be that large"
        )

    def tick() -> None:
        try:
            budget.tick()
        except BudgetExceeded:
            raise BudgetExceeded(
                f"parsing {name} ({len(source):,} characters) did not finish within "
                f"{budget.seconds:g} s; scaffold templates are not meant to be that large "
                "or that deeply nested"
            ) from None

    with _DeepRecursion():
        try:
            tree = parse_template(source, tick)
            return Template.build(name, path, build_ast(source, tree))
        except TeraError as exc:
            raise exc.located(path, exc.line) from None


class TemplateSet:
    """The ``*.tera`` files of one template directory, as the real tool's Tera sees them."""

    def __init__(self, directory: Path, plugin_root: Path, budget: RenderBudget) -> None:
        self.directory = directory
        self.root = Path(os.path.realpath(plugin_root))
        self.budget = budget
        self.files: dict[str, Path] = {}
        self.refused: dict[str, str] = {}
        self.templates: dict[str, Template] = {}
        for entry in sorted(directory.iterdir()) if directory.is_dir() else []:
            if not entry.name.endswith(".tera"):
                continue
            # os.path.realpath: Path.resolve raises on a symbolic link loop; a loop is
            # left out like a broken link (naming it is then "not found")
            resolved = Path(os.path.realpath(entry))
            if not resolved.is_relative_to(self.root):
                self.refused[entry.name] = (
                    f"refusing to read {entry.name}: it resolves to {resolved}, outside the "
                    f"plugin directory {self.root}"
                )
            elif resolved.is_file():
                self.files[entry.name] = entry

    def parse_all(self) -> None:
        """Parse every loadable file now, as Tera does when it is built."""
        for name in self.files:
            self.get(name)

    def get(self, name: str) -> Template:
        """The template called ``name``; :class:`TemplateNotFound` if there is none."""
        if name in self.templates:
            return self.templates[name]
        if name in self.refused:
            raise TemplateAccessError(self.refused[name])
        path = self.files.get(name)
        if path is None:
            raise TemplateNotFound(f"Template '{name}' not found")
        try:
            with path.open("rb") as handle:
                # at most 4 bytes a character: a larger file cannot fit the budget, and is
                # not read whole into memory to find that out
                data = handle.read(self.budget.max_text * 4 + 1)
        except OSError as exc:
            raise TemplateAccessError(f"cannot read {path}: {exc.strerror or exc}") from None
        if len(data) > self.budget.max_text * 4:
            raise BudgetExceeded(
                f"{path} is larger than {self.budget.max_text * 4:,} bytes; scaffold "
                "templates are not meant to be that large"
            )
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise TeraError("the file is not valid UTF-8 text", file=str(path), line=line) from None
        template = parse(name, str(path), source, self.budget)
        self.templates[name] = template
        return template

    def render(self, name: str, context: dict[str, Value]) -> str:
        """Render the template ``name`` (a file, or :data:`INLINE` once added)."""
        with _DeepRecursion():
            return Renderer(self.get(name), self.get, context, self.budget).render()

    def render_inline(self, source: str, origin: str, context: dict[str, Value]) -> str:
        """Render a one-off template (a file-name pattern) that may use the loaded files."""
        self.templates[INLINE] = parse(INLINE, origin, source, self.budget)
        try:
            return self.render(INLINE, context)
        finally:
            del self.templates[INLINE]
