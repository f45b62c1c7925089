"""Suggestions for "did you mean", importing difflib only when something is wrong."""

from __future__ import annotations

from collections.abc import Iterable


def close_matches(
    word: str, possibilities: Iterable[str], n: int = 3, cutoff: float = 0.6
) -> list[str]:
    """The closest candidates to ``word`` (best first), as ``difflib.get_close_matches``."""
    import difflib

    return difflib.get_close_matches(word, list(possibilities), n=n, cutoff=cutoff)


def did_you_mean(word: str, possibilities: Iterable[str], n: int = 1) -> str | None:
    """``did you mean 'x'?`` (or ``'x' or 'y'``) for the closest candidates, else ``None``."""
    close = close_matches(word, possibilities, n=n)
    if not close:
        return None
    return f"did you mean {' or '.join(repr(c) for c in close)}?"
