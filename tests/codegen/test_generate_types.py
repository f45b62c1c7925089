"""`tasker-ctl generate types`: the real CLI, the generated code through each toolchain,
snapshots, and the models accepting what the example handlers really return."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tasker_ctl.codegen.naming import input_type_name, result_type_name
from tests.conftest import ROOT
from tests.helpers import assert_matches_snapshot

FIXTURES = ROOT / "tests" / "fixtures" / "codegen"
RICH = FIXTURES / "rich_results.yaml"
EXAMPLES = sorted((ROOT / "examples").glob("*/config/tasks/*.yaml"))
TEMPLATES = [*EXAMPLES, RICH]
EXTENSIONS = {"python": "py", "typescript": "ts", "ruby": "rb", "rust": "rs"}
TOOLS = ROOT / ".tools" / "node_modules"
ENV = {**os.environ, "NO_COLOR": "1", "RUST_LOG": "off"}


def tasker_ctl(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tasker_ctl", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=ENV,
        timeout=120,
        check=False,
    )


def generate(template: Path, language: str, *extra: str) -> str:
    result = tasker_ctl("generate", "types", "-t", str(template), "-l", language, *extra)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """Every template generated in every language, one file each (named after the template)."""
    out = tmp_path_factory.mktemp("generated")
    files: dict[str, list[Path]] = {language: [] for language in EXTENSIONS}
    for template in TEMPLATES:
        for language, ext in EXTENSIONS.items():
            target = out / language / f"{template.stem}.{ext}"
            result = tasker_ctl(
                "generate", "types", "-t", str(template), "-l", language, "-o", str(target)
            )
            assert result.returncode == 0, result.stderr
            files[language].append(target)
    return files


# -- toolchains ---------------------------------------------------------------------------


def run_tool(args: list[str], cwd: Path) -> None:
    result = subprocess.run(args, capture_output=True, text=True, cwd=cwd, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.toolchain
def test_python_passes_ruff_and_mypy_strict(generated: dict[str, list[Path]]) -> None:
    files = generated["python"]
    folder = files[0].parent
    names = [f.name for f in files]
    run_tool([sys.executable, "-m", "ruff", "check", "--isolated", *names], folder)
    run_tool([sys.executable, "-m", "ruff", "format", "--isolated", "--check", *names], folder)
    for name in names:  # one module per call: several define the same class names
        run_tool([sys.executable, "-m", "mypy", "--strict", "--no-incremental", name], folder)


@pytest.mark.toolchain
def test_typescript_compiles_with_tsc_strict_against_zod(
    generated: dict[str, list[Path]],
) -> None:
    tsc = TOOLS / "typescript" / "bin" / "tsc"
    if shutil.which("node") is None or not tsc.exists() or not (TOOLS / "zod").exists():
        pytest.skip("node, .tools/node_modules/typescript or zod missing: run scripts/test.sh")
    folder = generated["typescript"][0].parent
    link = folder / "node_modules"
    if not link.exists():
        link.symlink_to(TOOLS)
    for path in generated["typescript"]:
        run_tool(
            [
                "node", str(tsc), "--strict", "--noEmit", "--skipLibCheck", "--target", "es2020",
                "--module", "nodenext", "--moduleResolution", "nodenext", path.name,
            ],
            folder,
        )  # fmt: skip


@pytest.mark.toolchain
def test_ruby_passes_ruby_wc(generated: dict[str, list[Path]]) -> None:
    if shutil.which("ruby") is None:
        pytest.skip("ruby is not installed")
    for path in generated["ruby"]:
        result = subprocess.run(
            ["ruby", "-wc", str(path)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0 and result.stdout.strip() == "Syntax OK", result.stderr
        assert result.stderr == "", result.stderr


@pytest.mark.toolchain
def test_rust_passes_rustfmt_check(generated: dict[str, list[Path]]) -> None:
    if shutil.which("rustfmt") is None:
        pytest.skip("rustfmt is not installed")
    files = [str(p) for p in generated["rust"]]
    run_tool(["rustfmt", "--check", "--edition", "2021", *files], ROOT)


# -- snapshots ----------------------------------------------------------------------------


def test_each_language_matches_its_snapshot(snapshot_update: bool) -> None:
    actual = {
        f"rich_results.{ext}": generate(RICH, language) for language, ext in EXTENSIONS.items()
    }
    assert_matches_snapshot(actual, Path(__file__).parent / "snapshots", snapshot_update)


# -- the models accept what the example handlers return ----------------------------------


def load_module(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.sdk
@pytest.mark.slow
@pytest.mark.parametrize("template", EXAMPLES, ids=lambda p: p.parts[-4])
def test_models_accept_real_example_results(
    template: Path, generated: dict[str, list[Path]]
) -> None:
    pytest.importorskip("tasker_core")
    import yaml

    example = template.parents[2]
    run = tasker_ctl(
        "run", str(template), "--context", str(example / "context.json"), "--format", "json"
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    spec = yaml.safe_load(template.read_text(encoding="utf-8"))
    path = next(p for p in generated["python"] if p.stem == template.stem)
    module = load_module(path, f"generated_{template.stem}")
    if spec.get("input_schema"):
        model = getattr(module, input_type_name(spec["name"]))
        model.model_validate(json.loads((example / "context.json").read_text()))
    with_schema = {s["name"] for s in spec["steps"] if s.get("result_schema")}
    checked = 0
    for step in report["steps"]:
        if step["name"] in with_schema and step["status"] == "complete":
            model = getattr(module, result_type_name(spec["namespace_name"], step["name"]))
            model.model_validate(step["result"])
            checked += 1
    assert checked == sum(1 for s in report["steps"] if s["name"] in with_schema)


# -- the command as users meet it ---------------------------------------------------------


def test_upstream_flags_and_names() -> None:
    result = tasker_ctl("generate", "types", "--template", str(RICH), "--language", "ts")
    assert result.returncode == 0, result.stderr
    assert "export const FulfilmentValidateOrderResultSchema = z.object({" in result.stdout
    assert "export type OrderFulfilmentInput = z.infer<typeof OrderFulfilmentInputSchema>;" in (
        result.stdout
    )
    # --step: that step's types only, and no input type
    only = generate(RICH, "py", "-s", "route_order")
    assert "class FulfilmentRouteOrderResultDecision(BaseModel):" in only
    assert "OrderFulfilmentInput" not in only and "ValidateOrder" not in only


def test_output_file_is_written_whole_and_stdout_stays_empty(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "models.py"
    result = tasker_ctl("generate", "types", "-t", str(RICH), "-l", "python", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == generate(RICH, "python")
    assert [p.name for p in target.parent.iterdir()] == ["models.py"]  # no temporary left


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-l", "java"], "unsupported language 'java'"),
        (["-l", "py", "-s", "validate_ordr"], "did you mean 'validate_order'?"),
        (["-l", "py", "-s", "notify"], "step 'notify' has no result_schema"),
    ],
)
def test_usage_errors_exit_2_and_write_nothing(
    args: list[str], message: str, tmp_path: Path
) -> None:
    target = tmp_path / "out.py"
    result = tasker_ctl("generate", "types", "-t", str(RICH), *args, "-o", str(target))
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not target.exists()


def test_bad_template_is_a_located_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\nnamespace_name: y\nversion: 1.0.0\nsteps: [\n", encoding="utf-8")
    result = tasker_ctl("generate", "types", "-t", str(broken), "-l", "py")
    assert result.returncode == 2
    assert f"{broken}:" in result.stderr and "Traceback" not in result.stderr
    missing = tasker_ctl("generate", "types", "-t", str(tmp_path / "nope.yaml"), "-l", "py")
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_unsupported_construct_warns_with_path_and_line(tmp_path: Path) -> None:
    template = tmp_path / "task.yaml"
    template.write_text(
        "name: t\nnamespace_name: n\nversion: 1.0.0\nsteps:\n"
        "  - name: a\n    handler: {callable: x.a}\n"
        "    result_schema:\n      type: object\n      properties:\n"
        "        items:\n          type: array\n          prefixItems: [{type: string}]\n",
        encoding="utf-8",
    )
    result = tasker_ctl("generate", "types", "-t", str(template), "-l", "py")
    assert result.returncode == 0, result.stderr
    assert f"{template}:12:11: " in result.stderr
    assert "(at steps[0].result_schema.properties.items.prefixItems)" in result.stderr
    assert "items: list[Any] | None = None" in result.stdout
    strict = tasker_ctl("generate", "types", "-t", str(template), "-l", "py", "--strict")
    assert strict.returncode == 1 and strict.stdout == ""


def test_template_without_schemas_generates_nothing(tmp_path: Path) -> None:
    template = tmp_path / "task.yaml"
    template.write_text(
        "name: t\nnamespace_name: n\nversion: 1.0.0\nsteps:\n"
        "  - name: a\n    handler: {callable: x.a}\n",
        encoding="utf-8",
    )
    target = tmp_path / "out.rs"
    result = tasker_ctl("generate", "types", "-t", str(template), "-l", "rs", "-o", str(target))
    assert result.returncode == 0
    assert "no input_schema and no step with a result_schema" in result.stderr
    assert not target.exists()
