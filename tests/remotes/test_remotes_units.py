"""The cache, the remote entries of the configuration, and what git is allowed to do."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasker_ctl.config import load_settings
from tasker_ctl.errors import ConfigError
from tasker_ctl.remotes import cache
from tasker_ctl.remotes.config_edit import add_remote_text
from tasker_ctl.remotes.git import RemoteError, fetch_ref
from tasker_ctl.remotes.model import RemoteConfig
from tests.conftest import Invoke

SETTINGS = settings(max_examples=120, deadline=None, derandomize=True)


def test_cache_location_follows_xdg_and_the_override(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(cache.CACHE_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir("c") == tmp_path / "xdg" / "tasker-ctl" / "remotes" / "c"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir("c") == tmp_path / "home" / ".cache" / "tasker-ctl" / "remotes" / "c"
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(tmp_path / "t"))
    assert cache.cache_dir("c") == tmp_path / "t" / "remotes" / "c"
    assert cache.url_remote("file:///a").name == cache.url_remote("file:///a").name
    assert cache.url_remote("file:///a").name != cache.url_remote("file:///b").name


def test_staleness_and_ages(tmp_path: Path) -> None:
    assert cache.is_stale(tmp_path, 24)  # no timestamp
    (tmp_path / cache.LAST_FETCH_FILE).write_text("1000\n")
    assert not cache.is_stale(tmp_path, 1, now=1000 + 3600)
    assert cache.is_stale(tmp_path, 1, now=1000 + 3601)
    (tmp_path / cache.LAST_FETCH_FILE).write_text("garbage")
    assert cache.last_fetch_time(tmp_path) is None and cache.is_stale(tmp_path, 10**6)
    assert [cache.describe_age(s) for s in (5, 61, 7200, 3 * 86400)] == [
        "5s ago",
        "1m ago",
        "2h ago",
        "3d ago",
    ]


def test_a_failed_fetch_leaves_the_previous_cache_untouched(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(tmp_path))
    previous = cache.cache_dir("demo")
    previous.mkdir(parents=True)
    (previous / "kept.txt").write_text("old")
    outcome = cache.update(RemoteConfig("demo", (tmp_path / "missing").as_uri()))
    assert outcome.kept_previous and outcome.error is not None
    assert (previous / "kept.txt").read_text() == "old"
    assert sorted(p.name for p in previous.parent.iterdir()) == ["demo"]


def test_git_refuses_option_like_refs_and_urls(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    with pytest.raises(RemoteError):
        fetch_ref(f"--upload-pack=touch {marker}", "main", tmp_path / "a")
    with pytest.raises(RemoteError):
        fetch_ref(f"ext::sh -c touch% {marker}", "main", tmp_path / "b")
    assert not marker.exists()


names = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,10}", fullmatch=True)
safe_text = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=15
)
valid_remotes = st.builds(
    RemoteConfig,
    name=names,
    url=safe_text.filter(
        lambda u: u.strip() and not u.startswith("-") and "ext::" not in u.lower()
    ),
    git_ref=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,10}", fullmatch=True),
    config_path=st.sampled_from(["config/tasker/", "cfg", "a/b/"]),
    plugin_path=st.none() | st.sampled_from(["plugins", "x/y"]),
)


@SETTINGS
@given(st.lists(valid_remotes, max_size=3, unique_by=lambda r: r.name), st.booleans())
def test_what_remote_add_writes_is_what_the_configuration_reads(
    remotes: list[RemoteConfig], unified: bool
) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as raw:
        project = Path(raw)
        (project / ".git").mkdir()
        path = project / (".config/tasker.toml" if unified else ".tasker-ctl.toml")
        path.parent.mkdir(exist_ok=True)
        text = "[cli]\n" if unified else ""
        for remote in remotes:
            text = add_remote_text(text, remote, unified=unified)
        path.write_text(text, encoding="utf-8")
        assert load_settings(cwd=project).remotes == tuple(remotes)


entry_values: st.SearchStrategy[Any] = st.one_of(
    st.text(max_size=8), st.integers(), st.booleans(), st.lists(st.integers(), max_size=2)
)
entries = st.dictionaries(
    st.sampled_from(["name", "url", "git-ref", "config-path", "plugin-path", "other"]),
    entry_values,
    max_size=6,
)


@SETTINGS
@given(st.one_of(st.lists(entries, max_size=3), entry_values))
def test_any_remotes_value_is_read_or_refused_with_a_config_error(raw: object) -> None:
    import tempfile

    import tomlkit

    with tempfile.TemporaryDirectory() as directory:
        project = Path(directory)
        (project / ".git").mkdir()
        (project / ".tasker-ctl.toml").write_text(tomlkit.dumps({"remotes": raw}))
        try:
            loaded = load_settings(cwd=project)
        except ConfigError as exc:
            assert str(exc).startswith(str(project / ".tasker-ctl.toml"))
        else:
            assert all(r.name and r.url for r in loaded.remotes)


def test_timestamps_are_written_on_fetch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import subprocess

    repo = tmp_path / "repo"
    repo.mkdir()
    env = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin"}
    for args in (
        ["init", "-q", "-b", "main"],
        ["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "--allow-empty", "-m", "x"],
    ):
        subprocess.run(["git", *args], cwd=repo, check=True, env=env)
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(tmp_path / "cache"))
    resolved = cache.resolve(RemoteConfig("r", repo.as_uri()), 24)
    assert resolved.fetched and resolved.directory is not None
    fetched = cache.last_fetch_time(resolved.directory)
    assert fetched is not None and abs(fetched - time.time()) < 60
    assert not (resolved.directory / ".git" / "hooks").exists()  # no sample hooks copied
    # the real tool updates a cache with `git fetch --depth 1 origin REF` inside it
    origin = subprocess.run(
        ["git", "config", "remote.origin.url"],
        cwd=resolved.directory,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert origin.stdout.strip() == repo.as_uri()
    subprocess.run(
        ["git", "fetch", "-q", "--depth", "1", "origin", "main"],
        cwd=resolved.directory,
        env=env,
        check=True,
    )


def test_a_server_that_never_answers_is_cut_off_by_the_time_limit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(server.accept()[0]), daemon=True).start()
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(tmp_path))
    monkeypatch.setenv("TASKER_CTL_GIT_TIMEOUT", "1.5")
    url = f"git://127.0.0.1:{server.getsockname()[1]}/repo.git"
    started = time.monotonic()
    outcome = cache.update(RemoteConfig("silent", url))
    elapsed = time.monotonic() - started
    server.close()
    for connection in accepted:
        connection.close()
    assert outcome.error is not None and outcome.directory is None
    assert "did not finish within 1.5 s" in outcome.error.message
    assert elapsed < 10
    assert list(tmp_path.joinpath("remotes").iterdir()) == []


def test_edits_keep_the_file_mode_and_leave_no_temporary_file(tmp_path: Path) -> None:
    from tasker_ctl.remotes.config_edit import write_atomically

    config = tmp_path / ".tasker-ctl.toml"
    config.write_text("# private\n")
    config.chmod(0o600)
    write_atomically(
        config, add_remote_text(config.read_text(), RemoteConfig("a", "u"), unified=False)
    )
    assert config.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [".tasker-ctl.toml"]
    assert config.read_text().startswith("# private\n\n[[remotes]]\n")


def test_remote_and_url_together_are_a_usage_error(cli: Invoke, tmp_path: Path) -> None:
    result = cli("template", "list", "--remote", "a", "--url", "file:///x", cwd=tmp_path)
    assert result.exit_code == 2
    assert "--remote and --url cannot be used together" in result.stderr
    result = cli("template", "info", "hello", "--remote", "nope", cwd=tmp_path)
    assert result.exit_code == 2
    assert "remote 'nope' is not in the configuration (configured: none)" in result.stderr
