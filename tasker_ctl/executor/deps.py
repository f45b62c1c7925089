"""Dependency results: every completed ancestor, copied only when a handler reads it.

A step sees the persisted results of *all* its completed ancestors (``docs/run-semantics.md``
§3.6, §6.1), and every handler call must get its
own copy, because handlers mutate what they receive. Building and deep-copying
a k-entry dict for each of n chained steps is O(n^2), so:

* :class:`AncestorSet` is an append-only map shared along a chain: a step that
  is the last consumer of its parent's set extends it in place (O(1)), others
  copy it at C speed.
* :class:`DependencyResults` is what the handler gets: a real ``dict``
  subclass that decodes an entry from its stored JSON the first time the
  handler reads it, so reading two entries of ten thousand costs two copies.
  Sets of at most :data:`FULL_COPY_LIMIT` entries also keep every entry in the
  dict's own storage (a C-speed copy, about 5 ns per entry), so readers that
  bypass the mapping methods (pydantic's ``model_dump`` of the whole context,
  ``orjson``) see the same content. Larger sets keep a single placeholder
  there: only such C-level readers notice, everything going through the dict
  API (including ``json.dumps``, ``dict(...)`` and ``copy.deepcopy``) does not.

A view only shows the entries its set held when it was made, so a handler
that keeps its context after returning never sees later ancestors.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any

FULL_COPY_LIMIT = 1000
_PLACEHOLDER_KEY = "__dependency_results_are_lazy__"
_MISSING: Any = object()


class AncestorSet:
    """Persisted results of completed ancestors, by step name, in the order added."""

    __slots__ = ("entries", "positions")

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, Any]] = {}
        self.positions: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def add(self, name: str, entry: dict[str, Any]) -> None:
        """Add one ancestor (no-op if it is already there)."""
        if name not in self.positions:
            self.positions[name] = len(self.entries)
            self.entries[name] = entry

    def merge(self, other: AncestorSet) -> None:
        """Add every ancestor of ``other`` that is not here yet."""
        for name, entry in other.entries.items():
            self.add(name, entry)

    def copy(self) -> AncestorSet:
        """An independent copy (C-speed dict copies)."""
        clone = AncestorSet()
        clone.entries = self.entries.copy()
        clone.positions = self.positions.copy()
        return clone


class DependencyResults(dict):  # type: ignore[type-arg]
    """``context.dependency_results`` for one handler call: a dict that copies on read.

    Reads return a fresh copy of the persisted entry (decoded from its JSON);
    writes and deletes stay local to this call. Every read path of ``dict``
    (indexing, ``get``, iteration, ``items``, ``dict(view)``, ``{**view}``,
    ``json.dumps``, ``copy.deepcopy``, ``==``) goes through the copies.
    """

    __slots__ = ("_extra", "_full", "_gone", "_limit", "_local", "_source", "_texts")

    def __init__(self, source: AncestorSet, texts: Mapping[str, str]) -> None:
        self._source = source
        self._texts = texts
        self._limit = len(source)
        self._full = self._limit <= FULL_COPY_LIMIT
        self._local: dict[str, Any] = {}
        self._extra: dict[str, None] = {}
        self._gone: set[str] = set()
        if self._full:
            dict.__init__(self, source.entries)
        else:
            dict.__init__(self, {_PLACEHOLDER_KEY: "read through the mapping methods"})

    def _in_source(self, key: object) -> bool:
        position = self._source.positions.get(key) if isinstance(key, str) else None
        return position is not None and position < self._limit

    def __getitem__(self, key: str) -> Any:
        value = self._local.get(key, _MISSING)
        if value is not _MISSING:
            return value
        if key in self._gone or not self._in_source(key):
            raise KeyError(key)
        value = json.loads(self._texts[key])
        self._local[key] = value
        if self._full:
            dict.__setitem__(self, key, value)
        return value

    def __setitem__(self, key: str, value: Any) -> None:
        if self._in_source(key):
            self._gone.discard(key)
        else:
            self._extra[key] = None
        self._local[key] = value
        if self._full:
            dict.__setitem__(self, key, value)

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        if self._in_source(key):
            self._gone.add(key)
        else:
            del self._extra[key]
        self._local.pop(key, None)
        if self._full:
            dict.__delitem__(self, key)

    def __contains__(self, key: object) -> bool:
        if key in self._extra:
            return True
        return key not in self._gone and self._in_source(key)

    def __len__(self) -> int:
        return self._limit - len(self._gone) + len(self._extra)

    def __iter__(self) -> Iterator[str]:
        gone = self._gone
        names = [n for n in islice(self._source.entries, self._limit) if n not in gone]
        return iter(names + list(self._extra))

    def __reversed__(self) -> Iterator[str]:
        return reversed(list(self.__iter__()))

    def get(self, key: str, default: Any = None) -> Any:
        """The copied entry for ``key``, or ``default``."""
        try:
            return self[key]
        except KeyError:
            return default

    def keys(self) -> Any:
        """A keys view of a snapshot."""
        return dict.fromkeys(self).keys()

    def values(self) -> Any:
        """A values view of copied entries."""
        return self.copy().values()

    def items(self) -> Any:
        """An items view of copied entries."""
        return self.copy().items()

    def copy(self) -> dict[str, Any]:
        """A plain ``dict`` holding this call's copies."""
        return {key: self[key] for key in self}

    def pop(self, key: str, *default: Any) -> Any:
        """Remove ``key`` and return its copy (or ``default``)."""
        try:
            value = self[key]
        except KeyError:
            if default:
                return default[0]
            raise
        del self[key]
        return value

    def popitem(self) -> tuple[str, Any]:
        """Remove and return the last entry."""
        keys = list(self)
        if not keys:
            raise KeyError("popitem(): dictionary is empty")
        return keys[-1], self.pop(keys[-1])

    def setdefault(self, key: str, default: Any = None) -> Any:
        """``self[key]``, inserting ``default`` first if it is missing."""
        if key in self:
            return self[key]
        self[key] = default
        return default

    def update(self, other: Any = (), /, **kwargs: Any) -> None:
        """Set several entries, like ``dict.update``."""
        pairs: Iterable[tuple[Any, Any]] = (
            [(key, other[key]) for key in other.keys()]  # noqa: SIM118 - mapping protocol
            if hasattr(other, "keys")
            else other
        )
        for key, value in pairs:
            self[key] = value
        for key, value in kwargs.items():
            self[key] = value

    def clear(self) -> None:
        """Remove every entry from this call's view."""
        for key in list(self):
            del self[key]

    @classmethod
    def fromkeys(cls, iterable: Iterable[Any], value: Any = None) -> dict[Any, Any]:
        """A plain dict, as ``dict.fromkeys`` would build."""
        return dict.fromkeys(iterable, value)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DependencyResults):
            other = other.copy()
        return self.copy() == other

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None

    def __repr__(self) -> str:
        return repr(self.copy())

    def __or__(self, other: Any) -> dict[str, Any]:  # type: ignore[override]
        merged = self.copy()
        merged.update(other)
        return merged

    def __ror__(self, other: Any) -> dict[str, Any]:  # type: ignore[override]
        merged = dict(other)
        merged.update(self.copy())
        return merged

    def __ior__(self, other: Any) -> DependencyResults:
        self.update(other)
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, (self.copy(),))

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        return self.__reduce__()

    def __copy__(self) -> dict[str, Any]:
        return self.copy()

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return copy.deepcopy(self.copy(), memo)


