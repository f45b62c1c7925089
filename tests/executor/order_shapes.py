"""Hypothesis strategies for valid task templates of every shape the orchestrator knows.

A template is a *flow*: a sequence of blocks, each depending on the exit step
of the block before it.

* ``chain``: 1-3 standard steps in a row;
* ``diamond``: a top step, 2-3 parallel steps, a bottom step joining them;
* ``decision``: a decision step with 1-3 branches (each a flow of its own,
  starting with a non-decision block, possibly holding a nested decision or a
  batch), usually a ``deferred_convergence`` step over the branches (declared
  anywhere among the block's steps, before, between or after the branches),
  optionally followed by post-convergence steps. It routes to a drawn subset of
  its branch heads (none: ``no_branches``), now and then to a step inside a
  branch;
* ``batch``: a ``batchable`` analyzer, its ``batch_worker`` template and a
  ``deferred_convergence`` aggregator; ``total: 0`` takes the no-batches path
  (one ``_000`` placeholder worker). A batch ends its flow: nothing may follow a
  batch's aggregator.

Every step gets a deterministic behaviour (see ``tests/fixtures/order_props``):
retries (fail ``n`` times, within ``max_attempts``), checkpoint yields, DSL or
class-based handlers. The shapes stay inside what runs the same in every
declaration order in production too: a convergence step only lists steps of
its own decision's region (a nested decision, not the steps below it), joins
outside a decision are diamonds, and a batch's aggregator is never created at
initialization.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import yaml
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "order_props"
PACKAGE = "orderfx"

STEP = ("orderfx.dsl.step", "orderfx.cls.Step")
DECIDE = ("orderfx.dsl.decide", "orderfx.cls.Decide")
WORK = ("orderfx.dsl.work", "orderfx.cls.Work")
ANALYZE = "orderfx.cls.Analyze"
AGGREGATE = "orderfx.cls.Aggregate"
CALLABLES = (*STEP, *DECIDE, *WORK, ANALYZE, AGGREGATE)

T = TypeVar("T")

MAX_STEPS = 26
"""Template steps at most (a soft budget: a block started is finished)."""
MAX_DEPTH = 2
"""Decisions nested at most this deep (the top-level decision is depth 0)."""


@dataclass
class Shape:
    """A generated template: its steps in canonical declaration order."""

    steps: list[dict[str, Any]]
    blocks: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [s["name"] for s in self.steps]

    def document(self, order: Sequence[int] | None = None) -> dict[str, Any]:
        """The template as YAML would hold it, steps in ``order`` (indexes) if given."""
        steps = self.steps if order is None else [self.steps[i] for i in order]
        return {
            "name": "order_props",
            "namespace_name": "order_props",
            "version": "1.0.0",
            "description": "generated: " + ", ".join(self.blocks),
            "steps": copy.deepcopy(steps),
        }

    def yaml(self, order: Sequence[int] | None = None) -> str:
        return yaml.safe_dump(self.document(order), sort_keys=False)

    def step(self, name: str) -> dict[str, Any]:
        return next(s for s in self.steps if s["name"] == name)

    def with_config(self, name: str, **config: Any) -> Shape:
        """A copy in which step ``name``'s handler initialization has ``config`` merged in."""
        steps = copy.deepcopy(self.steps)
        for s in steps:
            if s["name"] == name:
                s["handler"].setdefault("initialization", {}).update(config)
        return Shape(steps, list(self.blocks))


@dataclass
class _Flow:
    """What a flow offers the block around it."""

    head: str
    """Its first step (a decision's natural route target)."""
    convergence_dep: str
    """The step an enclosing convergence lists: the last one before any nested decision."""
    exit: str | None
    """The step the next block depends on (``None``: the flow ended, e.g. with a batch)."""
    routable: list[str]
    """Steps of the enclosing decision's region a route may name (not deferred, not workers)."""


class Chooser(Protocol):
    """Where the builder's choices come from: Hypothesis (shrinkable) or a seeded RNG."""

    def integer(self, low: int, high: int) -> int: ...

    def choice(self, options: Sequence[T]) -> T: ...

    def subset(self, options: Sequence[T]) -> list[T]: ...


