"""Test plugins on disk: a small plugin with one template, and ways to break it."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.helpers import build_file_tree


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


def broken_template(tmp_path: Path, template_toml: str, **files: str) -> None:
    """A plugin 'p' whose greeting template has this template.toml (and these extra files)."""
    plugin = plugin_files("p")
    plugin["templates/greeting/template.toml"] = textwrap.dedent(template_toml)
    plugin.update({f"templates/greeting/{name}": text for name, text in files.items()})
    build_file_tree(tmp_path, prefixed("plug", plugin))
    write_config(tmp_path, "plug")
