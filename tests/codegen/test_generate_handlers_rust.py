"""Rust handlers: plain step functions, a registry by callable, rustfmt-clean.

``cargo check`` cannot run here (crates.io is unreachable), so the generated code
is checked with ``rustfmt --check`` (it parses the code) and by what it says: every
callable registered once, typed dependencies read into the ``models.rs`` structs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from tasker_ctl.codegen import load_template
from tasker_ctl.codegen.scaffold import build_handlers, build_scaffold
from tasker_ctl.model.template import TaskTemplate
from tests.codegen.test_generate_handlers import tasker_ctl
from tests.codegen.test_generate_handlers_other import TEMPLATES
from tests.codegen.test_handler_properties import templates

RUSTFMT = shutil.which("rustfmt")
needs_rustfmt = pytest.mark.skipif(RUSTFMT is None, reason="needs rustfmt")
FIXTURE = TEMPLATES[0]


def rustfmt_problems(files: list[Path]) -> str:
    assert RUSTFMT is not None
    result = subprocess.run(
        [RUSTFMT, "--edition", "2021", "--check", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return "" if result.returncode == 0 else result.stdout + result.stderr


def registered(handlers: str) -> list[str]:
    table = handlers.split("pub fn steps()", 1)[1].split("\n}\n", 1)[0]
    return re.findall(r'steps\.push\(\(\s*"((?:[^"\\]|\\.)*)",\s*\w+,?\s*\)\);', table)


def test_scaffold_through_the_cli_writes_models_handlers_and_tests(tmp_path: Path) -> None:
    result = tasker_ctl(
        "generate", "scaffold", "-t", str(FIXTURE), "-l", "rust", "--output-dir", "out",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    assert sorted(p.name for p in out.glob("*.rs")) == ["handlers.rs", "models.rs", "tests.rs"]
    handlers = (out / "handlers.rs").read_text(encoding="utf-8")
    assert registered(handlers) == [
        "shop.validate_order", "shop.price", "shop.stock", "shop.route_order", "shop.express",
        "shop.split_lines", "shop.process_lines", "shop.sum_lines", "shop.finish",
    ]  # fmt: skip
    # typed, optional and untyped dependencies of the 'finish' step
    assert (
        'let _express_result: Option<ExpressResult> = support::optional_dependency(deps, "express")'
        in handlers
    )
    assert 'let _split_lines_result: Option<&Value> = deps.get("split_lines");' in handlers
    assert "let result: FinishResult = support::sample(sample)?;" in handlers
    assert "impl StepHandlerRegistry for OrderFlowHandlers" in handlers
    assert '"type": "create_steps"' in handlers and '"worker_template_name": "process_lines"' in (
        handlers
    )
    assert "pub struct FinishResult" in (out / "models.rs").read_text(encoding="utf-8")
    tests = (out / "tests.rs").read_text(encoding="utf-8")
    assert tests.count("#[test]") == 10
    assert "fn finish_returns_its_result()" in tests
    if RUSTFMT is not None:
        assert rustfmt_problems(sorted(out.glob("*.rs"))) == ""


def test_generate_handler_prints_one_step(tmp_path: Path) -> None:
    result = tasker_ctl(
        "generate", "handler", "-t", str(FIXTURE), "-l", "rs", "-s", "finish", cwd=tmp_path
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert registered(result.stdout) == ["shop.finish"]
    assert "pub fn finish(" in result.stdout and "pub fn price(" not in result.stdout


def test_the_class_style_is_refused_for_rust(tmp_path: Path) -> None:
    result = tasker_ctl(
        "generate", "handler", "-t", str(FIXTURE), "-l", "rust", "--style", "class",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert "--style class is not available for rust" in result.stderr
    assert "Traceback" not in result.stderr


@needs_rustfmt
@pytest.mark.toolchain
def test_every_example_template_gives_rustfmt_clean_rust(tmp_path: Path) -> None:
    written: list[Path] = []
    for template in TEMPLATES:
        files, _ = build_scaffold(load_template(template).template, "rust", "dsl")
        for file in files:
            target = tmp_path / template.stem / file.relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(file.content, encoding="utf-8")
            written.append(target)
    assert rustfmt_problems(written) == ""


@needs_rustfmt
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(document=templates())
def test_any_template_gives_rustfmt_clean_registered_rust(document: dict[str, Any]) -> None:
    template = TaskTemplate.model_validate(document)
    output = build_handlers(template, "rust", "dsl", with_tests=True)
    assert output.tests is not None
    assert registered(output.handlers) == [s["handler"]["callable"] for s in document["steps"]]
    root = Path(tempfile.mkdtemp(prefix="rust-property-"))
    try:
        (root / "handlers.rs").write_text(output.handlers, encoding="utf-8")
        (root / "tests.rs").write_text(output.tests, encoding="utf-8")
        assert rustfmt_problems([root / "handlers.rs", root / "tests.rs"]) == ""
    finally:
        shutil.rmtree(root)
