"""Handler callables could not be checked (advice): no sources for the template's language.

Resolution needs the handler sources. They are searched under ``--handlers-root``
(repeatable), ``handlers-root`` in ``.tasker-ctl.toml``, or else the template's
directory and the working directory. The language is ``--language``, else a
``language:<x>`` tag in ``metadata.tags``, else the language whose sources
register the callables, else the callables' shape (``A::B`` Ruby, ``a::b::C``
Rust). When no source of that language is found the callables are reported as
not checked: never as errors. ``--no-handler-check`` skips resolution.

FAIL (advice): a Ruby template linted in a repository without its ``.rb`` files.

PASS: ``tasker-ctl validate config/tasks --handlers-root app/handlers``.
"""

from collections.abc import Iterator

from tasker_ctl.resolution import Status
from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "HANDLER_NOT_CHECKED"
SEVERITY = Severity.INFO


def check(ctx: RuleContext) -> Iterator[Finding]:
    """One note per file when some callables could not be checked."""
    if ctx.handler_check is None:
        return
    unchecked = [
        (step, result)
        for step in ctx.steps
        if (result := ctx.handler_check.results.get(step.index)) is not None
        and result.status is Status.NOT_CHECKED
    ]
    if unchecked:
        step, result = unchecked[0]
        yield ctx.finding(
            ID,
            f"{len(unchecked)} handler callable(s) not checked: {result.detail}",
            f"{step.pointer}/handler/callable",
            hint=_hint(result.language, result.detail),
        )


def _hint(language: str | None, detail: str) -> str | None:
    if language is None:
        return "pass --language (python, ruby, typescript or rust) to check them"
    if detail.startswith(f"no {language} handler sources"):
        return f"pass --handlers-root DIR with the {language} handler sources to check them"
    return None
