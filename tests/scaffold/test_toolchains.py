"""Generated Ruby, TypeScript and Rust is valid for the languages' own toolchains.

Every built-in handler template (each language, kind and style of
``cases.all_cases()``) is rendered twice: with the canonical names and with
awkward ones (``HTTPClient2 retry``, a two-segment module, a base URL full of
characters that mean something inside string literals). Then:

- Ruby: ``ruby -wc`` on every ``.rb`` file: syntax OK and no warning.
- TypeScript: the ``typescript`` compiler parses every ``.ts`` file (one node
  process), and ``tsc --noEmit --strict --noUnusedLocals`` type-checks the
  handler files against ``tests/fixtures/typescript/tasker-sdk.d.ts``, the
  SDK API that the handler guides document.
- Rust: ``rustfmt --check`` on the canonical files (they are rustfmt-clean);
  the awkward files must at least parse (``rustfmt --emit stdout`` exits 1
  only on a parse error, whereas ``--check`` also exits 1 for a mere diff).

A missing tool skips its tests with the command that installs it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.scaffold.cases import Case, all_cases, render

LANGUAGES = ("ruby", "typescript", "rust")
CASES = [c for c in all_cases() if c.language in LANGUAGES and c.kind != "task_template"]
AWKWARD_MODULES = {"ruby": "Billing::V2", "typescript": "billing.v2", "rust": "billing::v2"}
# Valid names that come close to what the parameter patterns refuse.
NEAR_MISS = {
    "ruby": {"name": "End", "module_name": "Begin::Ends"},
    "typescript": {"name": "Step Two", "module_name": "step.class"},
    "rust": {"name": "Type Check", "module_name": "async_jobs::typed"},
}
VARIANTS = ("canonical", "awkward", "near_miss")
AWKWARD_BASE_URL = "https://example.test/api/v2/#{x}${y}{z}?q=1&r=%20"
SDK_DECLARATIONS = ROOT / "tests" / "fixtures" / "typescript" / "tasker-sdk.d.ts"
TS_CHECK_SCRIPT = Path(__file__).with_name("ts_check.js")
TIMEOUT = 300


def awkward_params(case: Case) -> dict[str, str]:
    params = {"name": "HTTPClient2 retry", "module_name": AWKWARD_MODULES[case.language]}
    if case.kind == "step_handler_api":
        params["base_url"] = AWKWARD_BASE_URL
    return params


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], list[Path]]:
    """(language, "canonical" | "awkward") -> every file generated for it."""
    root = tmp_path_factory.mktemp("toolchains")
    files: dict[tuple[str, str], list[Path]] = {}
    for case in CASES:
        for variant, extra in (
            ("canonical", {}),
            ("awkward", awkward_params(case)),
            ("near_miss", NEAR_MISS[case.language]),
        ):
            out = root / variant / case.id
            files.setdefault((case.language, variant), []).extend(render(case, out, **extra))
    return files


def run(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def require_tool(name: str, install: str, *extra_paths: Path) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in extra_paths:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    pytest.skip(f"{name} not found; install it with: {install}")


def typescript_dir() -> Path:
    configured = os.environ.get("TASKER_CTL_TYPESCRIPT")
    path = Path(configured) if configured else ROOT / ".tools" / "node_modules" / "typescript"
    if not (path / "package.json").is_file():
        pytest.skip(
            f"the typescript package is not at {path}; install it with: "
            "npm install --no-save --prefix .tools typescript@5.9.3 "
            "(or point TASKER_CTL_TYPESCRIPT at one)"
        )
    return path


@pytest.fixture
def node() -> str:
    return require_tool("node", "apt-get install -y nodejs")


@pytest.fixture
def rustfmt() -> str:
    return require_tool(
        "rustfmt", "rustup component add rustfmt", Path.home() / ".cargo" / "bin" / "rustfmt"
    )


def by_suffix(files: list[Path], suffix: str) -> list[Path]:
    found = [f for f in files if f.name.endswith(suffix)]
    assert found, f"no {suffix} file was generated"
    return found


# --- Ruby -----------------------------------------------------------------------------


@pytest.mark.toolchain
@pytest.mark.parametrize("variant", VARIANTS)
def test_ruby_is_valid_without_warnings(
    generated: dict[tuple[str, str], list[Path]], variant: str
) -> None:
    ruby = require_tool("ruby", "apt-get install -y ruby")
    failures = []
    for path in by_suffix(generated["ruby", variant], ".rb"):
        result = run([ruby, "-wc", str(path)])
        if result.returncode != 0 or result.stderr.strip() or "Syntax OK" not in result.stdout:
            failures.append(f"{path}:\n{result.stdout}{result.stderr}")
    assert not failures, "\n".join(failures)


@pytest.mark.toolchain
def test_ruby_check_catches_a_warning(tmp_path: Path) -> None:
    ruby = require_tool("ruby", "apt-get install -y ruby")
    source = tmp_path / "warn.rb"
    source.write_text("def f\n  x = 1\nend\n", encoding="utf-8")
    result = run([ruby, "-wc", str(source)])
    assert result.returncode == 0
    assert "assigned but unused variable" in result.stderr


# --- TypeScript -----------------------------------------------------------------------


def ts_syntax_problems(node: str, files: list[Path]) -> list[dict[str, object]]:
    result = run([node, str(TS_CHECK_SCRIPT), str(typescript_dir()), *map(str, files)])
    assert result.returncode == 0, result.stderr
    problems: list[dict[str, object]] = json.loads(result.stdout)
    return problems


@pytest.mark.toolchain
def test_typescript_parses(generated: dict[tuple[str, str], list[Path]], node: str) -> None:
    files = [f for variant in VARIANTS for f in by_suffix(generated["typescript", variant], ".ts")]
    assert any(f.name.endswith(".test.ts") for f in files)
    assert ts_syntax_problems(node, files) == []


@pytest.mark.toolchain
def test_typescript_check_reports_syntax_errors(tmp_path: Path, node: str) -> None:
    broken = tmp_path / "broken.ts"
    broken.write_text("export const x = ;\n", encoding="utf-8")
    problems = ts_syntax_problems(node, [broken])
    assert [(p["file"], p["line"]) for p in problems] == [(str(broken), 1)]


def type_check(node: str, files: list[Path], workdir: Path) -> subprocess.CompletedProcess[str]:
    config = {
        "compilerOptions": {
            "noEmit": True,
            "strict": True,
            "noUnusedLocals": True,
            "noUnusedParameters": True,
            "target": "ES2022",
            "lib": ["ES2022", "DOM"],
            "module": "ESNext",
            "moduleResolution": "bundler",
            "types": [],
        },
        "files": [str(SDK_DECLARATIONS), *map(str, files)],
    }
    (workdir / "tsconfig.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    tsc = typescript_dir() / "bin" / "tsc"
    return run([node, str(tsc), "--pretty", "false", "-p", str(workdir / "tsconfig.json")])


@pytest.mark.toolchain
def test_typescript_handlers_type_check_against_the_documented_api(
    generated: dict[tuple[str, str], list[Path]], node: str, tmp_path: Path
) -> None:
    handlers = [
        f
        for variant in VARIANTS
        for f in by_suffix(generated["typescript", variant], "-handler.ts")
    ]
    result = type_check(node, handlers, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.toolchain
def test_type_check_catches_an_unused_import(node: str, tmp_path: Path) -> None:
    handler = tmp_path / "unused-handler.ts"
    handler.write_text(
        "import { ErrorType, defineHandler } from '@tasker-systems/tasker';\n"
        "export const H = defineHandler('H', {}, async () => ({}));\n",
        encoding="utf-8",
    )
    result = type_check(node, [handler], tmp_path)
    assert result.returncode != 0
    assert "'ErrorType' is declared but its value is never read" in result.stdout


# --- Rust -----------------------------------------------------------------------------


@pytest.mark.toolchain
def test_rust_canonical_is_rustfmt_clean(
    generated: dict[tuple[str, str], list[Path]], rustfmt: str
) -> None:
    files = by_suffix(generated["rust", "canonical"], ".rs")
    result = run([rustfmt, "--check", "--edition", "2021", *map(str, files)])
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.toolchain
@pytest.mark.parametrize("variant", ["awkward", "near_miss"])
def test_rust_other_names_parse(
    generated: dict[tuple[str, str], list[Path]], rustfmt: str, variant: str
) -> None:
    files = by_suffix(generated["rust", variant], ".rs")
    result = run([rustfmt, "--edition", "2021", "--emit", "stdout", *map(str, files)])
    assert result.returncode == 0, result.stderr


@pytest.mark.toolchain
def test_rustfmt_emit_mode_fails_only_on_parse_errors(tmp_path: Path, rustfmt: str) -> None:
    untidy = tmp_path / "untidy.rs"
    untidy.write_text("fn main() {   let _x = 1; }\n", encoding="utf-8")
    broken = tmp_path / "broken.rs"
    broken.write_text("fn main() { let x = ; }\n", encoding="utf-8")
    emit = [rustfmt, "--edition", "2021", "--emit", "stdout"]
    assert run([*emit, str(untidy)]).returncode == 0
    assert run([*emit, str(broken)]).returncode != 0


# --- Names that would not make valid code are refused up front ------------------------


@pytest.mark.parametrize(
    ("language", "kind", "params"),
    [
        ("rust", "step_handler", {"name": "Type"}),
        ("rust", "step_handler_batchable", {"name": "self"}),
        ("rust", "step_handler_api", {"name": "MATCH"}),
        ("rust", "step_handler", {"name": "Success Result"}),
        ("rust", "step_handler_decision", {"name": "RustStep"}),
        ("rust", "step_handler", {"name": "X", "module_name": "handlers::mod"}),
        ("rust", "step_handler", {"name": "X", "module_name": "Handlers"}),
        ("typescript", "step_handler", {"name": "step"}),
        ("typescript", "step_handler_api", {"name": "Step", "style": "class"}),
        ("typescript", "step_handler", {"name": "X", "module_name": "billing/v2"}),
        ("ruby", "step_handler", {"name": "X", "module_name": "handlers"}),
        ("ruby", "step_handler", {"name": "X", "module_name": "Billing::END"}),
        ("ruby", "step_handler_api", {"name": "X", "base_url": "https://x.test/'; exit"}),
        ("ruby", "step_handler", {"name": "2fast"}),
    ],
)
def test_names_that_break_identifiers_are_refused(
    language: str, kind: str, params: dict[str, str], cli, tmp_path: Path
) -> None:
    args = [arg for key, value in params.items() for arg in ("--param", f"{key}={value}")]
    result = cli(
        "template", "generate", kind, "--language", language, *args, "--output", str(tmp_path)
    )
    assert result.exit_code == 2, result.output
    assert "invalid value" in result.stderr
    assert list(tmp_path.iterdir()) == []


# --- Rust: the step function cannot be shadowed by the file's own names ------------------


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c.language == "rust" and c.kind != "step_handler_batchable"],
    ids=lambda c: c.id,
)
def test_rust_calls_of_the_step_function_are_path_qualified(case: Case, tmp_path: Path) -> None:
    # The step function is named after the handler, so it can have the name of a
    # local variable or test helper of the generated file (`status`, `context`,
    # `results`...), which would shadow it in a bare call; `self::f(...)` and
    # `super::f(...)` always reach the module's function. (rustfmt cannot see
    # name resolution, hence this check of the source.)
    (path,) = render(case, tmp_path)
    step_function = case.params["name"]
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", step_function).lower()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for call in re.finditer(rf"(?<![\w:.]){snake}\(", line):
            assert line[: call.start()].rstrip().endswith("fn"), f"{path.name}:{number}: {line}"
