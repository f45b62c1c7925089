"""When to retry a request, and how long to wait first (pure; no I/O, no clock reads).

Only ``429 Too Many Requests`` and ``503 Service Unavailable`` are retried: both
say the server did not process the request (Tasker answers 503 with
``Retry-After`` under backpressure), so a retry is safe for every method,
``POST`` included. Anything else fails at once: a refused connection does not
heal in a second, and a timed-out ``POST`` may have created the task.

The wait is the server's ``Retry-After`` when it sends one (delay-seconds or an
HTTP-date, RFC 9110 section 10.2.3), else exponential backoff with jitter
(0.5 s, 1 s, 2 s ... capped at 8 s). A ``Retry-After`` longer than
:data:`MAX_WAIT_S` ends the retries instead of blocking the terminal.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = ["MAX_WAIT_S", "RETRY_STATUSES", "RetryPolicy", "parse_retry_after"]

RETRY_STATUSES = frozenset({429, 503})
MAX_WAIT_S = 60.0
"""The longest single wait; a server asking for more ends the retries."""


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` value; ``None`` if absent or malformed.

    ``now`` must be timezone-aware. A date in the past means no wait.
    """
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(int(text[:12]))  # 12 digits is already ~31,700 years
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000" per RFC 5322: treat as UTC, as HTTP-dates are
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries: at most ``max_retries`` after the first attempt."""

    max_retries: int
    base_s: float = 0.5
    cap_s: float = 8.0
    max_wait_s: float = MAX_WAIT_S

    def should_retry(self, status: int, attempt: int) -> bool:
        """Whether attempt number ``attempt`` (1-based) that got ``status`` may be retried."""
        return status in RETRY_STATUSES and attempt <= self.max_retries

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float | None:
        """Seconds to wait before retrying attempt ``attempt``; ``None``: too long, give up."""
        if retry_after is not None:
            return retry_after if retry_after <= self.max_wait_s else None
        step = min(self.cap_s, self.base_s * 2 ** (attempt - 1))
        return float(step / 2 + rng.uniform(0, step / 2))
