"""Reading task-template YAML safely into a node tree that keeps every position.

PyYAML's ``safe_load`` is not what the real system does: it applies YAML 1.1
typing (``yes`` is a boolean), silently keeps the last of two equal keys and
applies ``<<`` merges, none of which serde_yaml 0.9 does. So this module only
*parses*: it turns the parser's event stream (libyaml when available) into
:class:`Scalar`, :class:`Mapping` and :class:`Sequence` nodes that keep the raw
text, whether a scalar was plain or quoted, explicit tags, every key (also
duplicates) and 1-based line/column. Typing happens later, field by field, in
:mod:`tasker_ctl.validation.serde`.

Limits (each produces one finding and stops reading the file, never a hang or a
traceback):

* files larger than :data:`MAX_FILE_BYTES` (10 MiB; real templates are a few KB);
* bytes that are not UTF-8 text (a NUL byte or invalid UTF-8: binary files);
* nesting deeper than :data:`MAX_DEPTH` (128, serde_yaml's recursion limit);
* aliases that expand to more than :data:`MAX_EXPANDED_NODES` nodes (alias
  bombs such as "billion laughs") or that refer to themselves (a document
  without aliases has no node limit beyond the file size, like serde_yaml);
* more than one YAML document (serde_yaml rejects it), an empty file, a root
  that is not a mapping.
"""

from __future__ import annotations

import errno
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tasker_ctl.errors import byte_position
from tasker_ctl.validation.yaml_nodes import Mapping, Node, Scalar, Sequence, height, relocated

__all__ = [
    "Document",
    "LoadProblem",
    "Mapping",
    "Node",
    "NotRegularFileError",
    "Scalar",
    "Sequence",
    "parse_document",
    "read_document",
]

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 128
MAX_EXPANDED_NODES = 200_000


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """Why a file could not be read as one YAML mapping."""

    rule_id: str
    message: str
    line: int | None = None
    column: int | None = None
    hint: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """The outcome of reading a file: a root mapping, or the problem that stopped it."""

    root: Mapping | None
    problem: LoadProblem | None = None


class NotRegularFileError(OSError):
    """The path is a FIFO, a device or a socket: reading it could block or never end."""


def read_document(path: Path) -> Document:
    """Read ``path`` into a node tree. ``OSError`` propagates (a usage error for the CLI).

    Only regular files are opened (a FIFO would block, ``/dev/zero`` never ends),
    and at most :data:`MAX_FILE_BYTES` + 1 bytes are read whatever the size
    ``stat`` reports (``/proc`` files report 0).
    """
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFileError(errno.EINVAL, "not a regular file", str(path))
    size = info.st_size
    if size <= MAX_FILE_BYTES:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
        size = len(raw)
    if size > MAX_FILE_BYTES:
        return Document(
            None,
            LoadProblem(
                "FILE_TOO_LARGE",
                f"file is {size / 1048576:.1f} MiB; task templates are limited to "
                f"{MAX_FILE_BYTES // 1048576} MiB",
                hint="is this really a task template? split it or exclude it from the paths",
            ),
        )
    return parse_document(raw)


def parse_document(raw: bytes) -> Document:
    """Parse bytes (already read) into a node tree."""
    text, problem = _decode(raw)
    if problem is not None:
        return Document(None, problem)
    assert text is not None
    try:
        return _Composer(text).compose()
    except _Stop as stop:
        return Document(None, stop.problem)


