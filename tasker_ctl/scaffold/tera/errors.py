"""Errors raised while parsing or rendering a Tera template.

They carry the line (and the template file, once known) so the caller can
turn them into a :class:`~tasker_ctl.errors.RenderError` that names
``file:line``; :class:`BudgetExceeded` marks a render stopped by the sandbox's
time, size or depth limits.
"""

from __future__ import annotations


class TeraError(Exception):
    """A template cannot be rendered the way Tera would render it."""

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        file: str | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.file = file
        self.column = column

    def located(self, file: str, line: int | None) -> TeraError:
        """Fill in the innermost file and line, unless they are already known."""
        if self.file is None:
            self.file = file
            if self.line is None:
                self.line = line
        return self


class TeraSyntaxError(TeraError):
    """The template is not valid Tera syntax."""


class UnsupportedConstruct(TeraError):
    """A construct Tera accepts that tasker-ctl refuses rather than render differently."""


class TemplateAccessError(TeraError):
    """A template names a file that cannot be loaded (missing, or outside the plugin)."""


class BudgetExceeded(TeraError):
    """The render used more time, output or nesting than the sandbox allows."""


class TemplateNotFound(TeraError):
    """A template name that is not among the loaded templates (Tera's ``TemplateNotFound``)."""
