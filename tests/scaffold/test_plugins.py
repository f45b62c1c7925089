"""External plugins: discovery as the real tool does it, Tera templates, sandbox, precedence."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.helpers import build_file_tree, read_tree
from tests.scaffold.plugin_support import (
    gen,
    plugin_files,
    prefixed,
    write_config,
)


def test_discovers_root_subfolder_and_cli_plugin_layouts(cli, tmp_path: Path) -> None:
    build_file_tree(tmp_path, prefixed("direct", plugin_files("direct-plugin", template="one")))
    tree = {
        **prefixed("many/alpha", plugin_files("alpha", template="two")),
        **prefixed("many/rails/tasker-cli-plugin", plugin_files("rails-like", template="three")),
        **prefixed("many/deep/nested/x", plugin_files("too-deep", template="four")),
    }
    build_file_tree(tmp_path, tree)
    write_config(tmp_path, "direct", "many")
    result = cli("template", "list", "--format", "json", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    import json

    names = {(r["name"], r["source"]) for r in json.loads(result.stdout)}
    assert ("one", "direct-plugin") in names
    assert ("two", "alpha") in names
    assert ("three", "rails-like") in names
    assert not any(source == "too-deep" for _, source in names)


def test_tera_syntax_renders(cli, tmp_path: Path) -> None:
    body = textwrap.dedent(
        """\
        {% set_global greeting = "Hi" %}{{ greeting }} {{ name | pascal_case }}
        {{ missing | default(value="fallback") }}
        {{ name | replace(from="Order", to="Invoice") }}
        {% if name is containing("Order") %}has order{% else %}no order{% endif %}
        {{ name | snake_case | upper }} {{ name | kebab_case }} {{ name | camel_case }}
        """
    )
    build_file_tree(tmp_path, prefixed("plug", plugin_files("tera", body=body)))
    write_config(tmp_path, "plug")
    out = tmp_path / "out"
    result = gen(cli, tmp_path, "-p", "name=ProcessOrder", out=out)
    assert result.exit_code == 0, result.output
    assert (out / "process_order.txt").read_text() == (
        "Hi ProcessOrder\nfallback\nProcessInvoice\nhas order\n"
        "PROCESS_ORDER process-order processOrder\n"
    )


def test_plugin_template_cannot_escape_the_sandbox(cli, tmp_path: Path) -> None:
    # Tera has no attribute access on literals (a syntax error), and a dotted path only
    # looks up keys in the data: no template can reach Python objects.
    for body, message in [
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}\n", "Tera syntax error"),
        ("{{ name.__class__ }}\n", "Variable `name.__class__` not found"),
    ]:
        build_file_tree(tmp_path, prefixed("plug", plugin_files("evil", body=body)))
        write_config(tmp_path, "plug")
        out = tmp_path / "out"
        result = gen(cli, tmp_path, "-p", "name=X", out=out)
        assert result.exit_code == 2
        assert message in result.stderr
        assert not out.exists()


def test_undefined_variable_names_the_template_file_and_line(cli, tmp_path: Path) -> None:
    body = "line one\n{{ no_such_param }}\n"
    build_file_tree(tmp_path, prefixed("plug", plugin_files("typo", body=body)))
    write_config(tmp_path, "plug")
    result = gen(cli, tmp_path, "-p", "name=X", out=tmp_path / "out")
    assert result.exit_code == 2
    assert "body.tera:2" in result.stderr
    assert "no_such_param" in result.stderr


def test_parameter_in_file_name_cannot_traverse(cli, tmp_path: Path) -> None:
    build_file_tree(tmp_path, prefixed("plug", plugin_files("p", filename="{{ name }}.txt")))
    write_config(tmp_path, "plug")
    out = tmp_path / "project" / "out"
    out.mkdir(parents=True)
    for evil in ("../../escaped", "/tmp/absolute-escape", "a/../../b"):
        result = gen(cli, tmp_path, "-p", f"name={evil}", out=out)
        assert result.exit_code == 2, evil
        assert "refusing to write" in result.stderr
        assert "outside the output directory" in result.stderr
    assert read_tree(tmp_path / "project") == {}
    assert not (tmp_path / "escaped.txt").exists()


def test_plugin_file_name_pattern_cannot_traverse(cli, tmp_path: Path) -> None:
    build_file_tree(tmp_path, prefixed("plug", plugin_files("p", filename="../{{ name }}.txt")))
    write_config(tmp_path, "plug")
    out = tmp_path / "out"
    result = gen(cli, tmp_path, "-p", "name=x", out=out)
    assert result.exit_code == 2
    assert "contains '..'" in result.stderr
    assert not (tmp_path / "x.txt").exists()


def test_same_template_in_two_plugins_is_chosen_deterministically(cli, tmp_path: Path) -> None:
    build_file_tree(tmp_path, prefixed("plugins/b-second", plugin_files("beta")))
    build_file_tree(tmp_path, prefixed("plugins/a-first", plugin_files("alpha")))
    write_config(tmp_path, "plugins")
    out = tmp_path / "out"
    result = gen(cli, tmp_path, "-p", "name=X", out=out)
    assert result.exit_code == 0, result.output
    assert (out / "x.txt").read_text() == "Hello X from alpha\n"
    assert "beta offers it too" in result.stderr
    chosen = gen(cli, tmp_path, "-p", "name=Y", "--plugin", "beta", out=out)
    assert chosen.exit_code == 0, chosen.output
    assert (out / "y.txt").read_text() == "Hello Y from beta\n"


def test_plugin_shadows_builtin_and_builtin_can_be_chosen(cli, tmp_path: Path) -> None:
    files = plugin_files(
        "house-style",
        template="step_handler",
        filename="{{ name }}.py",
        body="# house style for {{ name }}\n",
    )
    build_file_tree(tmp_path, prefixed("plug", files))
    write_config(tmp_path, "plug")
    out = tmp_path / "out"
    result = gen(cli, tmp_path, "-p", "name=X", out=out, kind="step_handler")
    assert result.exit_code == 0, result.output
    assert (out / "X.py").read_text() == "# house style for X\n"
    assert "built-in offers it too" in result.stderr
    builtin = gen(
        cli, tmp_path, "-p", "name=X", "--plugin", "built-in", out=out, kind="step_handler"
    )
    assert builtin.exit_code == 0, builtin.output
    assert (out / "handlers/x_handler.py").is_file()


def test_unknown_plugin_name_is_reported(cli, tmp_path: Path) -> None:
    result = cli(
        "template",
        "generate",
        "step_handler",
        "-l",
        "python",
        "-p",
        "name=X",
        "--plugin",
        "nope",
        "-o",
        str(tmp_path),
    )
    assert result.exit_code == 2
    assert "plugin 'nope' does not offer template 'step_handler'" in result.stderr
    assert "built-in" in result.stderr


def test_markup_like_text_from_a_plugin_is_printed_as_is(cli, tmp_path: Path) -> None:
    files = plugin_files("p", filename="[x]{{ name | snake_case }}.txt")
    files["tasker-plugin.toml"] = files["tasker-plugin.toml"].replace(
        'description = "a greeting from p"', 'description = "list [/] [bold]text"'
    )
    files["templates/greeting/template.toml"] = files["templates/greeting/template.toml"].replace(
        'description = "a greeting"', 'description = "info [/] [red]text"'
    )
    build_file_tree(tmp_path, prefixed("plug", files))
    write_config(tmp_path, "plug")
    listed = cli("template", "list", cwd=tmp_path)
    assert listed.exit_code == 0, listed.output
    assert "list [/] [bold]text" in listed.stdout
    info = cli("template", "info", "greeting", "-l", "python", cwd=tmp_path)
    assert info.exit_code == 0, info.output
    assert "info [/] [red]text" in info.stdout
    assert "[x]{{ name | snake_case }}.txt" in info.stdout


def test_info_reports_plugin_path_problems_too(cli, tmp_path: Path) -> None:
    write_config(tmp_path, "no-such-dir")
    result = cli("template", "info", "step_handler", "-l", "python", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "no-such-dir is not a directory" in result.stderr


def test_a_configuration_file_above_the_current_directory_is_used(cli, tmp_path: Path) -> None:
    # like ruff and pre-commit, the project's configuration is found by walking up
    build_file_tree(tmp_path, prefixed("plug", plugin_files("p")))
    write_config(tmp_path, "plug")
    subdir = tmp_path / "src" / "app"
    subdir.mkdir(parents=True)
    result = gen(cli, subdir, "-p", "name=X", out=subdir / "out")
    assert result.exit_code == 0, result.output
    assert (subdir / "out").is_dir()
    assert "is not used" not in result.stderr


def test_a_control_character_in_a_file_name_is_refused(cli, tmp_path: Path) -> None:
    build_file_tree(tmp_path, prefixed("plug", plugin_files("p", filename="{{ name }}.txt")))
    write_config(tmp_path, "plug")
    out = tmp_path / "out"
    result = gen(cli, tmp_path, "-p", "name=two\nlines", out=out)
    assert result.exit_code == 2
    assert "refusing to write 'two\\nlines.txt'" in result.stderr
    assert "control character" in result.stderr
    assert not out.exists()


def test_a_configuration_file_in_the_home_directory_is_not_pointed_out(
    cli, tmp_path: Path, monkeypatch
) -> None:
    home = tmp_path / "home"
    write_config(home.parent, "plug")  # above home: not looked at
    (home / ".config").mkdir(parents=True)
    (home / ".config" / "tasker.toml").write_text("[cli]\n")  # home's own file
    project = home / "projects" / "app"
    project.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    result = cli("template", "list", "-l", "python", cwd=project)
    assert result.exit_code == 0, result.output
    assert "is not used" not in result.stderr
