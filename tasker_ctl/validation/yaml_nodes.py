"""The YAML node tree the linter reads: scalars with their raw text, mappings, sequences.

Every node keeps its 1-based line and column and its explicit tag; mappings keep
every key in order, duplicates included. :mod:`tasker_ctl.validation.yaml_source`
builds the tree; :mod:`tasker_ctl.validation.serde` reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(eq=False, slots=True)
class Node:
    """A YAML node and where it starts (1-based line and column)."""

    line: int
    column: int
    tag: str | None
    """Explicit tag as written (``!!str``, ``!custom``), ``None`` when untagged."""


@dataclass(eq=False, slots=True)
class Scalar(Node):
    """A scalar with its raw text; ``plain`` is false for quoted and block scalars."""

    value: str
    plain: bool

    @property
    def is_null(self) -> bool:
        """Whether serde_yaml reads this scalar as null (``~``, ``null``, empty)."""
        return self.plain and self.tag is None and self.value in NULL_WORDS


@dataclass(eq=False, slots=True)
class Mapping(Node):
    """A mapping; ``pairs`` keeps every key in order, duplicates included."""

    pairs: list[tuple[Node, Node]] = field(default_factory=list)
    size: int = 1


@dataclass(eq=False, slots=True)
class Sequence(Node):
    """A sequence of nodes."""

    items: list[Node] = field(default_factory=list)
    size: int = 1


NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})


def height(node: Node) -> int:
    """How many container levels ``node`` spans (0 for a scalar); iterative."""
    deepest = 0
    todo: list[tuple[Node, int]] = [(node, 0)]
    while todo:
        current, level = todo.pop()
        if isinstance(current, Sequence):
            todo.extend((item, level + 1) for item in current.items)
        elif isinstance(current, Mapping):
            todo.extend((value, level + 1) for _key, value in current.pairs)
        else:
            deepest = max(deepest, level)
            continue
        deepest = max(deepest, level + 1)
    return deepest


def relocated(node: Node, line: int, column: int) -> Node:
    """A copy of an anchored node placed where its alias is, so findings point there."""
    copy = _empty_copy(node, line, column)
    todo: list[tuple[Node, Node]] = [(node, copy)]
    while todo:
        source, target = todo.pop()
        if isinstance(source, Sequence) and isinstance(target, Sequence):
            for item in source.items:
                child = _empty_copy(item, line, column)
                target.items.append(child)
                todo.append((item, child))
        elif isinstance(source, Mapping) and isinstance(target, Mapping):
            for key, value in source.pairs:
                pair = (_empty_copy(key, line, column), _empty_copy(value, line, column))
                target.pairs.append(pair)
                todo += [(key, pair[0]), (value, pair[1])]
    return copy


def _empty_copy(node: Node, line: int, column: int) -> Node:
    if isinstance(node, Mapping):
        return Mapping(line, column, node.tag, size=node.size)
    if isinstance(node, Sequence):
        return Sequence(line, column, node.tag, size=node.size)
    assert isinstance(node, Scalar)
    return Scalar(line, column, node.tag, node.value, node.plain)
