"""Hypothesis: adding and removing remotes keeps every other byte of the configuration.

Documents are generated as text, with the freedom users take: comments on their
own lines and after values, blank lines, bare and quoted keys, basic, literal and
multi-line strings, arrays, inline tables, tables, and remotes already present
(as ``[[remotes]]`` tables or an inline array).
"""

from __future__ import annotations

import tomllib
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasker_ctl.remotes.config_edit import add_remote_text, remove_remote_text
from tasker_ctl.remotes.model import RemoteConfig

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

bare_keys = st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True).filter(
    lambda k: k not in {"remotes", "cli"}
)
text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=12)


def basic_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


values = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.booleans().map(lambda b: "true" if b else "false"),
    text.map(basic_string),
    text.filter(lambda s: "'" not in s).map(lambda s: f"'{s}'"),
    text.filter(lambda s: '"""' not in s and not s.endswith('"') and "\\" not in s).map(
        lambda s: f'"""\n{s}\n"""'
    ),
    st.lists(st.integers(0, 99).map(str), max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
    st.dictionaries(bare_keys, st.integers(0, 9).map(str), max_size=2).map(
        lambda d: "{ " + ", ".join(f"{k} = {v}" for k, v in d.items()) + " }"
    ),
)
comments = st.sampled_from(["", "", "  # note", " #", "\t# tab # hash"])
spacers = st.sampled_from(["", "", "\n", "# a comment line\n", "\n# spaced\n\n"])


@st.composite
def key_values(draw: st.DrawFn) -> str:
    keys = draw(st.lists(bare_keys, unique=True, max_size=4))
    lines = []
    for key in keys:
        shown = draw(st.sampled_from([key, f'"{key}"', f"'{key}'"]))
        lines.append(draw(spacers) + f"{shown} = {draw(values)}{draw(comments)}\n")
    return "".join(lines)


def remote_entry(header: str, index: int, ref: str | None) -> str:
    extra = f'git-ref = "{ref}"\n' if ref else ""
    return f'[[{header}]]\nname = "old{index}"\nurl = "file:///srv/{index}"\n{extra}'


@st.composite
def documents(draw: st.DrawFn, unified: bool) -> str:
    parts = [draw(spacers), draw(key_values())]
    if unified:
        parts.append("[profile.default]\n" + draw(key_values()))
        parts.append(draw(spacers) + "[cli]" + draw(comments) + "\n" + draw(key_values()))
    tables = ["tbl" + k for k in draw(st.lists(bare_keys, unique=True, max_size=3))]
    prefix = "cli." if unified else ""
    header = f"{prefix}remotes"
    count = draw(st.integers(0, 3))
    inline = count > 0 and draw(st.booleans())
    if inline:
        entries = ", ".join(f'{{ name = "old{i}", url = "file:///srv/{i}" }}' for i in range(count))
        parts.insert(2 if unified else 1, f"remotes = [{entries}]\n")
    for position, table in enumerate(tables):
        parts.append(draw(spacers) + f"[{prefix}{table}]{draw(comments)}\n" + draw(key_values()))
        if not inline and position == 0 and count:
            for i in range(count):
                parts.append("\n" + remote_entry(header, i, draw(st.none() | st.just("v1"))))
    if not inline and count and not tables:
        parts.extend("\n" + remote_entry(header, i, None) for i in range(count))
    document = "".join(parts)
    return document if document.endswith("\n") or not document else document + "\n"


remotes = st.builds(
    RemoteConfig,
    name=st.from_regex(r"new[a-z0-9_.-]{0,6}", fullmatch=True),
    url=st.sampled_from(["https://example.com/x.git", "file:///tmp/a b", 'ssh://h/"q"']),
    git_ref=st.sampled_from(["main", "v1.2", "feature/x"]),
    config_path=st.sampled_from(["config/tasker/", "conf"]),
    plugin_path=st.none() | st.sampled_from(["plugins", "a/b"]),
)


def remotes_of(data: dict[str, Any], unified: bool) -> list[dict[str, Any]]:
    holder = data.get("cli", {}) if unified else data
    return list(holder.get("remotes", []))


def without_remotes(data: dict[str, Any], unified: bool) -> dict[str, Any]:
    copy = dict(data)
    if unified:
        copy["cli"] = {k: v for k, v in copy.get("cli", {}).items() if k != "remotes"}
    else:
        copy.pop("remotes", None)
    return copy


def expected_entry(remote: RemoteConfig) -> dict[str, str]:
    entry = {"name": remote.name, "url": remote.url}
    if remote.git_ref != "main":
        entry["git-ref"] = remote.git_ref
    if remote.config_path != "config/tasker/":
        entry["config-path"] = remote.config_path
    if remote.plugin_path is not None:
        entry["plugin-path"] = remote.plugin_path
    return entry


@st.composite
def cases(draw: st.DrawFn) -> tuple[bool, str, RemoteConfig]:
    unified = draw(st.booleans())
    document = draw(documents(unified))
    if draw(st.integers(0, 4)) == 0:  # a file saved with Windows line endings
        document = document.replace("\n", "\r\n")
    return unified, document, draw(remotes)


@SETTINGS
@given(cases())
def test_add_then_remove_gives_the_document_back(case: tuple[bool, str, RemoteConfig]) -> None:
    unified, document, remote = case
    before = tomllib.loads(document)
    added = add_remote_text(document, remote, unified=unified)
    after = tomllib.loads(added)
    assert without_remotes(after, unified) == without_remotes(before, unified)
    assert remotes_of(after, unified) == [*remotes_of(before, unified), expected_entry(remote)]
    if not remotes_of(before, unified):
        assert added.startswith(document)  # a new key is appended; nothing else moves
    assert remove_remote_text(added, remote.name, unified=unified) == document


@SETTINGS
@given(cases(), st.integers(0, 2))
def test_removing_a_remote_keeps_the_other_lines(
    case: tuple[bool, str, RemoteConfig], which: int
) -> None:
    unified, document, _ = case
    before = tomllib.loads(document)
    names = [r["name"] for r in remotes_of(before, unified)]
    if not names:
        return
    name = names[which % len(names)]
    removed = remove_remote_text(document, name, unified=unified)
    after = tomllib.loads(removed)
    assert without_remotes(after, unified) == without_remotes(before, unified)
    assert [r["name"] for r in remotes_of(after, unified)] == [n for n in names if n != name]
    # every line left was in the document, in the same order
    remaining = iter(document.splitlines())
    for line in removed.splitlines():
        if "{" in line and "old" in line:
            continue  # an inline array of remotes is rewritten on its own line
        assert any(line == candidate for candidate in remaining), line
