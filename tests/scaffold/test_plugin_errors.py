"""Mistakes in plugin templates are reported with the file, the line and what to fix."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.helpers import build_file_tree
from tests.scaffold.plugin_support import (
    broken_template,
    gen,
    plugin_files,
    prefixed,
    write_config,
)


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
    body = 'first\n{% include "part.tera" %} {{ name }}\n'
    broken_template(tmp_path, TEMPLATE_HEAD + outputs, **{"body.tera": body, "part.tera": "Hi"})
    out = tmp_path / "out"
    result = gen(cli, tmp_path, "-p", "name=Ada", out=out)
    assert result.exit_code == 0, result.output
    assert (out / "x.txt").read_text() == "first\nHi Ada\n"
    (tmp_path / "plug/templates/greeting/part.tera").unlink()
    again = gen(cli, tmp_path, "-p", "name=Bob", out=tmp_path / "out2")
    assert again.exit_code == 2
    assert "body.tera:2: " in again.stderr
    assert "includes a missing file 'part.tera'" in again.stderr
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


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{% include "body.tera" %}\n', "nest deeper than"),
        ("{% for i in range(end=1000000000) %}x{% endfor %}\n", "1,000,000,000 elements"),
        ("{{ 1 % 0 }}\n", "Tried to do a modulo by zero"),
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