class DrawChooser:
    """Choices drawn by Hypothesis, so failing templates shrink."""

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any]) -> None:
        self.draw = draw

    def integer(self, low: int, high: int) -> int:
        return int(self.draw(st.integers(low, high)))

    def choice(self, options: Sequence[T]) -> T:
        return self.draw(st.sampled_from(options))  # type: ignore[no-any-return]

    def subset(self, options: Sequence[T]) -> list[T]:
        return list(self.draw(st.lists(st.sampled_from(options), unique=True)))


class RandomChooser:
    """Choices from a seeded ``random.Random`` (the bounded fuzz loop)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def choice(self, options: Sequence[T]) -> T:
        return self.rng.choice(list(options))

    def subset(self, options: Sequence[T]) -> list[T]:
        chosen = [o for o in options if self.rng.random() < 0.5]
        self.rng.shuffle(chosen)
        return chosen


class _Builder:
    def __init__(self, choose: Chooser, max_steps: int = MAX_STEPS) -> None:
        self.choose = choose
        self.max_steps = max_steps
        self.steps: list[dict[str, Any]] = []
        self.blocks: list[str] = []
        self.count = 0

    # -- steps ------------------------------------------------------------
    def fresh(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def behaviour(
        self, *, checkpoints: bool = True
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """A step's initialization and retry block: retries within max_attempts, yields."""
        choose = self.choose
        config: dict[str, Any] = {}
        fail_until = choose.choice((0, 0, 0, 0, 1, 2))
        if fail_until:
            config["fail_until"] = fail_until
        if checkpoints:
            yields = choose.choice((0, 0, 0, 0, 1, 2))
            if yields:
                config["checkpoints"] = yields
        retry: dict[str, Any] | None = None
        if fail_until or choose.integer(0, 1):
            lowest = max(1, fail_until + 1)
            retry = {
                "retryable": True,
                "max_attempts": choose.integer(lowest, lowest + 2),
                "backoff": choose.choice(("exponential", "linear", "none")),
                "backoff_base_ms": choose.choice((100, 250, 1000)),
            }
            retry["max_backoff_ms"] = max(retry["backoff_base_ms"], 1000)
        return config, retry

    def add(
        self,
        name: str,
        callable_: str,
        deps: Sequence[str],
        kind: str = "standard",
        config: dict[str, Any] | None = None,
        retry: dict[str, Any] | None = None,
        at: int | None = None,
        **extra: Any,
    ) -> None:
        handler: dict[str, Any] = {"callable": callable_}
        if config:
            handler["initialization"] = config
        step: dict[str, Any] = {"name": name, "type": kind, "dependencies": list(deps)}
        step["handler"] = handler
        if retry is not None:
            step["retry"] = retry
        step.update(extra)
        step["result_schema"] = {"type": "object"}
        if at is None:
            self.steps.append(step)
        else:
            self.steps.insert(at, step)

    def plain(self, prefix: str, deps: Sequence[str]) -> str:
        name = self.fresh(prefix)
        config, retry = self.behaviour()
        self.add(name, self.choose.choice(STEP), deps, config=config, retry=retry)
        return name

    # -- blocks -----------------------------------------------------------
    def flow(
        self, entry: str | None, depth: int, in_branch: bool, first: str | None = None
    ) -> _Flow:
        choose = self.choose
        head: str | None = None
        convergence_dep: str | None = None
        routable: list[str] = []
        exit_: str | None = entry
        for index in range(choose.integer(1, 3)):
            kinds = ["chain", "diamond", "batch"]
            if depth < MAX_DEPTH and not (in_branch and index == 0):
                kinds.append("decision")
            if len(self.steps) >= self.max_steps:
                kinds = ["chain"]
            kind = first if index == 0 and first else choose.choice(kinds)
            self.blocks.append(f"{kind}@{depth}")
            part_routable: list[str] = []
            if kind == "chain":
                steps = [self.plain("s", [exit_] if exit_ else [])]
                for _ in range(choose.integer(0, 2)):
                    steps.append(self.plain("s", [steps[-1]]))
                part_head, part_exit, part_routable = steps[0], steps[-1], steps
            elif kind == "diamond":
                top = self.plain("t", [exit_] if exit_ else [])
                middle = [self.plain("m", [top]) for _ in range(choose.integer(2, 3))]
                bottom = self.plain("j", middle)
                part_head, part_exit, part_routable = top, bottom, [top, *middle, bottom]
            elif kind == "batch":
                part_head = self.batch(exit_)
                part_exit, part_routable = None, [part_head]
            else:
                part_head, decision, part_exit = self.decision(exit_, depth)
                if convergence_dep is None:
                    convergence_dep = decision
            if head is None:
                head = part_head
            if convergence_dep is None:
                routable.extend(part_routable)
            exit_ = part_exit
            if exit_ is None:
                break
        if convergence_dep is None:
            convergence_dep = exit_ if exit_ is not None else routable[-1]
        assert head is not None
        return _Flow(head, convergence_dep, exit_, routable)

    def batch(self, entry: str | None) -> str:
        choose = self.choose
        analyzer, work, aggregate = self.fresh("a"), self.fresh("w"), self.fresh("g")
        config, retry = self.behaviour()
        total = choose.choice((0, 1, 3, 5, 7))
        config.update({"total": total, "size": choose.integer(1, 3), "worker_template_name": work})
        self.add(analyzer, ANALYZE, [entry] if entry else [], "batchable", config, retry)
        work_config, work_retry = self.behaviour(checkpoints=False)
        chunk = choose.choice((0, 0, 1, 2))
        if chunk:
            work_config["chunk"] = chunk
        batch_config = {
            "batch_size": config["size"],
            "parallelism": 2,
            "cursor_field": "id",
            "worker_template": work,
            "failure_strategy": "continue_on_failure",
        }
        self.add(
            work,
            choose.choice(WORK),
            [analyzer],
            "batch_worker",
            work_config,
            work_retry,
            batch_config=batch_config,
        )
        agg_config, agg_retry = self.behaviour()
        agg_config.update({"analyzer": analyzer, "worker_prefix": f"{work}_"})
        self.add(aggregate, AGGREGATE, [work], "deferred_convergence", agg_config, agg_retry)
        return analyzer

    def decision(self, entry: str | None, depth: int) -> tuple[str, str, str | None]:
        """A decision block: ``(first step, decision step, exit step or None)``."""
        choose = self.choose
        root = None if entry else self.plain("r", [])
        entry = entry or root
        assert entry is not None
        decision = self.fresh("d")
        config, retry = self.behaviour()
        self.add(decision, choose.choice(DECIDE), [entry], "decision", config, retry)
        start = len(self.steps)
        flows = [self.flow(decision, depth + 1, True) for _ in range(choose.integer(1, 3))]
        heads = [f.head for f in flows]
        route = choose.subset(heads)
        inside = [n for f in flows for n in f.routable if n not in heads]
        if inside and choose.integer(0, 5) == 0:
            route.append(choose.choice(inside))
        config["route"] = route
        self.step_named(decision)["handler"]["initialization"] = config
        if not choose.integer(0, 4):
            return root or decision, decision, None
        convergence = self.fresh("c")
        deps = [f.convergence_dep for f in flows]
        if choose.integer(0, 3) == 0:
            deps.insert(choose.integer(0, len(deps)), decision)
        conv_config, conv_retry = self.behaviour()
        at = choose.integer(start - 1, len(self.steps))
        self.add(
            convergence,
            choose.choice(STEP),
            deps,
            "deferred_convergence",
            conv_config,
            conv_retry,
            at=at,
        )
        after = convergence
        for _ in range(choose.integer(0, 2)):
            after = self.plain("p", [after])
        return root or decision, decision, after

    def step_named(self, name: str) -> dict[str, Any]:
        return next(s for s in self.steps if s["name"] == name)


@st.composite
def shapes(draw: Callable[[st.SearchStrategy[Any]], Any], first: str | None = None) -> Shape:
    """A valid template of chains, diamonds, decisions and batches (see the module doc).

    ``first``: the kind of the first block (``"decision"`` puts a decision on top).
    """
    return build(DrawChooser(draw), first=first)


def build(choose: Chooser, max_steps: int = MAX_STEPS, first: str | None = None) -> Shape:
    """A template built from ``choose``'s choices."""
    builder = _Builder(choose, max_steps)
    builder.flow(None, 0, False, first)
    return Shape(builder.steps, builder.blocks)


@st.composite
def shapes_with_orders(
    draw: Callable[[st.SearchStrategy[Any]], Any], orders: int = 2, first: str | None = None
) -> tuple[Shape, list[list[int]]]:
    """A shape and ``orders`` permutations of its declaration order (reversed first)."""
    shape = draw(shapes(first))
    indexes = list(range(len(shape.steps)))
    picked = [list(reversed(indexes))]
    picked += [draw(st.permutations(indexes)) for _ in range(orders - 1)]
    return shape, picked
