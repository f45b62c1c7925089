"""``validate`` found the handler, but ``tasker-ctl run`` will not without an option.

``validate`` looks for handlers under every root (by default the template's
directory and the working directory). ``run`` imports only its handler
packages: ``--handler-package``/``handler-packages``, else the ``handlers``
package of the template's project (``<project>/handlers`` for
``<project>/config/tasks/x.yaml``, else ``handlers`` beside the template). A
handler registered in another package (``app.handlers`` from
``template generate step_handler --param module_name=app.handlers``) passes
``validate`` and then fails the run with "Handler not found". This note names
the ``--handler-package`` (and, if needed, ``--handlers-root``) to pass to
``run``, or the ``handler-packages``/``handlers-root`` keys to set in
``.tasker-ctl.toml`` (which ``validate`` reads too, and then stays quiet).

FAIL (advice): ``callable: app.handlers.x_handler.x`` registered in
``app/handlers/x_handler.py``, no ``handler-packages`` configured.

PASS: ``handler-packages = ["app.handlers"]`` in ``.tasker-ctl.toml``.
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "RUN_NEEDS_HANDLER_PACKAGE"
SEVERITY = Severity.INFO


def check(ctx: RuleContext) -> Iterator[Finding]:
    """One note per step whose handler ``run`` would not find with the same options."""
    if ctx.handler_check is None:
        return
    for step in ctx.steps:
        advice = ctx.handler_check.run_advice.get(step.index)
        if advice is not None:
            yield ctx.finding(
                ID,
                f"Step {step.label}: {advice}",
                f"{step.pointer}/handler/callable",
                hint="set handler-packages in .tasker-ctl.toml so validate and run agree",
            )
