"""Rich consoles, and the one way data reaches a terminal: :func:`literal`.

Consoles honour ``NO_COLOR`` (Rich does) and take their width from the
terminal or ``COLUMNS``. One is built per call so it always writes to the
current ``sys.stdout``/``sys.stderr`` (test runners swap them).

Text that comes from data (step names, handler messages, paths, results,
parameter values, file contents) is never handed to Rich as a markup string:
``[/x]`` in a handler's message would be a ``MarkupError``, ``[link=...]`` a
forged hyperlink, ``:smile:`` an emoji. Every print site builds its line with
:func:`literal`, which makes a :class:`rich.text.Text` (never parsed) from
plain parts and ``(part, style)`` pairs, after :func:`clean` has made control
characters visible so that a message cannot move the cursor, recolour the
terminal or fake a line of output. Plain-text writers that skip Rich (the fast
``validate`` path) use :func:`clean` directly.

Rich is imported lazily so that importing this module stays cheap.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

_KEEP_IN_BLOCKS = frozenset("\n\t")


def clean(value: object, *, one_line: bool = False) -> str:
    r"""``str(value)`` safe to show on a terminal: unprintable characters become escapes.

    ESC, CR, other C0 and C1 controls, DEL, bidi overrides and the like are
    written the way Python writes them in a string literal (``\x1b``, ``\r``,
    ``\u202e``), so they are visible and inert. Newline and tab are kept,
    unless ``one_line`` is true (names in a table, one finding per line).
    """
    text = str(value)
    if text.isprintable():
        return text
    keep = frozenset() if one_line else _KEEP_IN_BLOCKS
    return "".join(
        char if char.isprintable() or char in keep else repr(char)[1:-1] for char in text
    )


def literal(*parts: str | tuple[str, str] | Text, one_line: bool = False) -> Text:
    """One printable :class:`~rich.text.Text` from data: never read as markup.

    Each part is plain text (``"..."``), styled plain text (``("...", "bold")``)
    or an already built ``Text``; strings go through :func:`clean`.
    """
    from rich.text import Text

    text = Text()
    for part in parts:
        if isinstance(part, Text):
            text.append_text(part)
        elif isinstance(part, tuple):
            value, style = part
            text.append(clean(value, one_line=one_line), style=style or None)
        else:
            text.append(clean(part, one_line=one_line))
    return text


def stdout_console() -> Console:
    """A console on the current ``sys.stdout``."""
    from rich.console import Console

    return Console(file=sys.stdout, highlight=False)


def stderr_console() -> Console:
    """A console on the current ``sys.stderr``."""
    from rich.console import Console

    return Console(file=sys.stderr, highlight=False)
