"""Adding and removing ``[[remotes]]`` in a configuration file, keeping everything else.

The file is edited with tomlkit (a maintained, style-preserving TOML library:
comments, blank lines, quoting and key order outside the changed entry are kept
byte for byte) and written atomically (a temporary file in the same directory,
then a rename), so an interrupted edit never leaves half a file.

In ``.config/tasker.toml`` the entries live under ``[cli]`` (``[[cli.remotes]]``);
in ``.tasker-ctl.toml`` at the top level (``[[remotes]]``). As the real tool does,
``git-ref`` and ``config-path`` are written only when they differ from their
defaults, and removing the last remote removes the key.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import ParseError, TOMLKitError
from tomlkit.items import AoT, Array, InlineTable, Table

from tasker_ctl.errors import ConfigError, Location
from tasker_ctl.remotes.model import DEFAULT_CONFIG_PATH, DEFAULT_GIT_REF, RemoteConfig

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\- \"']+?)\s*\]\]?\s*(#.*)?$")


def _container(doc: tomlkit.TOMLDocument, unified: bool, path: Path | None) -> Any:
    """The table that holds ``remotes`` (the document, or its ``[cli]`` table)."""
    if not unified:
        return doc
    cli = doc.get("cli")
    if cli is None:
        cli = tomlkit.table()
        doc.append("cli", cli)
        return doc["cli"]
    if not isinstance(cli, Table | InlineTable):
        raise ConfigError("'cli' must be a table", location=Location(path or "<config>"))
    return cli


def _parse(text: str, path: Path | None) -> tomlkit.TOMLDocument:
    try:
        return tomlkit.parse(text)
    except ParseError as exc:
        raise ConfigError(
            f"invalid TOML: {exc}",
            location=Location(path or "<config>", exc.line, exc.col),
            hint="fix the syntax of the configuration file first",
        ) from exc
    except TOMLKitError as exc:
        raise ConfigError(f"invalid TOML: {exc}", location=Location(path or "<config>")) from exc


def _entry_fields(remote: RemoteConfig) -> list[tuple[str, str]]:
    fields = [("name", remote.name), ("url", remote.url)]
    if remote.git_ref != DEFAULT_GIT_REF:
        fields.append(("git-ref", remote.git_ref))
    if remote.config_path != DEFAULT_CONFIG_PATH:
        fields.append(("config-path", remote.config_path))
    if remote.plugin_path is not None:
        fields.append(("plugin-path", remote.plugin_path))
    return fields


def _names(entries: Any) -> list[object]:
    return [e.get("name") if isinstance(e, dict) else None for e in entries]


def add_remote_text(
    text: str, remote: RemoteConfig, *, unified: bool, path: Path | None = None
) -> str:
    """``text`` with a remote entry appended; refuses a name that is already there."""
    doc = _parse(text, path)
    container = _container(doc, unified, path)
    where = Location(path or "<config>")
    if unified and isinstance(container, InlineTable):
        raise ConfigError(
            "'cli' is an inline table; write it as a [cli] table to add remotes", location=where
        )
    existing = container.get("remotes")
    key = "cli.remotes" if unified else "remotes"
    if existing is not None and remote.name in _names(existing):
        raise ConfigError(
            f"remote '{remote.name}' already exists in the configuration",
            location=where,
            hint=f"remove it first with 'tasker-ctl remote remove {remote.name}'",
        )
    if existing is None:
        # A new key: append the entry as text at the end of the file. Its header is
        # absolute ([[remotes]] or [[cli.remotes]]), so it is valid after any table,
        # and the rest of the file is untouched by construction.
        newline = "\r\n" if "\r\n" in text else "\n"
        rendered = _render_entry(remote, unified, newline)
        if not text:
            return rendered
        return text + (newline if text.endswith("\n") else newline * 2) + rendered
    if isinstance(existing, AoT):
        # as text after the last entry, in the file's line endings, when that reads right
        inserted = _insert_entry_lines(text, key, remote, unified)
        if inserted is not None and _same_with(text, inserted, unified, remote):
            return inserted
        table = tomlkit.table()
        for name, value in _entry_fields(remote):
            table.add(name, value)
        last = existing[-1] if len(existing) else None
        if last is not None and last.value.body and last.value.body[-1][0] is None:
            # the last entry ends in blank lines that separate it from what follows
            table.add(tomlkit.nl())
        existing.append(table)
    elif isinstance(existing, Array):
        inline = tomlkit.inline_table()
        for name, value in _entry_fields(remote):
            inline.append(name, value)
        existing.append(inline)
    else:
        raise ConfigError(f"'{key}' must be an array of tables ([[{key}]])", location=where)
    return doc.as_string()


def remove_remote_text(text: str, name: str, *, unified: bool, path: Path | None = None) -> str:
    """``text`` without the remote called ``name``; raises if there is none.

    Removing the last remote removes the key; when its entries ended the file, the
    blank line that :func:`add_remote_text` put before them goes too, so removing
    what was added gives the original text back.
    """
    doc = _parse(text, path)
    container: Any = doc
    if unified:
        container = doc.get("cli")
    existing = container.get("remotes") if isinstance(container, dict) else None
    names = _names(existing) if isinstance(existing, AoT | Array) else []
    if name not in names:
        raise ConfigError(
            f"remote '{name}' is not in the configuration",
            location=Location(path or "<config>"),
            hint="run 'tasker-ctl remote list' to see the configured remotes",
        )
    assert existing is not None
    index = names.index(name)
    if isinstance(existing, AoT):
        edited = _remove_entry_lines(text, "cli.remotes" if unified else "remotes", index)
        if edited is not None and _same_without(text, edited, unified, index):
            return edited
    if len(names) > 1:
        if isinstance(existing, AoT):
            existing.remove(existing[index])
        else:
            del existing[index]
        return doc.as_string()
    tail = _tail_block(text, "cli.remotes" if unified else "remotes")
    if tail is not None and isinstance(existing, AoT):
        kept = text[:tail]
        newline = "\r\n" if kept.endswith("\r\n") else "\n"
        return kept[: -len(newline)] if kept.endswith(newline * 2) else kept
    del container["remotes"]
    return doc.as_string()


def _render_entry(remote: RemoteConfig, unified: bool, newline: str) -> str:
    """The ``[[remotes]]`` (or ``[[cli.remotes]]``) table of ``remote`` as text."""
    block = tomlkit.aot()
    entry = tomlkit.table()
    for name, value in _entry_fields(remote):
        entry.add(name, value)
    block.append(entry)
    rendered = tomlkit.dumps({"cli": {"remotes": block}} if unified else {"remotes": block})
    return rendered[rendered.index("[[") :].replace("\n", newline)


def _entry_span(lines: list[str], key: str, index: int) -> tuple[int, int] | None:
    """The lines of the ``index``-th ``[[key]]`` entry (``-1``: the last one): [start, end).

    The entry is its header and the lines up to its last value, with the comment
    lines right under it; comments after a blank line are not part of it.
    """
    headers = [n for n, line in enumerate(lines) if _HEADER.match(line)]
    entries = [n for n in headers if _is_entry_header(lines[n], key)]
    if not -len(entries) <= index < len(entries):
        return None
    start = entries[index]
    stop = next((n for n in headers if n > start), len(lines))
    end = max(
        (n + 1 for n in range(start, stop) if lines[n].strip() and not _is_comment(lines[n])),
        default=start + 1,
    )
    while end < stop and lines[end].strip():
        end += 1  # comment lines attached to the entry's last value
    return start, end


def _insert_entry_lines(text: str, key: str, remote: RemoteConfig, unified: bool) -> str | None:
    """``text`` with ``remote``'s entry right after the last ``[[key]]`` entry, or ``None``."""
    lines = text.splitlines(keepends=True)
    span = _entry_span(lines, key, -1)
    if span is None:
        return None
    start, end = span
    newline = "\r\n" if "\r\n" in text else "\n"
    before, after = lines[:end], lines[end:]
    if not before[-1].endswith("\n"):
        before[-1] += newline
    # a blank line before the new entry when one separates the last entry from what follows
    spaced = bool(after) and not after[0].strip()
    if not after:
        spaced = start > 0 and not lines[start - 1].strip()
    return (
        "".join(before)
        + (newline if spaced else "")
        + _render_entry(remote, unified, newline)
        + "".join(after)
    )


