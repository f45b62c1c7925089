"""The resource budget of one ``template generate``: time, output size, nesting.

Plugin templates are third-party code running inside tasker-ctl. A template
that loops for ever, builds a gigantic string or recurses without end must
stop with a clear error rather than hang or exhaust memory. The renderer is
our own interpreter (:mod:`tasker_ctl.scaffold.tera`), so the checks are
cooperative and exact: every node rendered, loop iteration, filter and
function call ticks the clock, every string or array a template builds is
measured before it is kept, and macro/include nesting is counted. Nothing
in a render can block outside that loop: integers are 64-bit as in Tera (no
huge powers), and ``matching`` uses RE2, whose matching time is linear in the
input, so no regular expression can backtrack catastrophically.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from tasker_ctl.scaffold.tera.errors import BudgetExceeded

RENDER_SECONDS = 4.0
"""Wall-clock time one ``generate`` may spend rendering (real templates take milliseconds)."""
MAX_TEXT = 4 * 1024 * 1024
"""Characters in one rendered file, or in any string a template builds."""
MAX_ITEMS = 100_000
"""Elements in any array a template builds (``range``, ``concat``, ``split``...)."""
MAX_DEPTH = 64
"""Nested macro calls, includes and filter sections."""


@dataclass
class RenderBudget:
    """Limits shared by every file of one render; ``start`` begins the clock."""

    seconds: float = RENDER_SECONDS
    max_text: int = MAX_TEXT
    max_items: int = MAX_ITEMS
    max_depth: int = MAX_DEPTH
    deadline: float = field(default=0.0, init=False)

    def start(self) -> RenderBudget:
        """Start the clock; returns the budget."""
        self.deadline = time.monotonic() + self.seconds
        return self

    def tick(self) -> None:
        """Stop the render once its time is used up."""
        if self.deadline and time.monotonic() > self.deadline:
            raise BudgetExceeded(
                f"rendering took longer than {self.seconds:g} s (a loop that never ends, "
                "or far too much work for a scaffold template)"
            )

    def check_text(self, length: int, what: str = "the output") -> None:
        """Refuse a string or output longer than the budget allows."""
        if length > self.max_text:
            raise BudgetExceeded(
                f"{what} grew past {self.max_text:,} characters; scaffold templates are "
                "not meant to produce that much"
            )

    def check_items(self, count: int, what: str = "an array") -> None:
        """Refuse an array with more elements than the budget allows."""
        if count > self.max_items:
            raise BudgetExceeded(
                f"{what} would hold {count:,} elements, more than the {self.max_items:,} "
                "a template may build"
            )

    def check_depth(self, depth: int) -> None:
        """Refuse nesting deeper than the budget allows."""
        if depth > self.max_depth:
            raise BudgetExceeded(
                f"macro calls and includes nest deeper than {self.max_depth} levels "
                "(a macro or include that never stops calling itself?)"
            )