class Lineage:
    """A worker's view of the task graph: edges, completed results, ancestor sets.

    The orchestrator sends every edge once (``graph``) and every completed result
    once (``result``, or the worker keeps what it produced itself); the worker
    builds each call's dependency results from them. Every ancestor of a ready
    step is complete, so a step's ancestors are everything reachable through its
    parents that has a result here. An ancestor set is shared along chains: the
    last child that needs its parent's set extends it in place (O(1)); others copy.
    """

    __slots__ = ("_consumers", "_parents", "_sets", "entries", "texts")

    def __init__(self) -> None:
        self._parents: dict[str, list[str]] = {}
        self._consumers: dict[str, int] = {}
        self._sets: dict[str, AncestorSet] = {}
        self.entries: dict[str, dict[str, Any]] = {}
        self.texts = _LazyTexts(self.entries)

    def connect(self, parent: str, child: str) -> None:
        """Add the edge ``parent -> child``."""
        self._parents.setdefault(child, []).append(parent)
        if child not in self._sets:
            self._consumers[parent] = self._consumers.get(parent, 0) + 1

    def store(self, name: str, entry: dict[str, Any], text: str | None = None) -> None:
        """Keep the persisted result of a completed step (``text``: its JSON, if known)."""
        self.entries[name] = entry
        self.texts.put(name, text)

    def ancestors(self, name: str) -> AncestorSet:
        """The completed ancestors of ``name`` (built once per step, shared along chains)."""
        built = self._sets.get(name)
        if built is not None:
            return built
        entries = self.entries
        parents = [p for p in self._parents.get(name, ()) if p in entries]
        if not parents:
            built = AncestorSet()
        else:
            base = max(parents, key=self._size)
            built = self._take_or_copy(base)
            for parent in parents:
                if parent != base:
                    built.merge(self._set_of(parent))
            for parent in parents:
                built.add(parent, entries[parent])
        consumers = self._consumers
        for parent in self._parents.get(name, ()):
            left = consumers.get(parent, 0) - 1
            consumers[parent] = left
            if left <= 0 and parent in entries:
                self._sets.pop(parent, None)
        self._sets[name] = built
        return built

    def _size(self, name: str) -> int:
        found = self._sets.get(name)
        return len(found) if found is not None else 0

    def _take_or_copy(self, parent: str) -> AncestorSet:
        source = self._set_of(parent)
        if self._consumers.get(parent, 0) == 1:
            self._sets.pop(parent, None)
            return source
        return source.copy()

    def _set_of(self, parent: str) -> AncestorSet:
        found = self._sets.get(parent)
        if found is not None:
            return found
        rebuilt = AncestorSet()
        seen: set[str] = set()
        stack = list(self._parents.get(parent, ()))
        while stack:
            current = stack.pop()
            if current in seen or current not in self.entries:
                continue
            seen.add(current)
            rebuilt.add(current, self.entries[current])
            stack.extend(self._parents.get(current, ()))
        return rebuilt


class _LazyTexts(Mapping[str, str]):
    """JSON text of each stored entry, encoded on first use unless it came with one."""

    def __init__(self, entries: dict[str, dict[str, Any]]) -> None:
        self._entries = entries
        self._cache: dict[str, str] = {}

    def put(self, name: str, text: str | None) -> None:
        if text is None:
            self._cache.pop(name, None)
        else:
            self._cache[name] = text

    def __getitem__(self, name: str) -> str:
        text = self._cache.get(name)
        if text is None:
            text = self._cache[name] = json.dumps(self._entries[name])
        return text

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)
