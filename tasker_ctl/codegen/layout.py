"""Shared text helpers for the emitters: comment text, and Black-style bracket splitting.

The Python and Rust emitters must print exactly what ``ruff format`` and
``rustfmt`` would, so long lines are split the way both split nested brackets:
a statement that does not fit opens its last bracket pair, puts the contents on
their own indented line (or one element per line, with a trailing comma, when
that still does not fit) and closes the bracket on a line of its own.
"""

from __future__ import annotations

import textwrap
import unicodedata
from dataclasses import dataclass

__all__ = ["Atom", "Group", "Node", "Union", "columns", "flat", "layout", "text_lines"]


@dataclass(frozen=True)
class Atom:
    """Text that is never split."""

    text: str


@dataclass(frozen=True)
class Group:
    """``head`` + ``open`` + ``args`` joined by ``", "`` + ``close``."""

    head: str
    args: tuple[Node, ...]
    open: str = "["
    close: str = "]"
    single_comma: bool = False
    """Whether a lone argument split onto its own line keeps a trailing comma (Rust)."""
    vertical: bool = False
    """Whether split arguments go one per line at once (rustfmt), never all on one line (ruff)."""


@dataclass(frozen=True)
class Union:
    """``a | b | c``: parenthesised when it must split as a whole annotation."""

    parts: tuple[Node, ...]


Node = Atom | Group | Union


def flat(node: Node) -> str:
    """``node`` on one line."""
    if isinstance(node, Atom):
        return node.text
    if isinstance(node, Union):
        return " | ".join(flat(p) for p in node.parts)
    return node.head + node.open + ", ".join(flat(a) for a in node.args) + node.close


def layout(
    node: Node,
    indent: int,
    lead: str = "",
    trail: str = "",
    width: int = 88,
    step: int = 4,
    *,
    top: bool = False,
) -> list[str]:
    """The lines of ``lead + node + trail`` at ``indent``, split to fit ``width`` if possible.

    ``top`` marks a whole annotation: a union that must split is then wrapped in
    parentheses, as ``ruff format`` does; inside brackets it splits at ``|``.
    """
    pad = " " * indent
    line = pad + lead + flat(node) + trail
    if columns(line) <= width or isinstance(node, Atom):
        return [line]
    inner = indent + step
    if isinstance(node, Union):
        if top:
            body = " " * inner + flat(node)
            middle = (
                [body] if columns(body) <= width else _union_lines(node, inner, "", width, step)
            )
            return [pad + lead + "(", *middle, pad + ")" + trail]
        return _union_lines(node, indent, trail, width, step, lead)
    if not node.args:
        return [line]
    lines = [pad + lead + node.head + node.open]
    if len(node.args) == 1:
        lines += layout(node.args[0], inner, "", "," if node.single_comma else "", width, step)
    else:
        joined = " " * inner + ", ".join(flat(a) for a in node.args)
        if columns(joined) <= width and not node.vertical:
            lines.append(joined)
        else:
            for arg in node.args:
                lines += layout(arg, inner, "", ",", width, step)
    lines.append(pad + node.close + trail)
    return lines


def columns(text: str) -> int:
    """How many terminal columns ``text`` takes, as formatters count: wide characters are 2."""
    return sum(
        0
        if unicodedata.category(ch) in ("Mn", "Me")
        else 2
        if unicodedata.east_asian_width(ch) in ("W", "F")
        else 1
        for ch in text
    )


def _union_lines(
    node: Union, indent: int, trail: str, width: int, step: int, lead: str = ""
) -> list[str]:
    lines: list[str] = []
    last = len(node.parts) - 1
    for i, part in enumerate(node.parts):
        first_lead = lead if i == 0 else "| "
        lines += layout(part, indent, first_lead, trail if i == last else "", width, step)
    return lines


def text_lines(text: str, width: int) -> list[str]:
    r"""``text`` as visible, printable lines of at most ``width`` columns (words kept whole).

    Characters that are not printable (controls, line separators, bidi marks)
    become ``\uXXXX``-style escapes, so a description can never end a comment
    early or reorder what a reader sees.
    """
    lines: list[str] = []
    for raw in text.splitlines() or [""]:
        visible = "".join(
            ch if ch.isprintable() else _escape(ch) for ch in raw.replace("\t", " ")
        ).rstrip()
        if not visible:
            lines.append("")
            continue
        lead = len(visible) - len(visible.lstrip())
        wrapped = textwrap.wrap(
            visible.lstrip(),
            width=max(width - lead, 20),
            break_long_words=False,
            break_on_hyphens=False,
        )
        lines += [" " * lead + w for w in wrapped] or [""]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return lines


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"
