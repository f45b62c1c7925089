"""``remote``, and templates served from remotes, through the real CLI against real git repos.

Every repository is created in the test and served over ``file://``; the cache
lives in the test's directory (``TASKER_CTL_CACHE_DIR``).
"""

from __future__ import annotations

import json
import shutil
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

from tests.conftest import Invoke
from tests.helpers import build_file_tree
from tests.remotes.conftest import GitRepo, Run, plugin_files


def templates(run: Run, *args: str) -> list[dict[str, str]]:
    result = run("template", "list", "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def generate(run: Run, out: Path, *args: str) -> str:
    result = run("template", "generate", "hello", "-p", "name=World", "-o", str(out), *args)
    assert result.returncode == 0, result.stderr
    return (out / "World.txt").read_text(encoding="utf-8")


def test_add_list_update_and_generate_from_a_branch(
    run: Run, make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    repo = make_repo("demo")
    repo.commit(plugin_files(body="Hello {{ name }} from main\n"))

    added = run("remote", "add", "demo", repo.url, "--plugin-path", "plugins")
    assert added.returncode == 0, added.stderr
    config = tomllib.loads((run.project / ".tasker-ctl.toml").read_text())
    assert config == {"remotes": [{"name": "demo", "url": repo.url, "plugin-path": "plugins"}]}
    listed = run("remote", "list")
    assert "demo [not cached]" in listed.stdout
    assert f"URL:         {repo.url}" in listed.stdout

    # first use fetches the remote (and says so); its template is listed with the remote's files
    first = run("template", "list", "--format", "json")
    assert first.returncode == 0, first.stderr
    assert "remote 'demo': fetched 'main' into" in first.stderr
    rows = [t for t in json.loads(first.stdout) if t["source"] == "demo"]
    assert [(t["name"], t["language"], t["framework"]) for t in rows] == [
        ("hello", "python", "flask")
    ]
    assert rows[0]["path"].startswith(str(run.cache / "remotes" / "demo"))
    stamp = run.cache / "remotes" / "demo" / ".tasker-last-fetch"
    assert abs(int(stamp.read_text()) - time.time()) < 60
    assert generate(run, tmp_path / "out1") == "Hello World from main\n"
    assert "fetched" not in run("template", "list").stderr  # the cache is used from now on

    # a new commit is not seen until `remote update`
    repo.commit({"plugins/demo/templates/hello/hello.txt.tera": "Hi {{ name }}, v2\n"})
    assert generate(run, tmp_path / "out2") == "Hello World from main\n"
    updated = run("remote", "update", "demo")
    assert updated.returncode == 0, updated.stderr
    assert "Updated 'demo' (main)" in updated.stdout
    assert generate(run, tmp_path / "out3") == "Hi World, v2\n"
    assert "demo [cached, fetched" in run("remote", "list").stdout


def test_branches_tags_and_commits_are_fetched_as_named(
    run: Run, make_repo: Callable[[str], GitRepo], tmp_path: Path, cli: Invoke
) -> None:
    repo = make_repo("demo")
    first = repo.commit(plugin_files(body="tagged v1\n"))
    repo.tag("v1.0")
    repo.commit({"plugins/demo/templates/hello/hello.txt.tera": "main v2\n"})
    repo.branch("next")
    repo.commit({"plugins/demo/templates/hello/hello.txt.tera": "next v3\n"})
    repo.checkout("main")
    for name, ref in (("tagged", "v1.0"), ("tip", "main"), ("next", "next"), ("sha", first)):
        args = ("remote", "add", name, repo.url, "--git-ref", ref, "--plugin-path", "plugins")
        assert cli(*args, cwd=run.project).exit_code == 0
    text = (run.project / ".tasker-ctl.toml").read_text()
    assert 'git-ref = "v1.0"' in text and 'git-ref = "main"' not in text  # default left out

    outputs = {
        name: generate(run, tmp_path / name, "--remote", name)
        for name in ("tagged", "tip", "next", "sha")
    }
    assert outputs == {
        "tagged": "tagged v1\n",
        "tip": "main v2\n",
        "next": "next v3\n",
        "sha": "tagged v1\n",
    }
    info = run("template", "info", "hello", "--remote", "next")
    assert info.returncode == 0, info.stderr
    assert str(run.cache / "remotes" / "next" / "plugins" / "demo") in info.stdout
    # without --remote every remote is served, the first declared one wins
    result = run("template", "generate", "hello", "-p", "name=World", "-o", str(tmp_path / "all"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "all" / "World.txt").read_text() == "tagged v1\n"


def test_a_broken_url_is_an_error_that_leaves_no_cache(
    run: Run, make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    missing = (tmp_path / "no-such-repo").as_uri()
    assert run("remote", "add", "broken", missing).returncode == 0

    updated = run("remote", "update", "broken")
    assert updated.returncode == 2
    assert "remote 'broken'" in updated.stderr and "there is no cache" in updated.stderr
    assert "Traceback" not in updated.stderr
    assert not (run.cache / "remotes" / "broken").exists()
    assert list((run.cache / "remotes").iterdir()) == []  # no staging directory left behind

    # asked for by name: an error; served with all remotes: a warning, built-ins still there
    named = run("template", "list", "--remote", "broken")
    assert named.returncode == 2
    assert "no cached copy" in named.stderr
    listed = run("template", "list", "--format", "json")
    assert listed.returncode == 0
    assert "remote 'broken'" in listed.stderr and "left out of this run" in listed.stderr
    assert {t["source"] for t in json.loads(listed.stdout)} == {"built-in"}

    bad_ref = make_repo("demo")
    bad_ref.commit(plugin_files())
    run("remote", "add", "badref", bad_ref.url, "--git-ref", "no-such-branch")
    result = run("remote", "update", "badref")
    assert result.returncode == 2
    assert "no-such-branch" in result.stderr


def test_an_unreachable_remote_with_a_warm_cache_keeps_working_offline(
    run: Run, make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    repo = make_repo("demo")
    repo.commit(plugin_files(body="cached {{ name }}\n"))
    run("remote", "add", "demo", repo.url, "--plugin-path", "plugins")
    assert run("remote", "update").returncode == 0
    stamp = (run.cache / "remotes" / "demo" / ".tasker-last-fetch").read_text()

    shutil.move(repo.path, tmp_path / "gone")  # the server goes away
    updated = run("remote", "update")
    assert updated.returncode == 0, updated.stderr
    assert "remote 'demo'" in updated.stderr and "kept the previous cache" in updated.stderr
    assert (run.cache / "remotes" / "demo" / ".tasker-last-fetch").read_text() == stamp
    assert generate(run, tmp_path / "out") == "cached World\n"
    assert generate(run, tmp_path / "out2", "--remote", "demo") == "cached World\n"


def test_an_unreachable_remote_without_a_cache_fails_clearly(
    run: Run, make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    repo = make_repo("demo")
    repo.commit(plugin_files())
    run("remote", "add", "demo", repo.url, "--plugin-path", "plugins")
    shutil.move(repo.path, tmp_path / "gone")
    result = run("template", "generate", "hello", "-p", "name=W", "--remote", "demo")
    assert result.returncode == 2
    assert "remote 'demo'" in result.stderr and "no cached copy" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_plugin_path_missing_from_the_repository(
    run: Run, make_repo: Callable[[str], GitRepo]
) -> None:
    repo = make_repo("demo")
    repo.commit(plugin_files())
    run("remote", "add", "demo", repo.url, "--plugin-path", "no/such/dir")
    updated = run("remote", "update", "demo")
    assert updated.returncode == 0
    assert "plugin-path 'no/such/dir' does not exist" in updated.stderr

    named = run("template", "list", "--remote", "demo")
    assert named.returncode == 2
    assert "plugin-path 'no/such/dir' does not exist in the repository" in named.stderr
    listed = run("template", "list")
    assert listed.returncode == 0
    assert "plugin-path 'no/such/dir'" in listed.stderr


def test_a_stale_cache_is_served_with_a_warning(
    run: Run, make_repo: Callable[[str], GitRepo]
) -> None:
    repo = make_repo("demo")
    repo.commit(plugin_files())
    (run.project / ".tasker-ctl.toml").write_text(
        f'cache-max-age-hours = 2\n\n[[remotes]]\nname = "demo"\nurl = "{repo.url}"\n'
        'plugin-path = "plugins"\n'
    )
    assert run("remote", "update").returncode == 0
    stamp = run.cache / "remotes" / "demo" / ".tasker-last-fetch"
    stamp.write_text(str(int(time.time()) - 3 * 3600))
    result = run("template", "list", "--remote", "demo")
    assert result.returncode == 0
    assert "cache is older than 2h (fetched 3h ago)" in result.stderr
    assert "tasker-ctl remote update demo" in result.stderr
    assert "stale" in run("remote", "list").stdout


def test_remote_url_and_precedence_between_sources(
    run: Run, make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    # a remote whose root is a plugin offering python step_handler, like tasker-contrib
    repo = make_repo("contrib")
    files = plugin_files(template="step_handler", body="remote {{ name }}\n")
    repo.commit({k.removeprefix("plugins/demo/"): v for k, v in files.items()})
    local = plugin_files(plugin="local", template="step_handler", body="local {{ name }}\n")
    build_file_tree(tmp_path / "local", local)

    def step_handler(out: str, *args: str) -> str:
        result = run(
            "template", "generate", "step_handler", "-l", "python", "-p", "name=World",
            "-o", str(tmp_path / out), *args,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return (tmp_path / out / "World.txt").read_text()

    # --url: an ad-hoc repository, cached under a name derived from the URL
    assert step_handler("url", "--url", repo.url) == "remote World\n"
    assert [p.name.startswith("_url_") for p in (run.cache / "remotes").iterdir()] == [True]

    # a configured remote comes before the built-ins
    run("remote", "add", "contrib", repo.url)
    assert step_handler("remote") == "remote World\n"
    # plugin-paths come before the remotes (as in the real tool), even with --remote
    config = run.project / ".tasker-ctl.toml"
    config.write_text(f'plugin-paths = ["{tmp_path / "local" / "plugins"}"]\n' + config.read_text())
    assert step_handler("local") == "local World\n"
    assert step_handler("local2", "--remote", "contrib") == "local World\n"
    # --plugin picks a source explicitly
    assert step_handler("picked", "--plugin", "demo") == "remote World\n"
    built_in = run(
        "template", "generate", "step_handler", "-l", "python", "-p", "name=World",
        "--plugin", "built-in", "-o", str(tmp_path / "builtin"),
    )  # fmt: skip
    assert built_in.returncode == 0, built_in.stderr
    assert (tmp_path / "builtin" / "handlers" / "world_handler.py").is_file()


def test_remove_deletes_the_entry_and_the_cache_and_keeps_the_rest(
    run: Run, make_repo: Callable[[str], GitRepo]
) -> None:
    repo = make_repo("demo")
    repo.commit(plugin_files())
    config = run.project / ".tasker-ctl.toml"
    original = "# my settings\ndefault-language = 'python'  # keep\n\n[lint]\nstrict = true\n"
    config.write_text(original)
    assert run("remote", "add", "demo", repo.url).returncode == 0
    assert run("remote", "update", "demo").returncode == 0
    assert (run.cache / "remotes" / "demo").is_dir()

    removed = run("remote", "remove", "demo")
    assert removed.returncode == 0, removed.stderr
    assert "Removed remote 'demo' and its cache" in removed.stdout
    assert config.read_text() == original
    assert not (run.cache / "remotes" / "demo").exists()

    again = run("remote", "remove", "demo")
    assert again.returncode == 2
    assert "remote 'demo' is not in the configuration" in again.stderr


def test_add_refuses_bad_input_and_writes_nothing(run: Run, cli: Invoke) -> None:
    config = run.project / ".tasker-ctl.toml"
    config.write_text('[[remotes]]\nname = "demo"\nurl = "file:///x"\n')
    before = config.read_text()
    # one through a subprocess, the rest in-process (same code path, no git involved)
    result = run("remote", "add", "ok", "--", "--upload-pack=touch /tmp/x")
    assert result.returncode == 2
    assert "starts with '-'" in result.stderr and "Traceback" not in result.stderr
    cases = [
        (("demo", "file:///y"), "already exists"),
        (("../evil", "file:///y"), "must start with a letter or digit"),
        (("_url_x", "file:///y"), "must start with a letter or digit"),
        (("ok", "ext::sh -c touch% /tmp/x"), "ext:: transport"),
        (("ok", "file:///y", "--git-ref", "-x"), "is not a branch"),
        (("ok", "file:///y", "--plugin-path", "../out"), "inside the repository"),
        (("ok", "file:///y", "--config-path", "/etc"), "inside the repository"),
    ]
    for args, message in cases:
        outcome = cli("remote", "add", *args, cwd=run.project)
        assert outcome.exit_code == 2, (args, outcome.output)
        assert message in outcome.stderr, (args, outcome.stderr)
    assert config.read_text() == before

    config.write_text("[[remotes]]\nname = 'a'\nurl = 'b'\n\n[[remotes]]  # two\nname = 'demo'\n")
    outcome = cli("remote", "list", cwd=run.project)
    assert outcome.exit_code == 2
    assert ".tasker-ctl.toml:5: remotes[1]: 'url' is missing" in outcome.stderr
    config.write_text("remotes = [\n")
    outcome = cli("remote", "add", "x", "file:///y", cwd=run.project)
    assert outcome.exit_code == 2 and ".tasker-ctl.toml:" in outcome.stderr


def test_unified_config_from_init_gets_cli_remotes(
    run: Run, make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    repo = make_repo("demo")
    repo.commit(plugin_files(body="unified {{ name }}\n"))
    assert run("init", "--no-contrib").returncode == 0
    unified = run.project / ".config" / "tasker.toml"
    before = unified.read_text()
    added = run("remote", "add", "demo", repo.url, "--plugin-path", "plugins")
    assert added.returncode == 0, added.stderr
    text = unified.read_text()
    assert text.startswith(before)
    assert tomllib.loads(text)["cli"]["remotes"] == [
        {"name": "demo", "url": repo.url, "plugin-path": "plugins"}
    ]
    assert generate(run, tmp_path / "out") == "unified World\n"
    assert run("remote", "remove", "demo").returncode == 0
    assert unified.read_text() == before


def test_fetching_runs_no_hooks_even_when_the_user_configures_them(
    run: Run, make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    marker = tmp_path / "hook-ran"
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for hook in ("post-checkout", "post-merge", "reference-transaction"):
        script = hooks / hook
        script.write_text(f"#!/bin/sh\ntouch {marker}\n")
        script.chmod(0o755)
    user_config = tmp_path / "gitconfig"
    user_config.write_text(f"[core]\n\thooksPath = {hooks}\n[init]\n\ttemplateDir = {tmp_path}\n")
    run.env["GIT_CONFIG_GLOBAL"] = str(user_config)
    repo = make_repo("demo")
    repo.commit({**plugin_files(), ".gitmodules": '[submodule "x"]\n\tpath = x\n\turl = ../x\n'})
    run("remote", "add", "demo", repo.url, "--plugin-path", "plugins")
    assert run("remote", "update").returncode == 0
    assert not marker.exists()
    assert generate(run, tmp_path / "out") == "Hello World!\n"
