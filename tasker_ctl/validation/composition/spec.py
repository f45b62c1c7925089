"""Reading a step's ``composition`` as the SDK deserializes it into ``CompositionSpec``.

Upstream reads the value with ``serde_json::from_value`` into::

    CompositionSpec   {name: Option<String>, outcome: OutcomeDeclaration,
                       invocations: Vec<CapabilityInvocation>}
    OutcomeDeclaration   {description: String, output_schema: Value}
    CapabilityInvocation {capability: String, config: Value, checkpoint: bool = false}

Unknown keys are ignored; a missing ``Value`` field is an error like any other
missing field (only ``Option`` fields and ``checkpoint`` have defaults); a
sequence is read positionally, as serde reads a struct from a JSON array. Where
serde stops at the first problem, :func:`read_spec` reports every one, each at
its own place; the messages are serde's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tasker_ctl.validation.serde import escape_pointer


@dataclass(frozen=True)
class ParseProblem:
    """A value that does not deserialize (serde's message), and where."""

    message: str
    pointer: str
    key: bool = False
    """Locate the finding at the key holding ``pointer`` (a missing field: its parent)."""
    hint: str | None = None


@dataclass(frozen=True)
class Located:
    """A struct's field values and the JSON pointer of each."""

    pointer: str
    pointers: dict[str, str] = field(default_factory=dict)

    def at(self, name: str) -> str:
        """The pointer of field ``name`` (the struct's own when it was not written)."""
        return self.pointers.get(name, self.pointer)


@dataclass(frozen=True)
class Outcome:
    """``outcome``: what the composition promises to produce."""

    description: str
    output_schema: Any
    where: Located


@dataclass(frozen=True)
class Invocation:
    """One capability invocation."""

    index: int
    capability: str
    config: Any
    checkpoint: bool
    where: Located


@dataclass(frozen=True)
class Spec:
    """A composition that deserialized."""

    name: str | None
    outcome: Outcome
    invocations: tuple[Invocation, ...]
    where: Located


_HINTS = {
    "outcome": "add `outcome:` with `description:` and `output_schema:`",
    "invocations": "add `invocations:`, a list of `{capability: ..., config: ...}`",
    "description": "add `description:`, one sentence saying what the composition achieves",
    "output_schema": "add `output_schema:`, the JSON Schema of what the composition returns",
    "capability": "add `capability:` (transform, validate, assert, acquire, persist or emit)",
    "config": "add `config:`, the capability's settings (use `config: {}` for none)",
}


class _Reader:
    def __init__(self) -> None:
        self.problems: list[ParseProblem] = []

    def fail(
        self, message: str, pointer: str, *, key: bool = False, hint: str | None = None
    ) -> None:
        self.problems.append(ParseProblem(message, pointer, key, hint))

    def struct(
        self,
        value: Any,
        pointer: str,
        name: str,
        fields: dict[str, Callable[[Any, str], Any]],
        defaults: dict[str, Any],
    ) -> tuple[dict[str, Any], Located] | None:
        """Read ``value`` as struct ``name``; ``None`` (problems recorded) when it does not."""
        pairs: list[tuple[str, Any, str]] = []
        short = False
        if isinstance(value, dict):
            pairs = [(k, v, f"{pointer}/{escape_pointer(k)}") for k, v in value.items()]
        elif isinstance(value, list):
            names = list(fields)
            if len(value) > len(names):
                self.fail(f"invalid length {len(value)}, expected fewer elements in array", pointer)
                return None
            pairs = [(names[i], item, f"{pointer}/{i}") for i, item in enumerate(value)]
            short = any(n not in defaults for n in names[len(value) :])
        else:
            self.fail(f"invalid type: {unexpected(value)}, expected struct {name}", pointer)
            return None
        out: dict[str, Any] = {}
        where = Located(pointer)
        ok = True
        if short:
            # serde reads the elements that are there before it finds the list short
            names = list(fields)
            self.fail(
                f"invalid length {len(value)}, expected struct {name} with {len(names)} elements",
                pointer,
                hint=f"write {name} as a mapping with keys " + ", ".join(names),
            )
            ok = False
        for key, item, at in pairs:
            reader = fields.get(key)
            if reader is None:
                continue  # serde ignores unknown keys here
            where.pointers[key] = at
            read = reader(item, at)
            if read is _BAD:
                ok = False
            else:
                out[key] = read
        for key in fields:
            if key not in where.pointers:
                if key in defaults:
                    out[key] = defaults[key]
                elif isinstance(value, dict):  # a short list is reported above
                    self.fail(f"missing field `{key}`", pointer, key=True, hint=_HINTS.get(key))
                    ok = False
        return (out, where) if ok else None

    # -- leaf readers ---------------------------------------------------------
    def string(self, value: Any, pointer: str) -> Any:
        if isinstance(value, str):
            return value
        self.fail(f"invalid type: {unexpected(value)}, expected a string", pointer)
        return _BAD

    def optional_string(self, value: Any, pointer: str) -> Any:
        return None if value is None else self.string(value, pointer)

    def boolean(self, value: Any, pointer: str) -> Any:
        if isinstance(value, bool):
            return value
        self.fail(
            f"invalid type: {unexpected(value)}, expected a boolean",
            pointer,
            hint="write true or false, unquoted",
        )
        return _BAD

    @staticmethod
    def any_value(value: Any, pointer: str) -> Any:
        return value

    # -- the structs ------------------------------------------------------------
    def outcome(self, value: Any, pointer: str) -> Any:
        read = self.struct(
            value,
            pointer,
            "OutcomeDeclaration",
            {"description": self.string, "output_schema": self.any_value},
            {},
        )
        if read is None:
            return _BAD
        data, where = read
        return Outcome(data["description"], data["output_schema"], where)

    def invocations(self, value: Any, pointer: str) -> Any:
        if not isinstance(value, list):
            self.fail(f"invalid type: {unexpected(value)}, expected a sequence", pointer)
            return _BAD
        items = [self.invocation(item, f"{pointer}/{i}", i) for i, item in enumerate(value)]
        if any(item is _BAD for item in items):
            return _BAD
        return tuple(items)

    def invocation(self, value: Any, pointer: str, index: int) -> Any:
        read = self.struct(
            value,
            pointer,
            "CapabilityInvocation",
            {"capability": self.string, "config": self.any_value, "checkpoint": self.boolean},
            {"checkpoint": False},
        )
        if read is None:
            return _BAD
        data, where = read
        return Invocation(index, data["capability"], data["config"], data["checkpoint"], where)


_BAD: Any = object()


def read_spec(value: Any, pointer: str) -> Spec | list[ParseProblem]:
    """The composition at ``pointer`` as a :class:`Spec`, or every reason it does not read."""
    reader = _Reader()
    read = reader.struct(
        value,
        pointer,
        "CompositionSpec",
        {
            "name": reader.optional_string,
            "outcome": reader.outcome,
            "invocations": reader.invocations,
        },
        {"name": None},
    )
    if read is None:
        return reader.problems
    data, where = read
    return Spec(data["name"], data["outcome"], data["invocations"], where)


def unexpected(value: Any) -> str:
    """How serde_json names a JSON value in ``invalid type`` messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean `{str(value).lower()}`"
    if isinstance(value, int):
        return f"integer `{value}`"
    if isinstance(value, float):
        return f"floating point `{value!r}`"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'string "{shown}"'
    if isinstance(value, list):
        return "sequence"
    return "map"
