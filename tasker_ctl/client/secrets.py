"""Credentials that never reach output: :class:`Secret` and :class:`Redactor`.

A :class:`Secret` prints as ``<redacted>`` (``str``, ``repr``, f-strings), so a
secret that slips into a message by mistake shows nothing. The :class:`Redactor`
of a profile knows every secret value it loaded and scrubs them from any text
that leaves the client (server error bodies that echo a header, exception
messages), as a second line of defence.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import SplitResult, urlsplit, urlunsplit

__all__ = ["REDACTED", "Redactor", "Secret", "display_url"]

REDACTED = "<redacted>"


class Secret:
    """A credential; only :meth:`reveal` gives its value (for the request header)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The value itself: pass it to the HTTP layer and nowhere else."""
        return self._value

    def __str__(self) -> str:
        return REDACTED

    def __repr__(self) -> str:
        return f"Secret({REDACTED})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class Redactor:
    """Replaces every known secret value in a text with ``<redacted>``."""

    def __init__(self, secrets: Iterable[Secret | str] = ()) -> None:
        values = {s.reveal() if isinstance(s, Secret) else s for s in secrets}
        # longest first, so a secret that contains another is replaced whole
        self._values = sorted((v for v in values if v), key=len, reverse=True)

    def scrub(self, text: str) -> str:
        """``text`` without any secret value."""
        for value in self._values:
            if value in text:
                text = text.replace(value, REDACTED)
        return text

    def extended(self, more: Iterable[Secret | str]) -> Redactor:
        """A redactor that also knows ``more``."""
        return Redactor([*self._values, *more])


def display_url(url: str) -> str:
    """``url`` safe to print: a password in its user-info part becomes ``<redacted>``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = f"{parts.username or ''}:{REDACTED}@{host}" + (f":{port}" if port else "")
    return urlunsplit(SplitResult(parts.scheme, netloc, parts.path, parts.query, parts.fragment))