def _same_with(text: str, edited: str, unified: bool, remote: RemoteConfig) -> bool:
    """Whether ``edited`` reads as ``text`` with ``remote`` appended to its remotes."""
    import tomllib

    try:
        before, after = tomllib.loads(text), tomllib.loads(edited)
    except tomllib.TOMLDecodeError:
        return False
    holder = before.get("cli", {}) if unified else before
    holder["remotes"].append(dict(_entry_fields(remote)))
    return before == after


def _remove_entry_lines(text: str, key: str, index: int) -> str | None:
    """``text`` without the lines of the ``index``-th ``[[key]]`` entry, or ``None``.

    Comments after a blank line at the entry's end are the user's notes about what
    follows (or about the file) and stay, as does everything else.
    """
    lines = text.splitlines(keepends=True)
    span = _entry_span(lines, key, index)
    if span is None:
        return None
    before, after = lines[: span[0]], lines[span[1] :]
    if before and not before[-1].strip() and (not after or not after[0].strip()):
        before = before[:-1]  # the blank line that separated the entry from what preceded it
    return "".join(before + after)


def _is_entry_header(line: str, key: str) -> bool:
    header = _HEADER.match(line)
    return header is not None and header.group(1) == "[[" and _key_of(header) == key


def _key_of(header: re.Match[str]) -> str:
    return header.group(2).replace(" ", "")


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _same_without(text: str, edited: str, unified: bool, index: int) -> bool:
    """Whether ``edited`` reads as ``text`` with remote number ``index`` removed."""
    import tomllib

    try:
        before, after = tomllib.loads(text), tomllib.loads(edited)
    except tomllib.TOMLDecodeError:
        return False
    holder = before.get("cli", {}) if unified else before
    remotes = holder["remotes"]
    del remotes[index]
    if not remotes:
        del holder["remotes"]
    return before == after


