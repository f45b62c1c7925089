"""``plugin list|validate``, ``template list --framework`` and ``init``, as users run them."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

from tests.helpers import build_file_tree
from tests.remotes.conftest import CONTRIB, Run, plugin_files

RAILS = CONTRIB / "rails" / "tasker-cli-plugin"


def validate(run: Run, path: Path, *extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = run("plugin", "validate", str(path), "--format", "json", *extra)
    assert "Traceback" not in result.stderr
    return result.returncode, json.loads(result.stdout) if result.stdout else {}


def test_every_contrib_plugin_validates_clean(run: Run) -> None:
    for plugin in sorted(CONTRIB.glob("*/tasker-cli-plugin")):
        code, report = validate(run, plugin)
        assert code == 0, report
        assert report["findings"] == []
        assert report["summary"]["templates_checked"] == report["plugin"]["templates"]
    text = run("plugin", "validate", str(RAILS))
    assert text.returncode == 0
    assert "Plugin tasker-contrib-rails (v0.1.0) [ruby/rails]" in text.stdout
    assert "5 template(s) checked: 0 error(s), 0 warning(s)" in text.stdout


def test_validate_reports_each_broken_part_with_its_place(run: Run, tmp_path: Path) -> None:
    plugin = tmp_path / "broken"
    shutil.copytree(RAILS, plugin)
    manifest = plugin / "tasker-plugin.toml"
    manifest.write_text(
        manifest.read_text()
        + '\n[[templates]]\nname = "ghost"\npath = "templates/ghost"\ndescription = "x"\n'
        + '\n[[templates]]\nname = "escape"\npath = "../../etc"\ndescription = "x"\n'
        + '\n[[templates]]\nname = "step_handler"\npath = "templates/step_handler"\n'
        + 'description = "again"\n'
    )
    (plugin / "templates/step_handler_api/handler.rb.tera").write_text("{% if x %}never closed\n")
    (plugin / "templates/step_handler_decision/handler_spec.rb.tera").unlink()
    (plugin / "templates/step_handler/handler.rb.tera").write_text("{{ no_such_param }}\n")
    params = plugin / "templates/task_template/template.toml"
    params.write_text(params.read_text().replace("required = true", 'required = "yes"', 1))

    code, report = validate(run, plugin)
    assert code == 1
    found = {(f["code"], Path(f["path"]).name, f["line"]) for f in report["findings"]}
    lines = manifest.read_text().splitlines()
    header_lines = [n for n, text in enumerate(lines, 1) if text == "[[templates]]"]
    assert found == {
        ("TEMPLATE_PATH", "tasker-plugin.toml", header_lines[5]),  # ghost: no such directory
        ("TEMPLATE_PATH", "tasker-plugin.toml", header_lines[6]),  # escape: outside the plugin
        ("TEMPLATE_DUPLICATE", "tasker-plugin.toml", header_lines[7]),
        ("TEMPLATE_SYNTAX", "handler.rb.tera", 2),  # the unclosed {% if %}
        ("TEMPLATE_FILE", "template.toml", 19),  # the [[outputs]] naming the deleted file
        ("TEMPLATE_MANIFEST", "template.toml", 7),  # the parameter with required = "yes"
        ("TEMPLATE_RENDER", "handler.rb.tera", 1),  # renders with no such variable
    }
    (render,) = [f for f in report["findings"] if f["code"] == "TEMPLATE_RENDER"]
    assert render["severity"] == "warning"
    assert "name=ExampleName" in render["message"] and "no_such_param" in render["message"]
    assert report["summary"]["error"] == 6 and report["summary"]["warning"] == 1
    assert report["summary"]["exit_code"] == 1

    text = run("plugin", "validate", str(plugin))
    assert text.returncode == 1
    assert f"{manifest}:{header_lines[5]}: error[TEMPLATE_PATH]: template 'ghost'" in text.stdout
    assert "6 error(s), 1 warning(s)" in text.stdout


def test_validate_input_errors(run: Run, tmp_path: Path) -> None:
    missing = run("plugin", "validate", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    code, report = validate(run, empty)
    assert code == 1 and report["findings"][0]["code"] == "PLUGIN_MANIFEST"
    build_file_tree(tmp_path / "bad", {"tasker-plugin.toml": "[plugin]\nname = 'x'\nversion =\n"})
    code, report = validate(run, tmp_path / "bad")
    assert code == 1
    (finding,) = report["findings"]
    assert finding["code"] == "PLUGIN_MANIFEST" and finding["line"] == 3
    assert run("plugin", "validate", str(empty), "--format", "xml").returncode == 2


def test_plugin_list_and_template_list_framework(run: Run, tmp_path: Path) -> None:
    empty = run("plugin", "list")
    assert empty.returncode == 0 and "no plugins found" in empty.stderr
    build_file_tree(tmp_path / "plugins", plugin_files())
    (run.project / ".tasker-ctl.toml").write_text(
        f'plugin-paths = ["{tmp_path / "plugins" / "plugins"}", "{CONTRIB}"]\n'
    )
    listed = run("plugin", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    names = [p["name"] for p in json.loads(listed.stdout)]
    assert names[0] == "demo" and len(names) == 6
    text = run("plugin", "list").stdout
    assert "tasker-contrib-rails (v0.1.0) [ruby/rails]" in text
    assert "      - step_handler_api: Generate an API step handler" in text

    def framework(name: str) -> set[tuple[str, str]]:
        result = run("template", "list", "--framework", name, "--format", "json")
        assert result.returncode == 0, result.stderr
        return {(t["name"], t["source"]) for t in json.loads(result.stdout)}

    assert framework("RAILS") == {
        (n, "tasker-contrib-rails")
        for n in ("step_handler", "step_handler_api", "step_handler_decision", "task_template")
    } | {("step_handler_batchable", "tasker-contrib-rails")}
    assert framework("flask") == {("hello", "demo")}
    nothing = run("template", "list", "--framework", "rial")
    assert nothing.returncode == 0
    assert "no templates found for framework 'rial' (frameworks: flask, rails)" in nothing.stderr
    assert "did you mean 'rails'" in nothing.stderr.lower()


def test_init_writes_the_unified_config_once(run: Run) -> None:
    result = run("init")
    assert result.returncode == 0, result.stderr
    target = run.project / ".config" / "tasker.toml"
    data = tomllib.loads(target.read_text())
    assert data["profile"]["default"]["transport"] == "rest"
    assert data["profile"]["default"]["orchestration"]["base_url"] == "http://localhost:8080"
    assert data["profile"]["default"]["worker"]["base_url"] == "http://localhost:8081"
    assert data["cli"] == {
        "remotes": [
            {
                "name": "tasker-contrib",
                "url": "https://github.com/tasker-systems/tasker-contrib.git",
            }
        ]
    }
    for key in ("plugin-paths", "default-language", "default-output-dir", "cache-max-age-hours"):
        assert f"# {key} = " in target.read_text()
    listed = run("remote", "list", "--format", "json")
    assert [r["name"] for r in json.loads(listed.stdout)] == ["tasker-contrib"]

    before = target.read_text()
    again = run("init", "--no-contrib")
    assert again.returncode == 2
    assert "already exists" in again.stderr
    assert target.read_text() == before


def test_init_no_contrib_comments_the_remote_out_and_warns_about_the_legacy_file(
    run: Run,
) -> None:
    (run.project / ".tasker-ctl.toml").write_text("default-language = 'ruby'\n")
    result = run("init", "--no-contrib")
    assert result.returncode == 0
    assert ".tasker-ctl.toml" in result.stderr
    text = (run.project / ".config" / "tasker.toml").read_text()
    assert "remotes" not in tomllib.loads(text)["cli"]
    assert '# url = "https://github.com/tasker-systems/tasker-contrib.git"' in text


def test_a_template_path_that_is_a_symlink_loop_is_a_finding(run: Run, tmp_path: Path) -> None:
    plugin = tmp_path / "looped"
    build_file_tree(
        plugin,
        {
            "tasker-plugin.toml": (
                '[plugin]\nname = "looped"\ndescription = "d"\nversion = "0.1.0"\n'
                'language = "python"\n\n[[templates]]\nname = "t"\npath = "loop"\n'
                'description = "d"\n'
            )
        },
    )
    (plugin / "loop").symlink_to("loop")  # it crashed with RuntimeError (exit 3)
    code, report = validate(run, plugin)
    assert code == 1
    [finding] = report["findings"]
    assert finding["code"] == "TEMPLATE_PATH" and "symbolic link loop" in finding["message"]
