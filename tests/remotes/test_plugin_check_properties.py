"""Hypothesis: ``plugin validate`` turns any plugin directory into findings, never a crash."""

from __future__ import annotations

import shutil
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasker_ctl.scaffold.catalog import check_plugin
from tasker_ctl.scaffold.render import render_template
from tests.remotes.conftest import CONTRIB

PLUGIN = CONTRIB / "python" / "tasker-cli-plugin"

scalars: st.SearchStrategy[Any] = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["templates/step_handler", "../..", "/etc", "templates", "", "."]),
    st.integers(-2, 2),
    st.booleans(),
    st.lists(st.text(max_size=3), max_size=2),
)
tera_snippets = st.sampled_from(
    [
        "{{ name }}",
        "{% if name %}x{% endif %}",
        "{{ nope }}",
        "{% for %}",
        "{{ name | nope }}",
        "{%",
    ]
)


@st.composite
def mutations(draw: st.DrawFn) -> list[tuple[str, str, Any]]:
    """(file, dotted key, new value) edits of the python plugin's manifests, or a .tera edit."""
    edits = []
    for _ in range(draw(st.integers(1, 4))):
        target = draw(st.sampled_from(["plugin", "template", "tera"]))
        if target == "plugin":
            key = draw(
                st.sampled_from(
                    ["plugin.name", "plugin.language", "plugin.version", "templates.0.path",
                     "templates.1.name", "templates.1", "plugin"]
                )
            )  # fmt: skip
        elif target == "template":
            key = draw(
                st.sampled_from(
                    ["name", "parameters.0.required", "parameters.0.default", "parameters.1",
                     "outputs.0.template", "outputs.0.filename", "outputs"]
                )
            )  # fmt: skip
        else:
            key = draw(tera_snippets)
        edits.append((target, key, draw(scalars)))
    return edits


def apply(doc: Any, dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    node = doc
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node.get(part)
        if node is None:
            return
    if isinstance(node, list):
        index = int(last)
        if index < len(node):
            node[index] = value
    elif isinstance(node, dict):
        node[last] = value


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(mutations())
def test_any_broken_plugin_gives_findings_inside_it(edits: list[tuple[str, str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as raw:
        plugin = Path(raw) / "plugin"
        shutil.copytree(PLUGIN, plugin)
        # two templates are enough to mutate; fewer renders keep the test fast
        manifest = plugin / "tasker-plugin.toml"
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
        data["templates"] = data["templates"][:2]
        manifest.write_text(tomlkit.dumps(data), encoding="utf-8")
        step_handler = plugin / "templates" / "step_handler"
        for target, key, value in edits:
            if target == "tera":
                (step_handler / "handler.py.tera").write_text(key, encoding="utf-8")
                continue
            path = (
                plugin / "tasker-plugin.toml"
                if target == "plugin"
                else step_handler / "template.toml"
            )
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
            apply(doc, key, value)
            path.write_text(tomlkit.dumps(doc), encoding="utf-8")
        check = check_plugin(plugin, sample_render=render_template)
        root = plugin.resolve()
        for finding in check.findings:
            assert finding.severity in {"error", "warning"}
            assert finding.message
            assert finding.path.resolve().is_relative_to(root), finding
            assert finding.line is None or finding.line >= 1
