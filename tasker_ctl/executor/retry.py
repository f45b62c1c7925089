"""Retry backoff arithmetic and the clocks the runner waits on.

Backoff follows Tasker's designed calculator (``BackoffCalculator``, see
``docs/run-semantics.md`` §2.4) extended to the template's
``retry.backoff`` kinds:

* ``exponential``: ``base * 2 ** attempts``, where ``attempts`` counts the
  attempt that just failed (1 after the first failure), as the Rust calculator does;
* ``linear``: ``base * attempts``;
* ``fibonacci``: ``base * fib(attempts)`` with ``fib(1) = fib(2) = 1``;
* ``none``: no delay;
* a server-requested ``retry_after`` (seconds, from ``RetryableError(retry_after=...)``
  or an API handler's ``retry_after_seconds``) replaces the strategy.

Every delay is capped at ``max_backoff_ms``. When a ``retry`` block leaves the
times unset, the values of a step without a ``retry`` block apply (base 1000 ms,
cap 30000 ms). No jitter is added, so runs are reproducible.

Production Python workers get none of this (the SQL fallback never fires for
them, so retries are immediate); the runner records the designed delays and
warns about the difference.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from tasker_ctl.model import BackoffStrategy, RetryConfiguration

DEFAULT_BACKOFF_BASE_MS = 1000
DEFAULT_MAX_BACKOFF_MS = 30000


@dataclass(frozen=True, slots=True)
class BackoffPolicy:
    """The backoff settings of one step, with defaults filled in."""

    strategy: BackoffStrategy
    base_ms: int
    max_ms: int

    @classmethod
    def from_retry(cls, retry: RetryConfiguration) -> BackoffPolicy:
        """Read a step's ``retry`` block."""
        base, cap = retry.backoff_base_ms, retry.max_backoff_ms
        return cls(
            strategy=retry.backoff,
            base_ms=DEFAULT_BACKOFF_BASE_MS if base is None else base,
            max_ms=DEFAULT_MAX_BACKOFF_MS if cap is None else cap,
        )

    def delay_ms(self, attempts: int, retry_after_s: float | None = None) -> int:
        """Milliseconds to wait before the next attempt.

        Args:
            attempts: Attempts made so far, including the one that just failed.
            retry_after_s: A delay the handler asked for, in seconds.
        """
        if retry_after_s is not None and retry_after_s >= 0:
            return int(min(retry_after_s * 1000, self.max_ms))
        if self.strategy is BackoffStrategy.NONE:
            return 0
        if self.strategy is BackoffStrategy.LINEAR:
            raw = self.base_ms * attempts
        elif self.strategy is BackoffStrategy.FIBONACCI:
            raw = self.base_ms * _fibonacci(attempts)
        else:
            # Guard the exponent: anything past 2**62 is far beyond any cap.
            raw = self.base_ms * 2 ** min(attempts, 62)
        return int(min(raw, self.max_ms))


def _fibonacci(n: int) -> int:
    a, b = 0, 1
    for _ in range(max(n, 0)):
        a, b = b, a + b
    return a


class Clock(Protocol):
    """Time as the scheduler sees it, in milliseconds since the run started."""

    def now_ms(self) -> float:
        """The current time."""
        ...

    def wait_until(self, deadline_ms: float) -> None:
        """Return once ``now_ms() >= deadline_ms``."""
        ...

    @property
    def waited_ms(self) -> float:
        """Total time spent (or skipped) waiting for retries."""
        ...


class VirtualClock:
    """A clock that only moves when the runner waits: waiting costs no wall time.

    Handler execution does not advance it, so the order in which retries become
    due is deterministic.
    """

    def __init__(self) -> None:
        self._now = 0.0

    def now_ms(self) -> float:
        """The current virtual time."""
        return self._now

    def wait_until(self, deadline_ms: float) -> None:
        """Jump forward to ``deadline_ms``."""
        self._now = max(self._now, deadline_ms)

    @property
    def waited_ms(self) -> float:
        """All the time jumped over."""
        return self._now


class RealClock:
    """Wall-clock time; waiting sleeps for real (``--real-time``)."""

    def __init__(self) -> None:
        self._start = time.monotonic()
        self._waited = 0.0

    def now_ms(self) -> float:
        """Milliseconds since the clock was made."""
        return (time.monotonic() - self._start) * 1000.0

    def wait_until(self, deadline_ms: float) -> None:
        """Sleep (in short, interruptible slices) until ``deadline_ms``."""
        begin = self.now_ms()
        while (remaining := deadline_ms - self.now_ms()) > 0:
            time.sleep(min(remaining / 1000.0, 0.25))
        self._waited += self.now_ms() - begin

    @property
    def waited_ms(self) -> float:
        """Time actually slept while waiting for retries."""
        return self._waited
