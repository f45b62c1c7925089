"""External plugins: discovery as the real tool does it, Tera templates, sandbox, precedence."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.helpers import build_file_tree, read_tree


def plugin_files(
    name: str,
    *,
    language: str = "python",
    template: str = "greeting",
    filename: str = "{{ name | snake_case }}.txt",
    body: str = "Hello {{ name }} from NAME\n",
    extra_params: str = "",
) -> dict[str, str]:
    manifest = textwrap.dedent(
        f"""\
        [plugin]
        name = "{name}"
        description = "test plugin {name}"
        version = "0.1.0"
        language = "{language}"

        [[templates]]
        name = "{template}"
        path = "templates/{template}"
        description = "a {template} from {name}"
        """
    )
    template_toml = textwrap.dedent(
        f"""\
        name = "{template}"
        description = "a {template}"

        [[parameters]]
        name = "name"
        description = "who to greet"
        required = true
        {extra_params}
        [[outputs]]
        template = "body.tera"
        filename = "{filename}"
        """
    )
    return {
        "tasker-plugin.toml": manifest,
        f"templates/{template}/template.toml": template_toml,
        f"templates/{template}/body.tera": body.replace("NAME", name),
    }


def prefixed(prefix: str, files: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}/{k}": v for k, v in files.items()}


def gen(cli, project: Path, *args: str, out: Path, kind: str = "greeting"):
    """``tasker-ctl template generate KIND -l python ARGS -o OUT``, run from ``project``."""
    return cli("template", "generate", kind, "-l", "python", *args, "-o", str(out), cwd=project)


def write_config(project: Path, *paths: str) -> None:
    listed = ", ".join(f'"{p}"' for p in paths)
    (project / ".tasker-ctl.toml").write_text(f"plugin-paths = [{listed}]\n")


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
    body = "{{ ''.__class__.__mro__[1].__subclasses__() }}\n"
    build_file_tree(tmp_path, prefixed("plug", plugin_files("evil", body=body)))
    write_config(tmp_path, "plug")
    out = tmp_path / "out"
    result = gen(cli, tmp_path, "-p", "name=X", out=out)
    assert result.exit_code == 2
    assert "sandbox" in result.stderr or "unsafe" in result.stderr
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


def test_broken_manifest_is_skipped_with_a_warning(cli, tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"plugins/broken/tasker-plugin.toml": "[plugin\nname = 'x'\n"})
    build_file_tree(tmp_path, prefixed("plugins/good", plugin_files("good")))
    write_config(tmp_path, "plugins", "does-not-exist")
    result = cli("template", "list", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "skipped plugin" in result.stderr
    assert "tasker-plugin.toml:1" in result.stderr
    assert "does-not-exist is not a directory" in result.stderr
    assert "greeting" in result.stdout


def test_broken_template_manifest_is_a_clear_error(cli, tmp_path: Path) -> None:
    files = plugin_files("p")
    files["templates/greeting/template.toml"] = 'name = "greeting"\ndescription = "x"\n'
    build_file_tree(tmp_path, prefixed("plug", files))
    write_config(tmp_path, "plug")
    result = gen(cli, tmp_path, "-p", "name=X", out=tmp_path / "out")
    assert result.exit_code == 2
    assert "template.toml" in result.stderr
    assert "[[outputs]]" in result.stderr


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


def broken_template(tmp_path: Path, template_toml: str, **files: str) -> None:
    """A plugin 'p' whose greeting template has this template.toml (and these extra files)."""
    plugin = plugin_files("p")
    plugin["templates/greeting/template.toml"] = textwrap.dedent(template_toml)
    plugin.update({f"templates/greeting/{name}": text for name, text in files.items()})
    build_file_tree(tmp_path, prefixed("plug", plugin))
    write_config(tmp_path, "plug")


TEMPLATE_HEAD = """\
    name = "greeting"
    description = "a greeting"

    [[parameters]]
    name = "name"
    description = "who to greet"
    required = true
    """


@pytest.mark.parametrize(
    ("extra", "line", "message"),
    [
        ('default = "loud!"\npattern = "[a-z]+"\n', 12, "its own default has an invalid value"),
        ('default = "x"\nchoices = ["a", "b"]\n', 12, "its own default must be one of: a, b"),
        ('pattern = "(["\n', 12, "invalid 'pattern'"),
        ("required = 1\n", 12, "'required' must be true or false"),
    ],
)
def test_a_broken_parameter_is_reported_at_its_line(
    cli, tmp_path: Path, extra: str, line: int, message: str
) -> None:
    param = '\n    [[parameters]]\n    name = "tone"\n    description = "tone"\n'
    body = TEMPLATE_HEAD + param + textwrap.indent(extra, "    ")
    outputs = '\n    [[outputs]]\n    template = "body.tera"\n    filename = "x.txt"\n'
    broken_template(tmp_path, body + outputs)
    result = gen(cli, tmp_path, "-p", "name=X", out=tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert f"greeting/template.toml:{line}: " in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_an_output_without_its_template_key_is_reported_at_its_line(cli, tmp_path: Path) -> None:
    broken_template(tmp_path, TEMPLATE_HEAD + '\n    [[outputs]]\n    filename = "x.txt"\n')
    result = gen(cli, tmp_path, "-p", "name=X", out=tmp_path / "out")
    assert result.exit_code == 2
    assert "template.toml:9: outputs[0]: 'template' is missing" in result.stderr
    assert "hint:" in result.stderr


def test_a_missing_output_template_file_is_reported_at_its_outputs_entry(
    cli, tmp_path: Path
) -> None:
    outputs = """
    [[outputs]]
    template = "body.tera"
    filename = "a.txt"

    [[outputs]]
    template = "nope.tera"
    filename = "b.txt"
    """
    broken_template(tmp_path, TEMPLATE_HEAD + outputs)
    out = tmp_path / "out"
    result = gen(cli, tmp_path, "-p", "name=X", out=out)
    assert result.exit_code == 2
    assert "template.toml:13: " in result.stderr
    assert "its output template 'nope.tera' is not a file" in result.stderr
    assert not out.exists()


def test_included_files_render_and_a_missing_include_names_the_including_line(
    cli, tmp_path: Path
) -> None:
    outputs = '\n    [[outputs]]\n    template = "body.tera"\n    filename = "x.txt"\n'
    body = 'first\n{% include "part.j2" %} {{ name }}\n'
    broken_template(tmp_path, TEMPLATE_HEAD + outputs, **{"body.tera": body, "part.j2": "Hi"})
    out = tmp_path / "out"
    result = gen(cli, tmp_path, "-p", "name=Ada", out=out)
    assert result.exit_code == 0, result.output
    assert (out / "x.txt").read_text() == "first\nHi Ada\n"
    (tmp_path / "plug/templates/greeting/part.j2").unlink()
    again = gen(cli, tmp_path, "-p", "name=Bob", out=tmp_path / "out2")
    assert again.exit_code == 2
    assert "body.tera:2: " in again.stderr
    assert "includes a missing file 'part.j2'" in again.stderr
    assert not (tmp_path / "out2").exists()


def test_a_template_declared_twice_in_one_plugin_is_reported_and_the_first_used(
    cli, tmp_path: Path
) -> None:
    files = plugin_files("p")
    files["tasker-plugin.toml"] += (
        '\n[[templates]]\nname = "Greeting"\npath = "templates/other"\ndescription = "again"\n'
    )
    files["templates/other/template.toml"] = files["templates/greeting/template.toml"]
    files["templates/other/body.tera"] = "the second one\n"
    build_file_tree(tmp_path, prefixed("plug", files))
    write_config(tmp_path, "plug")
    out = tmp_path / "out"
    result = gen(cli, tmp_path, "-p", "name=X", out=out)
    assert result.exit_code == 0, result.output
    assert "tasker-plugin.toml:12: plugin p declares template 'Greeting' twice" in result.stderr
    assert "offers it too" not in result.stderr
    assert (out / "x.txt").read_text() == "Hello X from p\n"


def test_info_reports_plugin_path_problems_too(cli, tmp_path: Path) -> None:
    write_config(tmp_path, "no-such-dir")
    result = cli("template", "info", "step_handler", "-l", "python", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "no-such-dir is not a directory" in result.stderr


def test_a_configuration_file_above_the_current_directory_is_pointed_out(
    cli, tmp_path: Path
) -> None:
    build_file_tree(tmp_path, prefixed("plug", plugin_files("p")))
    write_config(tmp_path, "plug")
    subdir = tmp_path / "src" / "app"
    subdir.mkdir(parents=True)
    result = gen(cli, subdir, "-p", "name=X", out=subdir / "out")
    assert result.exit_code == 2
    assert "no template named 'greeting'" in result.stderr
    config = tmp_path / ".tasker-ctl.toml"
    assert f"note: {config} is not used" in result.stderr
    assert f"run from {tmp_path} or pass 'tasker-ctl --config {config} template" in result.stderr
    assert not (subdir / "out").exists()
    from_root = gen(cli, tmp_path, "-p", "name=X", out=subdir / "out")
    assert from_root.exit_code == 0, from_root.output
    assert "is not used" not in from_root.stderr


def test_a_control_character_in_a_file_name_is_refused(cli, tmp_path: Path) -> None:
    build_file_tree(tmp_path, prefixed("plug", plugin_files("p", filename="{{ name }}.txt")))
    write_config(tmp_path, "plug")
    out = tmp_path / "out"
    result = gen(cli, tmp_path, "-p", "name=two\nlines", out=out)
    assert result.exit_code == 2
    assert "refusing to write 'two\\nlines.txt'" in result.stderr
    assert "control character" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{% include "body.tera" %}\n', "it recurses without end"),
        ("{% for i in range(10**9) %}x{% endfor %}\n", "OverflowError: Range too big"),
        ("{{ 1 / 0 }}\n", "ZeroDivisionError"),
    ],
)
def test_a_template_that_fails_at_run_time_is_a_template_error(
    cli, tmp_path: Path, body: str, message: str
) -> None:
    build_file_tree(tmp_path, prefixed("plug", plugin_files("p", body=body)))
    write_config(tmp_path, "plug")
    out = tmp_path / "out"
    result = gen(cli, tmp_path, "-p", "name=X", out=out)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()
