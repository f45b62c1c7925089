"""The dependencies form a cycle (SDK code ``CYCLE_DETECTED``).

The Rust registration's cycle check is a stub, so a cyclic template registers
fine and fails when a task is created. The message prints the cycle, e.g.
``Dependency cycle detected: a -> b -> c -> a``. Self-dependencies are reported
by ``SELF_DEPENDENCY`` instead.

FAIL::

    - name: a
      dependencies: [c]
    - name: b
      dependencies: [a]
    - name: c
      dependencies: [b]

PASS: remove one edge so the steps form a DAG.
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "CYCLE_DETECTED"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Depth-first search (white/grey/black); one finding per distinct cycle."""
    graph = {
        name: [d for d in dict.fromkeys(step.dependencies) if d in ctx.by_name and d != name]
        for name, step in ctx.by_name.items()
    }
    state: dict[str, int] = {}
    reported: set[frozenset[str]] = set()
    for start in graph:
        if state.get(start):
            continue
        state[start] = 1
        path = [start]
        stack = [iter(graph[start])]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt) :]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    yield _finding(ctx, cycle)
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(graph[nxt]))


def _finding(ctx: RuleContext, cycle: list[str]) -> Finding:
    # The DFS walks dependency edges (step -> what it waits for); print the cycle in
    # execution order, starting at the step that comes first in the file.
    order = list(reversed(cycle))
    first = min(order, key=lambda n: ctx.by_name[n].index)
    at = order.index(first)
    order = order[at:] + order[:at]
    text = " -> ".join([*order, order[0]])
    step = ctx.by_name[first]
    return ctx.finding(
        ID,
        f"Dependency cycle detected: {text}",
        f"{step.pointer}/dependencies",
        key=True,
        hint="remove one of these dependencies so the steps form a DAG",
    )
