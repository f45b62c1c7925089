"""Step names that collide once converted to identifiers (adversarial sweep).

``step_one``, ``Step One`` and ``stepOne`` are all ``StepOne``; ``step`` and ``名前``
would be ``StepHandler``, the SDK's base class; step ``x_result`` depending on
``x`` has a work function named like its own parameter ``xResult``; ``a2`` and
``a_2`` are both ``a2`` in camelCase; step ``context`` shadows the ``context``
argument. Every generated handler file must still declare each name once and
pass its type checker.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tasker_ctl.codegen import load_template
from tasker_ctl.codegen.scaffold import build_scaffold
from tests.conftest import ROOT
from tests.scaffold.test_toolchains import SDK_DECLARATIONS

TOOLS = ROOT / ".tools" / "node_modules"
STEPS = [
    ("step_one", []),
    ("Step One", ["step_one"]),
    ("stepOne", ["step_one"]),
    ("step", []),
    ("名前", ["step"]),
    ("x", []),
    ("x_result", ["x"]),
    ("context", ["x_result"]),
    ("a2", []),
    ("a_2", ["a2", "context"]),
    ("define_handler", ["a_2", "a2"]),
    ("step_names", ["define_handler"]),
]
DECISIONS = {"step_names"}


def template_text() -> str:
    lines = ["name: colliding_steps", "namespace_name: sweep", "version: 1.0.0", "steps:"]
    for i, (name, deps) in enumerate(STEPS):
        lines += [f"  - name: {json.dumps(name)}", f"    handler: {{callable: sweep.h{i}}}"]
        if deps:
            lines.append(f"    dependencies: {json.dumps(deps)}")
        if name in DECISIONS:
            lines.append("    type: decision")
        elif name != "context":
            lines.append("    result_schema: {type: object, properties: {v: {type: string}}}")
    lines += ["  - name: after", "    handler: {callable: sweep.after}"]
    lines.append("    dependencies: [step_names]")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def scaffolds(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """(language, style) -> the directory its scaffold was written to."""
    root = tmp_path_factory.mktemp("colliding")
    source = root / "colliding_steps.yaml"
    source.write_text(template_text(), encoding="utf-8")
    template = load_template(source).template
    out: dict[tuple[str, str], Path] = {}
    for language in ("python", "typescript", "ruby"):
        for style in ("dsl", "class"):
            folder = root / f"{language}_{style}"
            files, _ = build_scaffold(template, language, style)
            for file in files:
                (folder / file.relpath).parent.mkdir(parents=True, exist_ok=True)
                (folder / file.relpath).write_text(file.content, encoding="utf-8")
            out[language, style] = folder
    return out


def duplicates(names: list[str]) -> list[str]:
    return sorted({n for n in names if names.count(n) > 1})


@pytest.mark.parametrize("style", ["dsl", "class"])
def test_python_handlers_define_each_name_once(
    scaffolds: dict[tuple[str, str], Path], style: str
) -> None:
    source = (scaffolds["python", style] / "handlers.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    defined = [n.name for n in tree.body if isinstance(n, ast.ClassDef | ast.FunctionDef)] + [
        a.asname or a.name for n in tree.body if isinstance(n, ast.ImportFrom) for a in n.names
    ]
    assert duplicates(defined) == []


@pytest.mark.parametrize("style", ["dsl", "class"])
def test_typescript_handlers_declare_each_name_once(
    scaffolds: dict[tuple[str, str], Path], style: str
) -> None:
    source = (scaffolds["typescript", style] / "handlers.ts").read_text(encoding="utf-8")
    imported = re.findall(r"^  (?:type )?(\w+),$", source, re.MULTILINE)
    declared = re.findall(r"^export (?:const|function|class) (\w+)", source, re.MULTILINE)
    assert duplicates(imported + declared) == []
    # a work function is never called where a parameter or local of that name is in scope
    for call in re.findall(r"async \(\{ ([\w, ]*) \}\) =>\n\s+(\w+)\(", source):
        assert call[1] not in call[0].split(", "), call


@pytest.mark.parametrize("style", ["dsl", "class"])
def test_ruby_handler_classes_are_distinct(
    scaffolds: dict[tuple[str, str], Path], style: str
) -> None:
    source = (scaffolds["ruby", style] / "handlers.rb").read_text(encoding="utf-8")
    handlers = re.findall(r"^  (?:class )?(\w+Handler)\b", source, re.MULTILINE)
    assert len(handlers) == len(STEPS) + 1 and duplicates(handlers) == []


@pytest.mark.toolchain
def test_python_class_handlers_pass_mypy_strict(scaffolds: dict[tuple[str, str], Path]) -> None:
    folder = scaffolds["python", "class"]
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--ignore-missing-imports",
         "--follow-imports=silent", "handlers.py"],
        cwd=folder, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.toolchain
def test_typescript_handlers_type_check(
    scaffolds: dict[tuple[str, str], Path], tmp_path: Path
) -> None:
    node = shutil.which("node")
    tsc = TOOLS / "typescript" / "bin" / "tsc"
    if node is None or not tsc.exists() or not (TOOLS / "zod").exists():
        pytest.skip("needs node and .tools/node_modules/{typescript,zod}: run scripts/test.sh")
    checked = [
        scaffolds["typescript", style] / name
        for style in ("dsl", "class")
        for name in ("models.ts", "handlers.ts")
    ]
    config = {
        "compilerOptions": {
            "noEmit": True, "strict": True, "target": "ES2022", "lib": ["ES2022", "DOM"],
            "module": "ESNext", "moduleResolution": "bundler", "types": [],
            "skipLibCheck": True, "baseUrl": str(tmp_path), "paths": {"zod": [str(TOOLS / "zod")]},
        },
        "files": [str(SDK_DECLARATIONS), *map(str, checked)],
    }  # fmt: skip
    (tmp_path / "tsconfig.json").write_text(json.dumps(config), encoding="utf-8")
    result = subprocess.run(
        [node, str(tsc), "--pretty", "false", "-p", str(tmp_path / "tsconfig.json")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_python_handlers_with_everyday_long_names_are_ruff_formatted(tmp_path: Path) -> None:
    """Step names of 20-30 characters: a lone parameter, a (step, Model) tuple and a test's
    dependency entry that must split were left on one over-long line."""
    names = [
        "validate_international_order",
        "compute_delivery_window",
        "reserve_inventory_items",
        "route_to_fulfillment",
        "notify_customer_by_email",
    ]
    lines = ["name: international_order_processing", "namespace_name: orders", "version: 1.0.0"]
    lines.append("steps:")
    for i, name in enumerate(names):
        lines += [f"  - name: {name}", f"    handler: {{callable: orders.handlers.{name}}}"]
        if i:
            lines.append(f"    dependencies: [{names[i - 1]}, {names[0]}]" if i > 1 else
                         f"    dependencies: [{names[0]}]")  # fmt: skip
        if name.startswith("route"):
            lines.append("    type: decision")
        else:
            lines.append("    result_schema: {type: object, properties: {eta: {type: string}}}")
    source = tmp_path / "orders.yaml"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    template = load_template(source).template
    for style in ("dsl", "class"):
        files, _ = build_scaffold(template, "python", style)
        for file in files:
            (tmp_path / style / file.relpath).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / style / file.relpath).write_text(file.content, encoding="utf-8")
    check = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--isolated", "--check", "dsl", "class"],
        cwd=tmp_path, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout[:3000]


@pytest.mark.toolchain
def test_rust_registrations_around_rustfmt_call_width_are_formatted(tmp_path: Path) -> None:
    """`steps.push(("callable", function))` whose tuple is 61-62 columns wide stays on
    one line in rustfmt (its 60-column call width does not count the parentheses)."""
    if shutil.which("rustfmt") is None:
        pytest.skip("rustfmt is not installed")
    lines = ["name: registrations", "namespace_name: orders", "version: 1.0.0", "steps:"]
    for width in range(8, 30):  # the tuples run from 54 to 75 columns
        name = "s" + "x" * width
        lines += [f"  - name: {name}", f"    handler: {{callable: orders.handlers.{name}}}"]
    source = tmp_path / "registrations.yaml"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    files, _ = build_scaffold(load_template(source).template, "rust", "dsl")
    handlers = next(f for f in files if f.relpath == "handlers.rs")
    (tmp_path / "handlers.rs").write_text(handlers.content, encoding="utf-8")
    check = subprocess.run(
        ["rustfmt", "--check", "--edition", "2021", str(tmp_path / "handlers.rs")],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout[:3000]