def _decode(raw: bytes) -> tuple[str | None, LoadProblem | None]:
    nul = raw.find(b"\x00")
    if nul != -1:
        return None, LoadProblem(
            "INVALID_ENCODING",
            f"file contains a NUL byte at offset {nul}: it is binary (or UTF-16/32), "
            "not UTF-8 text",
            hint="task templates must be UTF-8 text; the real loader reads them as UTF-8",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = byte_position(raw, exc.start)
        return None, LoadProblem(
            "INVALID_ENCODING",
            f"invalid UTF-8 byte 0x{raw[exc.start]:02x} at offset {exc.start}",
            line,
            column,
            hint="save the file as UTF-8; the real loader rejects anything else",
        )
    return text.removeprefix("\ufeff"), None


class _Stop(Exception):
    def __init__(self, problem: LoadProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _make_parser(text: str) -> Any:
    try:
        from yaml._yaml import CParser

        return CParser(text)
    except ImportError:  # pragma: no cover - PyYAML built without libyaml
        from yaml.parser import Parser
        from yaml.reader import Reader
        from yaml.scanner import Scanner

        class _PyParser(Reader, Scanner, Parser):
            def __init__(self, stream: str) -> None:
                Reader.__init__(self, stream)
                Scanner.__init__(self)
                Parser.__init__(self)

        return _PyParser(text)


class _Composer:
    """Builds nodes from parser events iteratively (no recursion, bounded work)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.parser = _make_parser(text)
        self.anchors: dict[str, Node] = {}
        self.open_anchors: set[str] = set()
        self.from_aliases = 0
        # open containers: (node, pending key or nothing, anchor)
        self.stack: list[tuple[Any, list[Node], str | None]] = []

    def compose(self) -> Document:
        import yaml

        try:
            return self._compose(yaml)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            message = " ".join(p for p in (exc.context, exc.problem) if p) or str(exc)
            hint = "fix the YAML syntax; the real loader rejects the whole file"
            if mark is not None and self._char_at(mark.line, mark.column) == "\t":
                message = "a tab character where YAML expects spaces (" + message + ")"
                hint = "YAML forbids tabs for indentation: indent with spaces"
            raise _Stop(
                LoadProblem(
                    "INVALID_YAML",
                    f"YAML syntax error: {message}",
                    mark.line + 1 if mark else None,
                    mark.column + 1 if mark else None,
                    hint=hint,
                )
            ) from None
        except yaml.YAMLError as exc:
            raise _Stop(LoadProblem("INVALID_YAML", f"YAML error: {exc}")) from None

    def _char_at(self, line: int, column: int) -> str:
        lines = self.text.splitlines()
        if 0 <= line < len(lines) and 0 <= column < len(lines[line]):
            return lines[line][column]
        return ""

    def _compose(self, yaml: Any) -> Document:
        parser = self.parser
        root: Node | None = None
        documents = 0
        while True:
            event = parser.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                break
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    mark = event.start_mark
                    raise _Stop(
                        LoadProblem(
                            "MULTIPLE_DOCUMENTS",
                            "file holds more than one YAML document; the real loader "
                            "accepts exactly one",
                            mark.line + 1,
                            mark.column + 1,
                            hint="put each task template in its own file",
                        )
                    )
                root = self._compose_node(yaml)
                parser.get_event()  # DocumentEndEvent
        if root is None or (isinstance(root, Scalar) and root.is_null):
            raise _Stop(
                LoadProblem(
                    "NOT_A_MAPPING",
                    "file is empty: a task template is a mapping with at least "
                    "name, namespace_name and version",
                    1,
                    1,
                )
            )
        if not isinstance(root, Mapping):
            kind = "a sequence" if isinstance(root, Sequence) else "a scalar"
            raise _Stop(
                LoadProblem(
                    "NOT_A_MAPPING",
                    f"the document is {kind}; a task template must be a mapping",
                    root.line,
                    root.column,
                )
            )
        return Document(root)

    def _compose_node(self, yaml: Any) -> Node:
        # The hot loop of every lint (one turn per YAML event): dispatch on the event's
        # exact type and attach children inline. ``sizes`` counts each open container's
        # nodes (what an alias to it would expand to).
        get_event = self.parser.get_event
        stack = self.stack
        anchors = self.anchors
        scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
        mapping_start, sequence_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
        while True:
            event = get_event()
            kind = type(event)
            node: Node
            size = 1
            if kind is scalar_event:
                mark = event.start_mark
                tag = event.tag
                style = event.style
                node = Scalar(
                    mark.line + 1,
                    mark.column + 1,
                    None if tag is None or tag == "!" else tag,
                    event.value,
                    style is None or style == "",
                )
                if event.anchor:
                    anchors[event.anchor] = node
            elif kind is mapping_start or kind is sequence_start:
                mark = event.start_mark
                tag = _tag(event.tag)
                container: Mapping | Sequence = (
                    Mapping(mark.line + 1, mark.column + 1, tag)
                    if kind is mapping_start
                    else Sequence(mark.line + 1, mark.column + 1, tag)
                )
                if len(stack) >= MAX_DEPTH:
                    raise _Stop(self._too_deep(mark))
                if event.anchor:
                    self.open_anchors.add(event.anchor)
                stack.append((container, [], event.anchor))
                continue
            elif kind is alias_event:
                node = self._alias(event)
                if isinstance(node, Mapping | Sequence):
                    size = node.size
            else:  # MappingEndEvent / SequenceEndEvent
                done, _pending, anchor = stack.pop()
                if anchor:
                    self.open_anchors.discard(anchor)
                    anchors[anchor] = done
                node = done
                size = done.size
            if not stack:
                return node
            parent, pending, _anchor = stack[-1]
            parent.size += size
            if type(parent) is Sequence:
                parent.items.append(node)
            elif pending:
                parent.pairs.append((pending.pop(), node))
            else:
                pending.append(node)

    @staticmethod
    def _too_deep(mark: Any, how: str = "") -> LoadProblem:
        return LoadProblem(
            "YAML_TOO_COMPLEX",
            f"nesting deeper than {MAX_DEPTH} levels{how}: serde_yaml's recursion limit",
            mark.line + 1,
            mark.column + 1,
        )

    def _alias(self, event: Any) -> Node:
        mark = event.start_mark
        name = event.anchor
        if name in self.open_anchors:
            raise _Stop(
                LoadProblem(
                    "YAML_TOO_COMPLEX",
                    f"alias *{name} refers to a node that contains it (a recursive alias)",
                    mark.line + 1,
                    mark.column + 1,
                )
            )
        target = self.anchors.get(name)
        if target is None:
            raise _Stop(
                LoadProblem(
                    "INVALID_YAML",
                    f"YAML syntax error: alias *{name} has no anchor &{name} before it",
                    mark.line + 1,
                    mark.column + 1,
                )
            )
        self.from_aliases += target.size if isinstance(target, Mapping | Sequence) else 1
        self._check_aliases(event)
        # aliases nest: a chain of them can be deeper than any line of the file
        if len(self.stack) + height(target) > MAX_DEPTH:
            raise _Stop(self._too_deep(mark, " through aliases"))
        return relocated(target, mark.line + 1, mark.column + 1)

    def _check_aliases(self, event: Any) -> None:
        # Plain nodes are bounded by MAX_FILE_BYTES; only what aliases add is capped
        # (serde_yaml has no node limit either: a big template is still a template).
        if self.from_aliases > MAX_EXPANDED_NODES:
            mark = event.start_mark
            raise _Stop(
                LoadProblem(
                    "YAML_TOO_COMPLEX",
                    f"the document expands to more than {MAX_EXPANDED_NODES} nodes through "
                    "aliases (an alias bomb?)",
                    mark.line + 1,
                    mark.column + 1,
                    hint="remove the anchors/aliases; task templates never need them",
                )
            )


def _tag(tag: str | None) -> str | None:
    if tag is None or tag == "!":
        return None
    return tag
