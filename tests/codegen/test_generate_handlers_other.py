"""TypeScript and Ruby handlers and tests through each language's own toolchain.

For the loop fixture and every example template: ``generate scaffold -l ts`` must
type-check with ``tsc --strict`` (models and handlers, against the real ``zod``
and the SDK declarations the built-in templates are checked against) and its
vitest file must parse; ``generate scaffold -l rb`` must pass ``ruby -wc``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tasker_ctl.codegen import load_template
from tasker_ctl.codegen.scaffold import build_handlers, build_scaffold
from tests.conftest import ROOT
from tests.scaffold.test_toolchains import SDK_DECLARATIONS, ts_syntax_problems

TEMPLATES = [
    ROOT / "tests" / "fixtures" / "codegen" / "order_flow.yaml",
    *sorted((ROOT / "examples").glob("*/config/tasks/*.yaml")),
]
TOOLS = ROOT / ".tools" / "node_modules"


def scaffold_all(language: str, out: Path) -> list[Path]:
    """Every template's scaffold in both SDK styles, under ``out/<style>/<template>/``."""
    written: list[Path] = []
    for style in ("dsl", "class"):
        for template in TEMPLATES:
            files, _ = build_scaffold(load_template(template).template, language, style)
            for file in files:
                target = out / style / template.stem / file.relpath
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(file.content, encoding="utf-8")
                written.append(target)
    return written


@pytest.mark.toolchain
def test_typescript_scaffolds_type_check_with_tsc_strict(tmp_path: Path) -> None:
    node = shutil.which("node")
    tsc = TOOLS / "typescript" / "bin" / "tsc"
    if node is None or not tsc.exists() or not (TOOLS / "zod").exists():
        pytest.skip("needs node and .tools/node_modules/{typescript,zod}: run scripts/test.sh")
    files = scaffold_all("typescript", tmp_path)
    checked = [f for f in files if f.name in ("models.ts", "handlers.ts")]
    config = {
        "compilerOptions": {
            "noEmit": True,
            "strict": True,
            "target": "ES2022",
            "lib": ["ES2022", "DOM"],
            "module": "ESNext",
            "moduleResolution": "bundler",
            "types": [],
            "skipLibCheck": True,
            "baseUrl": str(tmp_path),
            "paths": {"zod": [str(TOOLS / "zod")]},
        },
        "files": [str(SDK_DECLARATIONS), *map(str, checked)],
    }
    (tmp_path / "tsconfig.json").write_text(json.dumps(config), encoding="utf-8")
    result = subprocess.run(
        [node, str(tsc), "--pretty", "false", "-p", str(tmp_path / "tsconfig.json")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert ts_syntax_problems(node, [f for f in files if f.name == "tests.ts"]) == []
    handlers = (tmp_path / "dsl" / "order_flow" / "handlers.ts").read_text(encoding="utf-8")
    assert "defineDecisionHandler(\n  'shop.route_order'," in handlers
    assert "ValidateOrderResultSchema.parse(validateOrderResult)" in handlers
    classes = (tmp_path / "class" / "order_flow" / "handlers.ts").read_text(encoding="utf-8")
    assert "define" not in classes
    assert (
        "export class FinishHandler extends StepHandler {\n"
        "  static handlerName = 'shop.finish';" in classes
    )
    # every declared dependency is read, typed or not
    assert "const splitLinesResult = context.getDependencyResult('split_lines');" in classes
    assert "decision_point_outcome:" in classes and "batch_processing_outcome" in classes


@pytest.mark.toolchain
def test_ruby_scaffolds_pass_ruby_wc(tmp_path: Path) -> None:
    ruby = shutil.which("ruby")
    if ruby is None:
        pytest.skip("needs ruby: apt-get install -y ruby")
    files = scaffold_all("ruby", tmp_path)
    for file in files:
        result = subprocess.run(
            [ruby, "-wc", str(file)], capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 0 and result.stderr == "", f"{file}: {result.stderr}"
    handlers = (tmp_path / "dsl" / "order_flow" / "handlers.rb").read_text(encoding="utf-8")
    assert "RouteOrderHandler = decision_handler(\n    'shop.route_order'," in handlers
    classes = (tmp_path / "class" / "order_flow" / "handlers.rb").read_text(encoding="utf-8")
    assert "Functional" not in classes
    assert (
        "  class FinishHandler < TaskerCore::StepHandler::Base\n"
        "    def handler_name\n      'shop.finish'\n    end" in classes
    )
    assert "split_lines_result = context.get_dependency_result('split_lines')" in classes


def test_rust_has_no_class_style() -> None:
    from tasker_ctl.errors import ParameterError

    template = load_template(TEMPLATES[0]).template
    assert "class FinishHandler" in build_handlers(template, "ruby", "class").handlers
    assert "class FinishHandler" in build_handlers(template, "typescript", "class").handlers
    with pytest.raises(ParameterError, match="--style class is not available for rust"):
        build_scaffold(template, "rust", "class")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ts", "export class FinishHandler extends StepHandler {"),
        ("rb", "class FinishHandler < TaskerCore::StepHandler::Base"),
    ],
)
def test_the_class_style_through_the_cli(tmp_path: Path, language: str, expected: str) -> None:
    from tests.codegen.test_generate_handlers import tasker_ctl

    result = tasker_ctl(
        "generate", "handler", "-t", str(TEMPLATES[0]), "-l", language, "--style", "class",
        "-s", "finish", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout
    assert "shop.finish" in result.stdout and "shop.price" not in result.stdout


@pytest.mark.parametrize(
    ("language", "style"),
    [
        ("ruby", "dsl"),
        ("ruby", "class"),
        ("typescript", "dsl"),
        ("typescript", "class"),
        ("rust", "dsl"),
    ],
)
def test_validate_resolves_every_generated_callable(
    language: str, style: str, tmp_path: Path
) -> None:
    """What `generate scaffold` writes, `validate --language` finds under every callable."""
    import sys

    template = ROOT / "tests" / "fixtures" / "codegen" / "order_flow.yaml"

    def tasker_ctl(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tasker_ctl", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    made = tasker_ctl(
        "generate", "scaffold", "-t", str(template), "-l", language, "--style", style,
        "--output-dir", "out",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    linted = tasker_ctl(
        "validate", str(template), "--language", language, "--handlers-root", "out", "-f", "json"
    )
    found = [d for f in json.loads(linted.stdout)["files"] for d in f["diagnostics"]]
    assert not [d for d in found if d["rule_id"] in ("HANDLER_NOT_FOUND", "HANDLER_NOT_CHECKED")]
    assert linted.returncode == 0, linted.stdout
