"""The tasker-contrib layout served as a remote renders exactly as through ``plugin-paths``.

``tests/fixtures/contrib`` holds the real repository's 5 plugins and 18 templates
(see its PROVENANCE.md). They are committed to a git repository made in the
test and added as a remote, the way ``tasker-ctl init`` configures the real
one (the repository root, no ``plugin-path``). Every template is generated
through the CLI in a subprocess and compared with what ``plugin-paths`` pointing
at the same files generates.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Invoke
from tests.helpers import read_tree
from tests.remotes.conftest import CONTRIB, GitRepo, Run

VALUES = {"name": "ProcessOrder", "handler_callable": "orders.process_order"}


def params(plugin_language: str, template: str) -> list[str]:
    """``-p`` options for the template's required parameters."""
    manifests = CONTRIB.glob(f"*/tasker-cli-plugin/templates/{template}/template.toml")
    for manifest in manifests:
        plugin = tomllib.loads((manifest.parents[2] / "tasker-plugin.toml").read_text())
        if plugin["plugin"]["language"] != plugin_language:
            continue
        declared = tomllib.loads(manifest.read_text())["parameters"]
        required = [p["name"] for p in declared if p.get("required")]
        return [arg for key in required for arg in ("-p", f"{key}={VALUES[key]}")]
    raise AssertionError(template)


def contrib_templates() -> list[tuple[str, str, str]]:
    """(plugin language, plugin name, template name) for every template in the fixture."""
    found = []
    for manifest in sorted(CONTRIB.glob("*/tasker-cli-plugin/tasker-plugin.toml")):
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
        for template in data["templates"]:
            found.append((data["plugin"]["language"], data["plugin"]["name"], template["name"]))
    return found


def test_the_fixture_has_the_real_layout() -> None:
    templates = contrib_templates()
    assert len({plugin for _, plugin, _ in templates}) == 5
    assert len(templates) == 18
    assert len(list(CONTRIB.rglob("*.tera"))) == 31


@pytest.fixture
def contrib_repo(make_repo: Callable[[str], GitRepo]) -> GitRepo:
    repo = make_repo("tasker-contrib")
    shutil.copytree(CONTRIB, repo.path, dirs_exist_ok=True)
    repo.commit({"README.md": "fixture\n"}, "tasker-contrib plugins")
    return repo


def test_every_contrib_template_generates_the_same_from_the_remote_and_plugin_paths(
    run: Run, contrib_repo: GitRepo, cli: Invoke, tmp_path: Path
) -> None:
    assert run("remote", "add", "tasker-contrib", contrib_repo.url).returncode == 0
    plugins = run("plugin", "list", "--format", "json")
    assert plugins.returncode == 0, plugins.stderr
    rows = json.loads(plugins.stdout)
    assert sorted(r["name"] for r in rows) == [
        "tasker-contrib-ops",
        "tasker-contrib-python",
        "tasker-contrib-rails",
        "tasker-contrib-rust",
        "tasker-contrib-typescript",
    ]
    assert {r["remote"] for r in rows} == {"tasker-contrib"}
    listed = run("template", "list", "--format", "json")
    served = [t for t in json.loads(listed.stdout) if t["source"] != "built-in"]
    assert len(served) == 18

    # the same files, through plugin-paths, in-process (the reference side)
    local = tmp_path / "local"
    local.mkdir()
    (local / ".git").mkdir()
    (local / ".tasker-ctl.toml").write_text(f'plugin-paths = ["{CONTRIB}"]\n')

    total = 0
    for language, plugin, name in contrib_templates():
        from_remote = tmp_path / "remote-out" / plugin / name
        args = ("template", "generate", name, "-l", language, *params(language, name))
        result = run(*args, "-o", str(from_remote))
        assert result.returncode == 0, (plugin, name, result.stderr)
        from_paths = tmp_path / "paths-out" / plugin / name
        reference = cli(*args, "-o", str(from_paths), cwd=local)
        assert reference.exit_code == 0, (plugin, name, reference.output)
        generated = read_tree(from_remote)
        assert generated, (plugin, name)
        assert generated == read_tree(from_paths), (plugin, name)
        total += len(generated)
    assert total == 31  # one file per .tera: every output of every template
