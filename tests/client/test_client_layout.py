"""The client package's place in the layering, and the fake's samples against the contract."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tasker_ctl.client.openapi import check_response
from tests.client.fake_server import SAMPLES
from tests.test_architecture import PACKAGE, imported_modules, internal_imports, module_name


def test_client_imports_no_cli_typer_rich_or_reporting() -> None:
    problems = []
    for path in sorted((PACKAGE / "client").glob("*.py")):
        for module in imported_modules(path):
            top = module.split(".")[0]
            layer = ".".join(module.split(".")[:2])
            if top in ("typer", "click", "rich") or layer in (
                "tasker_ctl.cli",
                "tasker_ctl.reporting",
            ):
                problems.append(f"{path.name}: {module}")
    assert problems == []


def test_client_has_no_import_cycle() -> None:
    files = [p for p in (PACKAGE / "client").glob("*.py") if p.name != "__init__.py"]
    graph = {
        module_name(p): {m for m in internal_imports(p) if m.startswith("tasker_ctl.client.")}
        for p in files
    }
    done: set[str] = set()

    def visit(node: str, trail: tuple[str, ...]) -> None:
        assert node not in trail, " -> ".join((*trail, node))
        if node in done:
            return
        for nxt in graph.get(node, ()):
            visit(nxt, (*trail, node))
        done.add(node)

    for start in graph:
        visit(start, ())


@pytest.mark.parametrize(
    "args",
    [
        ["task", "--help"],
        ["profile", "list", "--help"],
        ["task", "compare", "--help"],
        ["task", "create", "--help"],
        ["template", "diff", "--help"],
    ],
)
def test_help_of_connected_commands_stays_light(args: list[str]) -> None:
    code = (
        "import sys\nfrom tasker_ctl.cli import main\n"
        f"sys.argv = ['tasker-ctl', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('httpx', 'jsonschema', 'jinja2', 'tasker_core')\n"
        "         if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY=\n" in out.stdout


@pytest.mark.parametrize("key", list(SAMPLES), ids=lambda k: f"{k[0]} {k[1]} {k[2]}")
def test_samples_match_the_openapi_documents(key: tuple[str, str, str, int]) -> None:
    api, method, path, status = key
    assert check_response(api, path, method, status, SAMPLES[key]) is None  # type: ignore[arg-type]
