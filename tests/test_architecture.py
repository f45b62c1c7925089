"""Layering: typer only in cli/, rich only in cli/ and reporting/, core never imports cli/."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tasker_ctl"
CORE = ("model", "validation", "resolution", "scaffold", "executor")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def package_files() -> list[Path]:
    return sorted(
        p
        for p in PACKAGE.rglob("*.py")
        if "templates" not in p.relative_to(PACKAGE).parts and p.name != "__main__.py"
    )


def area(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else path.stem


def test_layering_rules() -> None:
    problems = []
    for path in package_files():
        where = area(path)
        for module in imported_modules(path):
            top = module.split(".")[0]
            if top in ("typer", "click") and where != "cli":
                problems.append(f"{path}: imports {module} (only tasker_ctl/cli may)")
            if top == "rich" and where not in ("cli", "reporting"):
                problems.append(f"{path}: imports {module} (only cli/ and reporting/ may)")
            if (
                module == "tasker_ctl.cli" or module.startswith("tasker_ctl.cli.")
            ) and where != "cli":
                problems.append(f"{path}: imports {module} (nothing below the CLI may)")
            if (
                where in ("model", "errors")
                and module.startswith("tasker_ctl.")
                and not (module.startswith("tasker_ctl.model") or module == "tasker_ctl.errors")
            ):
                problems.append(f"{path}: imports {module} (model/errors import nothing internal)")
            if where in CORE and module.startswith("tasker_ctl.reporting"):
                problems.append(f"{path}: imports {module} (core packages never import reporting)")
    assert problems == []


def test_no_module_named_tasker_core_is_shipped() -> None:
    assert not list(PACKAGE.rglob("tasker_core*"))


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["template", "--help"]])
def test_help_and_version_stay_light(args: list[str]) -> None:
    code = (
        "import sys\n"
        "from tasker_ctl.cli import main\n"
        f"sys.argv = ['tasker-ctl', *{args!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in ('jinja2', 'jsonschema', 'tasker_core') if m in sys.modules)\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert "HEAVY=\n" in result.stdout, result.stdout[-500:]


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path: Path) -> None:
    """``tasker-ctl ... | head`` dies of SIGPIPE like other tools: no traceback, no exit 1."""
    import signal

    if not hasattr(signal, "SIGPIPE"):
        pytest.skip("no SIGPIPE on this platform")
    for i in range(400):  # far more output than a pipe buffer holds
        (tmp_path / f"t{i}.yaml").write_text("name: x\nversion: 1\nsteps: []\n")
    lint = subprocess.Popen(
        [sys.executable, "-m", "tasker_ctl", "validate", "--format", "json", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert lint.stdout is not None and lint.stderr is not None
    lint.stdout.read(1)
    lint.stdout.close()  # the reader goes away before the output is complete
    with lint.stderr:
        stderr = lint.stderr.read().decode()
    assert lint.wait(timeout=120) == -signal.SIGPIPE
    assert "Traceback" not in stderr


def internal_imports(path: Path) -> set[str]:
    """Every tasker_ctl module ``path`` imports, anywhere in it (type-checking ones too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("tasker_ctl"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if not node.module.startswith("tasker_ctl"):
                continue
            for alias in node.names:  # `from pkg import submodule` names the submodule
                candidate = f"{node.module}.{alias.name}"
                as_file = PACKAGE.parent.joinpath(*candidate.split(".")).with_suffix(".py")
                found.add(candidate if as_file.exists() else node.module)
    return found


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.mark.parametrize("package", ["executor", "validation", "scaffold", "resolution"])
def test_no_import_cycle_inside_a_package(package: str) -> None:
    prefix = f"tasker_ctl.{package}"
    files = [p for p in package_files() if module_name(p).startswith(prefix)]
    graph = {
        module_name(p): {m for m in internal_imports(p) if m.startswith(prefix + ".")}
        for p in files
        if p.name != "__init__.py"  # the package's lazy re-exports are not a module's imports
    }
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*trail[trail.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert cycles == []
