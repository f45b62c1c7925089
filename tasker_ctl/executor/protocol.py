r"""The worker protocol: what the orchestrator and a handler worker say to each other.

Tasker's orchestrator and its Python worker are separate processes; so are
``tasker-ctl run``'s executor (:mod:`.runner`) and its workers (:mod:`.worker`).
They exchange JSON objects, one per line (UTF-8, ``\\n``-terminated; JSON text
never holds a raw newline), so a worker written in another language could
speak it. Every message has an ``op``.

Orchestrator -> worker:

``load``
    ``{"op": "load", "roots": [dir...], "packages": [pkg...], "callables": [name...]}``:
    import the SDK and the handler packages. Answered by ``ready``. Test runs
    (:mod:`tasker_ctl.testing`) add ``"testing": {"stubs": {step: stub...},
    "record": path}``: each stub replaces the handler of the steps with that name
    or template step name (its JSON form is :meth:`tasker_ctl.testing.Stub.spec`:
    ``{"kind": "result" | "failure" | "checkpoint" | "sequence" | "call", ...}``),
    and the worker appends one JSON line per handler call (what the handler was
    given) to ``<record>.<pid>.jsonl``. Without the key the worker loads nothing
    of this and calls cost nothing more.
``task``
    ``{"op": "task", "task": {...}}``: the task part of every payload, sent once per
    run (it starts a new run: the worker forgets the previous one).
``definitions``
    ``{"op": "definitions", "definitions": {template_step: {...}}}``: step definitions
    as handlers see them (production overrides applied), for the steps created so
    far, sent before the first call that needs one of them.
``graph``
    ``{"op": "graph", "edges": [[parent, child], ...]}``: edges of steps just
    created; a worker computes dependency results (every completed ancestor)
    from them.
``result``
    ``{"op": "result", "step": name, "entry": {...}}``: the persisted result of a
    step that completed (sent to every worker that did not produce it).
``call``
    ``{"op": "call", "job": n, "step": name, "definition": template_step,
    "event_id": uuid, "row": {...}}``: run one handler call; ``row`` holds the
    ``workflow_step`` fields of the payload (attempts before the claim, inputs,
    results, checkpoint...). Answered by ``done``. With ``"after": m`` the call
    runs only if the worker's previous call was ``m`` and completed successfully;
    otherwise it is answered ``skipped`` (the orchestrator sends a chain's next
    step ahead this way, before it is ready, see :mod:`.runner`).
``exit``
    Finish and exit.

Worker -> orchestrator:

``ready``
    ``{"op": "ready", "pid": n, "registered": [...], "problems": [...],
    "misdecorated": {...}, "error": null}``, or an ``error`` object
    (``{"kind": "sdk" | "package", "message": ..., "hint": ...}``) when the
    handlers cannot be loaded at all.
``done``
    ``{"op": "done", "job": n, "kind": ..., ...}``: what one call produced, see
    :class:`CallOutcome`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
_DECODE = json.JSONDecoder().decode


def encode(message: dict[str, Any]) -> bytes:
    """One message as a line of UTF-8 JSON."""
    return (ENCODER.encode(message) + "\n").encode("utf-8", "surrogatepass")


def decode(line: bytes) -> dict[str, Any]:
    """One line back into a message (``ValueError`` if it is not a JSON object)."""
    message = _DECODE(line.decode("utf-8", "surrogatepass"))
    if not isinstance(message, dict):
        raise ValueError("a protocol message must be a JSON object")
    return message


_ENTRY_KEY = b',"entry":'
_DONE = b'{"op":"done",'


def decode_answer(line: bytes) -> dict[str, Any]:
    """A worker's answer; a ``done`` message's ``entry`` also comes as ``entry_text``.

    A worker writes ``entry`` last in a ``done`` message, and no key before it holds an
    object, so the first ``,"entry":`` is the key itself: the persisted result's JSON
    text is kept as it came (the orchestrator stores and forwards it as text).
    """
    at = line.find(_ENTRY_KEY) if line.startswith(_DONE) else -1
    if at < 0:  # not a done message (a ready one may hold any key, in maps of names)
        return decode(line)
    message = decode(line[:at] + b"}")
    text = line[at + len(_ENTRY_KEY) : -1]
    message["entry"] = decode_value(text)
    message["entry_text"] = text
    return message


def encode_value(value: Any) -> bytes:
    """One JSON value as UTF-8 bytes."""
    return ENCODER.encode(value).encode("utf-8", "surrogatepass")


def decode_value(text: bytes) -> Any:
    """One JSON value from UTF-8 bytes."""
    return _DECODE(text.decode("utf-8", "surrogatepass"))


def result_line(step: str, entry_text: bytes) -> bytes:
    """The ``result`` message for ``step``, its entry embedded as the JSON text it came in."""
    return b'{"op":"result","step":%s,"entry":%s}\n' % (
        ENCODER.encode(step).encode("utf-8", "surrogatepass"),
        entry_text,
    )


class LineReader:
    """Splits bytes read from a pipe into complete lines.

    A long line (the ``task`` message of a 10,000-step run is megabytes) comes in
    many reads: its pieces are kept in a list and joined once, when its newline
    arrives, rather than concatenated read by read (quadratic in the line's length).
    """

    __slots__ = ("_parts",)

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def feed(self, data: bytes) -> list[bytes]:
        """Add ``data``; return the lines it completed (without their newline)."""
        if b"\n" not in data:
            if data:
                self._parts.append(data)
            return []
        if self._parts:
            self._parts.append(data)
            data = b"".join(self._parts)
            self._parts = []
        lines = data.split(b"\n")
        rest = lines.pop()
        if rest:
            self._parts.append(rest)
        return lines


# kinds of a ``done`` message
COMPLETION = "completion"
"""The handler returned a ``StepHandlerResult``: ``entry`` is what the worker submits."""
CHECKPOINT = "checkpoint"
"""The handler yielded a checkpoint: ``cursor``, ``items_processed``, ``accumulated_results``."""
INVALID_RESULT = "invalid_result"
"""The handler returned something else (``returned`` names its type)."""
ESCAPED = "escaped"
SKIPPED = "skipped"
"""A call sent ``after`` another one that did not succeed: it was not run."""
"""A ``BaseException`` that the SDK does not catch (``SystemExit``...) left the handler."""


@dataclass(slots=True)
class CallOutcome:
    """A ``done`` message, typed: what came back from one handler call."""

    job: int
    kind: str
    handler_name: str
    found: bool = True
    entry: dict[str, Any] | None = None
    serialization_error: str | None = None
    converted: bool = False
    retry_after_s: float | None = None
    exception_type: str | None = None
    permanent_error_raised: bool = False
    location: str | None = None
    handler_ms: float = 0.0
    source_line: str | None = None
    """The source text at ``location``."""
    traceback: str | None = None
    """The handler's traceback, SDK frames folded (``invoke.fold_traceback``)."""
    returned: str | None = None
    checkpoint: dict[str, Any] | None = None
    checkpoint_problem: str | None = None
    """Why Rust cannot take the checkpoint (``cursor: unsupported type datetime``)."""
    checkpoint_error: str | None = None
    """The error the SDK's checkpoint call raises for it."""
    escaped: str | None = None
    entry_text: bytes | None = None
    """``entry`` as the JSON text the worker wrote (see :func:`decode_answer`)."""

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> CallOutcome:
        """Read a ``done`` message (unknown keys are ignored)."""
        fields = {k: v for k, v in message.items() if k in _OUTCOME_FIELDS}
        return cls(**fields)


_OUTCOME_FIELDS = frozenset(CallOutcome.__dataclass_fields__)