def _tail_block(text: str, key: str) -> int | None:
    """Where the run of ``[[key]]`` entries that ends the file starts, if it does."""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    start = None
    for number, line in enumerate(lines):
        header = _HEADER.match(line)
        if header is None:
            continue
        if header.group(1) == "[[" and _key_of(header) == key:
            if start is None:
                start = offsets[number]
        else:
            start = None
    return start


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one rename, keeping its permissions.

    A symbolic link (a configuration kept with the user's dotfiles) stays a link:
    the file it points to is the one replaced.
    """
    shown = path
    path = Path(os.path.realpath(path))
    directory = path.parent
    try:
        mode = path.stat().st_mode & 0o7777 if path.exists() else None
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise ConfigError(
            f"cannot write the configuration: {exc}", location=Location(shown)
        ) from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            Path(temp).chmod(mode)
        Path(temp).replace(path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise ConfigError(
            f"cannot write the configuration: {exc}", location=Location(shown)
        ) from exc
    except BaseException:  # Ctrl-C while writing: no temporary file left beside the config
        Path(temp).unlink(missing_ok=True)
        raise


def read_text(path: Path) -> str:
    """The file's text ('' if it does not exist yet)."""
    if path.exists() and not path.is_file():  # a directory, or a FIFO that would block
        raise ConfigError(
            f"{path.name} is not a regular file; nothing was written",
            location=Location(path),
            hint="the configuration must be a TOML file: remove or rename what is there",
        )
    try:
        # bytes, then text: read_text would turn Windows line endings into '\n'
        return path.read_bytes().decode("utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the file: {exc}", location=Location(path)) from exc


def create_exclusively(path: Path, text: str) -> None:
    """Write a new file ``path`` in one step; refuse if it already exists."""
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise ConfigError(f"cannot write the file: {exc}", location=Location(path)) from exc
    try:
        os.link(temp, path)
    except FileExistsError as exc:
        raise ConfigError(
            f"{path.name} already exists; nothing was written", location=Location(path)
        ) from exc
    except OSError as exc:
        raise ConfigError(f"cannot write the file: {exc}", location=Location(path)) from exc
    finally:
        Path(temp).unlink(missing_ok=True)
