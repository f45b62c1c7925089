"""jq expressions in composition configs, compiled with the real jq (the ``jq`` package).

Upstream compiles them with jaq (``jaq-core`` 2 with the standard and JSON
definitions, no global variables); a filter that does not compile fails every
run of the step. ``jq`` (libjq) is the reference implementation jaq follows;
where the two differ (see ``docs/composition-validation.md``) this check
follows jq. The module is imported lazily: ``jq`` is loaded only when a
template has a composition with an expression.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_MODULE_DIRECTIVE = re.compile(r"\s*(?:module|import|include)\b")
_ERROR = re.compile(r"^jq: error(?: \(at [^)]*\))?: (?P<text>.*)$")
_AT = re.compile(r" at <(?:top-level|unknown)>, line (?P<line>\d+)(?:, column (?P<col>\d+))?:?$")


@dataclass(frozen=True)
class JqError:
    """Why jq refuses a filter: its first error, and where in the filter."""

    message: str
    line: int | None = None
    column: int | None = None
    count: int = 1
    """How many compile errors jq reported in all."""

    def describe(self) -> str:
        """The error as one phrase, with its position in the filter when jq gives one."""
        where = ""
        if self.line is not None:
            where = f" (filter line {self.line}" + (
                f", column {self.column})" if self.column is not None else ")"
            )
        more = f" (and {self.count - 1} more)" if self.count > 1 else ""
        return f"{self.message}{where}{more}"


def _jq() -> Any:
    return importlib.import_module("jq")


@lru_cache(maxsize=1024)
def compile_error(expression: str) -> JqError | None:
    """``None`` when jq compiles ``expression``, else the first error jq reports."""
    if "\x00" in expression:
        # libjq reads the program as a C string and would stop at the NUL
        return JqError("the filter contains a NUL character")
    if _MODULE_DIRECTIVE.match(expression):
        # the grammar's jaq loads no modules; libjq would read them from its search path
        return JqError("composition filters cannot use modules (`module`, `import`, `include`)")
    try:
        _jq().compile(expression)
    except UnicodeEncodeError:  # a lone surrogate (the YAML loader refuses them; guard anyway)
        return JqError("the filter is not valid Unicode text")
    except ValueError as exc:
        return parse_jq_message(str(exc))
    return None


def parse_jq_message(text: str) -> JqError:
    """The first ``jq: error: ...`` of libjq's compile report, its position and the count."""
    errors = []
    for raw in text.splitlines():
        match = _ERROR.match(raw)
        if match:
            errors.append(match.group("text"))
    if not errors:
        first = text.strip().splitlines()[0] if text.strip() else "jq refused the filter"
        return JqError(first)
    message = errors[0]
    at = _AT.search(message)
    line = column = None
    if at:
        message = message[: at.start()]
        line = int(at.group("line"))
        column = int(at.group("col")) if at.group("col") else None
    message = message.replace(" (Unix shell quoting issues?)", "")
    return JqError(message, line, column, len(errors))
