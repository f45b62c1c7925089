"""Remotes met the way users and CI meet them: hostile repositories, damaged caches,
parallel jobs and hand-edited configuration files.

Every repository is a real git repository made in the test (``tests/remotes/conftest.py``)
and tasker-ctl runs as a subprocess, except where several processes must race on one
cache (``multiprocessing`` around :mod:`tasker_ctl.remotes.cache`).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tasker_ctl.remotes import cache
from tasker_ctl.remotes.config_edit import add_remote_text, remove_remote_text
from tasker_ctl.remotes.git import RemoteError, fetch_ref
from tasker_ctl.remotes.model import RemoteConfig
from tests.remotes.conftest import GitRepo, Run, git, plugin_files
from tests.remotes.test_config_edit_properties import documents, remotes


def test_a_url_that_is_not_a_repository_is_named_as_such(run: Run, tmp_path: Path) -> None:
    plain = tmp_path / "just-files"
    plain.mkdir()
    (plain / "README").write_text("not a repository\n")
    assert run("remote", "add", "plain", plain.as_uri()).returncode == 0

    result = run("remote", "update", "plain")
    assert result.returncode == 2
    # git's cause, not the generic paragraph it ends with
    assert "does not appear to be a git repository" in result.stderr
    assert "Please make sure" not in result.stderr
    assert "exists.;" not in result.stderr


def test_a_damaged_cache_is_fetched_again_not_blamed_on_the_configuration(
    run: Run, make_repo: Callable[[str], GitRepo]
) -> None:
    repo = make_repo("demo")
    repo.commit(plugin_files())
    run("remote", "add", "demo", repo.url, "--plugin-path", "plugins")
    assert run("remote", "update").returncode == 0
    checkout = run.cache / "remotes" / "demo"
    for child in checkout.iterdir():  # emptied by a clean-up script or an interrupted rm -rf
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()

    listed = run("remote", "list", "--format", "json")
    [row] = json.loads(listed.stdout)
    assert row["cached"] is False and row["damaged"] is True
    assert "cache damaged" in run("remote", "list").stdout

    result = run("template", "list", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "plugin-path 'plugins' does not exist" not in result.stderr
    assert "fetched 'main'" in result.stderr
    assert "demo" in {t["source"] for t in json.loads(result.stdout)}
    assert (checkout / ".git").is_dir()


def test_a_file_where_the_cache_should_be_is_replaced_and_removable(
    run: Run, make_repo: Callable[[str], GitRepo]
) -> None:
    repo = make_repo("demo")
    repo.commit(plugin_files())
    run("remote", "add", "demo", repo.url, "--plugin-path", "plugins")
    (run.cache / "remotes").mkdir(parents=True)
    (run.cache / "remotes" / "demo").write_text("junk")
    removed = run("remote", "remove", "demo")
    assert removed.returncode == 0, removed.stderr
    assert "and its cache" in removed.stdout
    assert not (run.cache / "remotes" / "demo").exists()


def _fetch_in_turn(url: str, cache_root: str, log: str, first_use: bool) -> str | None:
    """One of several processes fetching the same remote at once (see the test below)."""
    os.environ[cache.CACHE_DIR_ENV] = cache_root
    original = fetch_ref

    def slow_fetch(url: str, ref: str, target: Path) -> None:
        with Path(log).open("a", encoding="utf-8") as handle:
            handle.write(f"start {time.monotonic()}\n")
        time.sleep(0.3)
        original(url, ref, target)
        with Path(log).open("a", encoding="utf-8") as handle:
            handle.write(f"end {time.monotonic()}\n")

    vars(cache)["fetch_ref"] = slow_fetch  # in this worker process only
    remote = RemoteConfig("shared", url)
    if first_use:
        try:
            cache.resolve(remote, 24)
        except RemoteError as exc:
            return exc.message
        return None
    outcome = cache.update(remote)
    return None if outcome.error is None else outcome.error.message


@pytest.mark.parametrize("first_use", [False, True], ids=["remote-update", "first-use"])
def test_parallel_jobs_fetching_one_remote_take_turns(
    make_repo: Callable[[str], GitRepo], tmp_path: Path, first_use: bool
) -> None:
    repo = make_repo("demo")
    repo.commit(plugin_files())
    log = tmp_path / "fetches.log"
    context = multiprocessing.get_context("fork")
    with context.Pool(4) as pool:
        errors = pool.starmap(
            _fetch_in_turn, [(repo.url, str(tmp_path / "cache"), str(log), first_use)] * 4
        )
    assert errors == [None] * 4
    events = [line.split() for line in log.read_text().splitlines()]
    # one fetch at a time: every start follows the previous end
    assert [kind for kind, _ in events] == ["start", "end"] * (len(events) // 2)
    if first_use:
        assert len(events) == 2  # the others found the cache the first one made
    else:
        assert len(events) == 8
    names = sorted(p.name for p in (tmp_path / "cache" / "remotes").iterdir())
    assert names == ["shared"]  # no staging directory left behind


def test_symbolic_links_leading_out_of_a_fetched_repository_are_removed(
    run: Run, make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    # a valid manifest outside the repository: if tasker-ctl followed the link, a
    # plugin called 'leaked' would appear
    manifest = plugin_files(plugin="leaked")["plugins/leaked/tasker-plugin.toml"]
    assert isinstance(manifest, str)
    (outside / "tasker-plugin.toml").write_text(manifest)
    repo = make_repo("demo")
    repo.commit(plugin_files())
    links = {
        "plugins/leaked": None,
        "plugins/leaked/tasker-plugin.toml": str(outside / "tasker-plugin.toml"),
        "plugins/up": "../../../../..",
        "plugins/root": "/",
        "plugins/inside": "demo",
        "plugins/demo/templates/loop1": "loop2",
        "plugins/demo/templates/loop2": "loop1",
    }
    for rel, target in links.items():
        path = repo.path / rel
        if target is None:
            path.mkdir(parents=True)
        else:
            path.symlink_to(target)
    git(repo.path, "add", "-A")
    git(repo.path, "-c", "user.name=T", "-c", "user.email=t@e", "commit", "-q", "-m", "links")
    run("remote", "add", "demo", repo.url, "--plugin-path", "plugins")

    updated = run("remote", "update")
    assert updated.returncode == 0, updated.stderr
    assert "removed 5 symbolic link(s) that point outside the repository or to nothing" in (
        updated.stderr
    )
    for rel in ("plugins/leaked/tasker-plugin.toml", "plugins/up", "plugins/root"):
        assert rel in updated.stderr
    assert "and 0 more" not in updated.stderr
    checkout = run.cache / "remotes" / "demo"
    assert not os.path.lexists(checkout / "plugins" / "up")
    assert not os.path.lexists(checkout / "plugins" / "leaked" / "tasker-plugin.toml")
    assert (checkout / "plugins" / "inside").is_symlink()  # a link inside the repository stays
    assert not os.path.lexists(checkout / "plugins" / "demo" / "templates" / "loop1")

    listed = run("plugin", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert "leaked" not in {row["name"] for row in json.loads(listed.stdout)}


def test_first_use_also_removes_outside_links_and_says_so(
    run: Run, make_repo: Callable[[str], GitRepo]
) -> None:
    repo = make_repo("demo")
    repo.commit(plugin_files())
    (repo.path / "plugins" / "demo" / "templates" / "hello" / "passwd.tera").symlink_to(
        "/etc/passwd"
    )
    git(repo.path, "add", "-A")
    git(repo.path, "-c", "user.name=T", "-c", "user.email=t@e", "commit", "-q", "-m", "link")
    run("remote", "add", "demo", repo.url, "--plugin-path", "plugins")
    result = run("template", "list")
    assert result.returncode == 0, result.stderr
    assert "passwd.tera" in result.stderr and "point outside the repository" in result.stderr


def test_remove_keeps_the_notes_that_follow_the_entry(run: Run) -> None:
    config = run.project / ".tasker-ctl.toml"
    config.write_text(
        'plugin-paths = ["plugins"]\n\n'
        '[[remotes]]\nname = "a"\nurl = "file:///a"\n\n'
        '[[remotes]]  # the one to remove\nname = "b"\nurl = "file:///b"\n'
        '# git-ref = "v2"   (attached to b: goes with it)\n\n'
        "# Notes for whoever edits this file next:\n# keep plugin paths relative.\n"
    )
    assert run("remote", "remove", "b").returncode == 0
    assert config.read_text() == (
        'plugin-paths = ["plugins"]\n\n'
        '[[remotes]]\nname = "a"\nurl = "file:///a"\n\n'
        "# Notes for whoever edits this file next:\n# keep plugin paths relative.\n"
    )
    assert run("remote", "remove", "a").returncode == 0
    assert config.read_text() == (
        'plugin-paths = ["plugins"]\n\n'
        "# Notes for whoever edits this file next:\n# keep plugin paths relative.\n"
    )


def test_add_to_a_windows_file_with_remotes_keeps_its_line_endings(run: Run) -> None:
    config = run.project / ".tasker-ctl.toml"
    original = b'[[remotes]]\r\nname = "a"\r\nurl = "file:///a"\r\n\r\n[lint]\r\nx = 1\r\n'
    config.write_bytes(original)
    assert run("remote", "add", "b", "file:///b").returncode == 0
    data = config.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n")
    assert tomllib.loads(data.decode())["remotes"][1] == {"name": "b", "url": "file:///b"}
    assert run("remote", "remove", "b").returncode == 0
    assert config.read_bytes() == original


NOTE = "# note {}: about the file, not the remote"


@st.composite
def noted_documents(draw: st.DrawFn) -> tuple[bool, str, int]:
    """A document whose ``[[remotes]]`` entries are each followed by a detached note."""
    unified = draw(st.booleans())
    document = draw(documents(unified))
    assume("remotes = [" not in document)  # an inline array of remotes has no entries to note
    header = "[[cli.remotes]]" if unified else "[[remotes]]"
    if header not in document:
        document += f'\n{header}\nname = "old0"\nurl = "file:///srv/0"\n'
    lines, count = [], 0
    for line in document.splitlines(keepends=True):
        if line.startswith(header) and count:
            lines.append("\n" + NOTE.format(count) + "\n\n")
        if line.startswith(header):
            count += 1
        lines.append(line)
    noted = "".join(lines).rstrip("\n") + "\n\n" + NOTE.format(count) + "\n"
    if draw(st.booleans()):
        noted = noted.replace("\n", "\r\n")
    return unified, noted, count


@settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(noted_documents(), st.integers(0, 3), remotes)
def test_edits_keep_every_note_and_the_line_endings(
    case: tuple[bool, str, int], which: int, remote: RemoteConfig
) -> None:
    unified, document, count = case
    data = tomllib.loads(document)
    holder = data.get("cli", {}) if unified else data
    names = [entry["name"] for entry in holder["remotes"]]
    removed = remove_remote_text(document, names[which % len(names)], unified=unified)
    added = add_remote_text(document, remote, unified=unified)
    for edited in (removed, added):
        for number in range(1, count + 1):
            assert NOTE.format(number) in edited
        if "\r\n" in document:
            assert edited.count("\n") == edited.count("\r\n")
    assert remove_remote_text(added, remote.name, unified=unified) == document


def test_a_ref_the_repository_lacks_gets_a_hint_about_what_to_give(
    run: Run, make_repo: Callable[[str], GitRepo]
) -> None:
    repo = make_repo("demo")
    commit = repo.commit(plugin_files())
    run("remote", "add", "short", repo.url, "--git-ref", commit[:8])
    run("remote", "add", "legacy", repo.url, "--git-ref", "master")
    updated = run("remote", "update")
    assert updated.returncode == 2
    assert f"'{commit[:8]}' looks like an abbreviated commit" in updated.stderr
    assert "full 40-character commit id" in updated.stderr
    assert "the repository has no branch or tag 'master'" in updated.stderr
    first_use = run("template", "list", "--remote", "legacy")
    assert first_use.returncode == 2
    assert "hint: the repository has no branch or tag 'master'" in first_use.stderr


def test_what_a_killed_fetch_left_is_removed_by_the_next_fetch(
    run: Run, make_repo: Callable[[str], GitRepo]
) -> None:
    repo = make_repo("demo")
    repo.commit(plugin_files())
    run("remote", "add", "demo", repo.url)
    base = run.cache / "remotes"
    # a fetch killed with SIGKILL never reaches its clean-up
    leftover = base / ".demo.fetch-k1ll3d" / "checkout" / "plugins"
    leftover.mkdir(parents=True)
    (leftover / "big.bin").write_bytes(b"\0" * 1024)
    other = base / ".demo2.fetch-0ther"  # another remote's: not ours to touch
    other.mkdir()
    assert run("remote", "update", "demo").returncode == 0
    assert sorted(p.name for p in base.iterdir()) == [".demo2.fetch-0ther", "demo"]


def test_a_plugin_path_that_names_a_file_is_not_called_missing(
    run: Run, make_repo: Callable[[str], GitRepo]
) -> None:
    repo = make_repo("demo")
    repo.commit(plugin_files())
    manifest = "plugins/demo/tasker-plugin.toml"
    run("remote", "add", "demo", repo.url, "--plugin-path", manifest)
    for command in (["remote", "update"], ["template", "list", "--remote", "demo"]):
        result = run(*command)
        assert f"plugin-path '{manifest}' is not a directory in the repository" in result.stderr
        assert "does not exist" not in result.stderr
