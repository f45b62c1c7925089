"""Credentials that never reach output: :class:`Secret` and :class:`Redactor`.

A :class:`Secret` prints as ``<redacted>`` (``str``, ``repr``, f-strings), so a
secret that slips into a message by mistake shows nothing. The :class:`Redactor`
of a profile knows every secret value it loaded and scrubs them from any text
that leaves the client (server error bodies that echo a header, exception
messages), as a second line of defence.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import SplitResult, quote, quote_plus, urlsplit, urlunsplit

__all__ = ["REDACTED", "Redactor", "Secret", "display_url", "spellings"]

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


def spellings(value: str) -> set[str]:
    """``value`` and the forms a server may echo it in: percent-encoded, JSON-escaped."""
    escaped = json.dumps(value, ensure_ascii=False)[1:-1]
    return {
        value,
        quote(value, safe=""),
        quote_plus(value, safe=""),
        escaped,
        escaped.replace("/", "\\/"),  # JSON may escape '/'; PHP and some proxies do
    }


class Redactor:
    """Replaces every known secret value (in every spelling) in a text with ``<redacted>``.

    Also walks parsed JSON (:meth:`scrub_data`) and raw bodies (:meth:`scrub_bytes`),
    so a server that echoes a credential in an answer cannot make us print it.
    """

    def __init__(self, secrets: Iterable[Secret | str] = ()) -> None:
        self._secrets = {s.reveal() if isinstance(s, Secret) else s for s in secrets} - {""}
        values = set().union(*(spellings(v) for v in self._secrets)) if self._secrets else set()
        # longest first, so a secret that contains another is replaced whole
        self._values = sorted(values, key=len, reverse=True)
        self._raw = [(v.encode("utf-8", "surrogatepass"), REDACTED.encode()) for v in self._values]

    def scrub(self, text: str) -> str:
        """``text`` without any secret value."""
        for value in self._values:
            if value in text:
                text = text.replace(value, REDACTED)
        return text

    def scrub_bytes(self, raw: bytes) -> bytes:
        """``raw`` without any secret value (its UTF-8 spellings)."""
        for value, marker in self._raw:
            if value in raw:
                raw = raw.replace(value, marker)
        return raw

    def found_in(self, raw: bytes) -> bool:
        r"""Whether ``raw`` may hold a secret: a spelling of one, or a JSON ``\u`` escape."""
        return bool(self._raw) and (b"\\u" in raw or any(v in raw for v, _ in self._raw))

    def scrub_data(self, data: Any) -> Any:
        """Parsed JSON with every secret taken out of its strings (keys included)."""
        if not self._values:
            return data
        if isinstance(data, str):
            return self.scrub(data)
        if isinstance(data, list):
            return [self.scrub_data(item) for item in data]
        if isinstance(data, dict):
            return {self.scrub(k): self.scrub_data(v) for k, v in data.items()}
        return data

    def extended(self, more: Iterable[Secret | str]) -> Redactor:
        """A redactor that also knows ``more``."""
        return Redactor([*self._secrets, *more])


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
