"""``handler.resolver`` names a resolver that the target language's chain does not have.

A resolver hint bypasses the chain and asks for one resolver by name; an
unknown name fails resolution ("Unknown resolver" / "Resolver 'x' not found in
chain"). Built-in names: Python ``explicit_mapping``, ``class_lookup``; Ruby
``explicit_mapping``, ``class_constant``; TypeScript ``explicit_mapping``,
``class_lookup``; Rust ``ExplicitMappingResolver``, ``ClassConstantResolver``.
Custom resolvers registered by your worker can be declared in
``.tasker-ctl.toml``::

    [lint.rules.UNKNOWN_RESOLVER]
    known = ["payments_resolver"]

FAIL (a Rust template)::

    resolver: explicit_mapping

PASS::

    resolver: ExplicitMappingResolver
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "UNKNOWN_RESOLVER"
SEVERITY = Severity.ERROR
BUILTIN = {
    "python": ("explicit_mapping", "class_lookup"),
    "ruby": ("explicit_mapping", "class_constant"),
    "typescript": ("explicit_mapping", "class_lookup"),
    "rust": ("ExplicitMappingResolver", "ClassConstantResolver"),
}


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Compare resolver hints with the language's built-in and configured names."""
    if ctx.language not in BUILTIN:
        return
    configured = ctx.options(ID).get("known", [])
    known = (*BUILTIN[ctx.language], *(k for k in configured if isinstance(k, str)))
    for step in ctx.steps:
        resolver = step.handler.get("resolver")
        if isinstance(resolver, str) and resolver and resolver not in known:
            yield ctx.finding(
                ID,
                f"resolver '{resolver}' is not a {ctx.language} resolver; known: "
                + ", ".join(known),
                f"{step.pointer}/handler/resolver",
                hint="declare custom resolvers in [lint.rules.UNKNOWN_RESOLVER] known = [...]",
            )
