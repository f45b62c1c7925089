"""`--import`: resolution through the real tasker_core registry (needs the SDK)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.validation.corpus import HANDLERS

pytest.importorskip("tasker_core")
pytestmark = pytest.mark.sdk

TEMPLATE = """\
name: dyn
namespace_name: shop
version: 1.0.0
metadata:
  tags: [language:python]
steps:
  - name: a
    handler:
      callable: {callable}
{extra}    result_schema: {{type: object}}
"""


@pytest.fixture(autouse=True)
def _clean_modules():
    before = set(sys.modules)
    path = list(sys.path)
    yield
    for name in set(sys.modules) - before:
        if name.split(".")[0] in ("billing", "shop"):
            del sys.modules[name]
    sys.path[:] = path


def _run(cli, tmp_path: Path, root: Path, callable_: str, extra: str = "") -> dict:
    path = tmp_path / "t.yaml"
    path.write_text(TEMPLATE.format(callable=callable_, extra=extra))
    result = cli(
        "validate", str(path), "--import", "--handlers-root", str(root), "--format", "json"
    )
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


def test_import_resolves_dsl_and_class_handlers(cli, tmp_path: Path) -> None:
    for callable_ in (
        "billing.handlers.charge",
        "billing.handlers.RefundHandler",
        "billing.handlers.AuditHandler",
    ):
        document = _run(cli, tmp_path, HANDLERS / "python", callable_)
        assert document["summary"]["error"] == 0, document


def test_import_reports_unresolved_callables(cli, tmp_path: Path) -> None:
    document = _run(cli, tmp_path, HANDLERS / "python", "billing.handlers.chrage")
    [finding] = document["files"][0]["diagnostics"]
    assert finding["rule_id"] == "HANDLER_NOT_FOUND"
    assert "tasker_core registry" in finding["message"]


def test_import_checks_methods(cli, tmp_path: Path) -> None:
    extra = "      method: refnud\n"
    document = _run(cli, tmp_path, HANDLERS / "python", "billing.handlers.RefundHandler", extra)
    rules = {d["rule_id"] for d in document["files"][0]["diagnostics"]}
    assert rules == {"METHOD_NOT_FOUND", "METHOD_IGNORED_BY_WORKER"}
    extra = "      method: partial\n"
    document = _run(cli, tmp_path, HANDLERS / "python", "billing.handlers.RefundHandler", extra)
    rules = {d["rule_id"] for d in document["files"][0]["diagnostics"]}
    assert rules == {"METHOD_IGNORED_BY_WORKER"}


def test_import_errors_carry_file_and_line(cli, tmp_path: Path) -> None:
    document = _run(cli, tmp_path, HANDLERS / "broken", "shop.good.ok")
    [finding] = document["files"][0]["diagnostics"]
    assert finding["rule_id"] == "HANDLER_IMPORT_ERROR"
    assert finding["path"].endswith("shop/bad.py")
    assert finding["line"] == 5
    assert "cannot load the shop configuration" in finding["message"]


def test_import_finds_handlers_in_namespace_packages(cli, tmp_path: Path) -> None:
    # a `handlers/` directory without __init__.py, as in the Python SDK guide
    package = tmp_path / "root" / "shop_ns"
    package.mkdir(parents=True)
    (package / "cart.py").write_text(
        "from tasker_core import StepHandler, StepHandlerResult\n\n\n"
        "class ValidateCart(StepHandler):\n"
        '    handler_name = "validate_cart"\n\n'
        "    def call(self, context):\n"
        "        return StepHandlerResult.success(result={})\n"
    )
    path = tmp_path / "t.yaml"
    path.write_text(TEMPLATE.format(callable="validate_cart", extra=""))
    result = cli("validate", str(path), "--import", "--format", "json", cwd=tmp_path / "root")
    document = json.loads(result.stdout)
    # resolved; only the advice that `run` (which looks beside the template) needs a flag,
    # the same advice the static check gives
    [advice] = document["files"][0]["diagnostics"]
    assert advice["rule_id"] == "RUN_NEEDS_HANDLER_PACKAGE", document
    assert "--handler-package root.shop_ns" in advice["message"]
    assert result.exit_code == 0
    static = cli("validate", str(path), "--format", "json", cwd=tmp_path / "root")
    assert json.loads(static.stdout)["files"][0]["diagnostics"] == [advice]
    for name, module in list(sys.modules.items()):
        if str(tmp_path) in str(
            getattr(module, "__file__", None) or getattr(module, "__path__", "")
        ):
            del sys.modules[name]


def test_an_unimportable_package_is_not_located_in_tasker_ctl(cli, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(TEMPLATE.format(callable="shop.a", extra=""))
    result = cli(
        "validate", str(path), "--import", "--handler-package", "no_such_pkg_xyz", "-f", "json"
    )
    [problem] = [
        d
        for d in json.loads(result.stdout)["files"][0]["diagnostics"]
        if d["rule_id"] == "HANDLER_IMPORT_ERROR"
    ]
    assert problem["path"] == str(path)
    assert "tasker_ctl" not in problem["path"]
    assert "No module named 'no_such_pkg_xyz'" in problem["message"]
    assert "--handlers-root" in problem["message"]


def test_noisy_or_exiting_handler_modules_do_not_break_the_report(cli, tmp_path: Path) -> None:
    package = tmp_path / "root" / "shop_noisy"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('print("loading shop handlers")\n')
    (package / "quits.py").write_text("import sys\n\nsys.exit(0)\n")
    path = tmp_path / "t.yaml"
    path.write_text(TEMPLATE.format(callable="shop_noisy.nothing", extra=""))
    result = cli(
        "validate",
        str(path),
        "--import",
        "--handlers-root",
        str(tmp_path / "root"),
        "--handler-package",
        "shop_noisy",
        "--format",
        "json",
    )
    document = json.loads(result.stdout)  # nothing the modules print reaches stdout
    assert result.exit_code == 1
    assert "loading shop handlers" in result.stderr
    [problem] = [
        d for d in document["files"][0]["diagnostics"] if d["rule_id"] == "HANDLER_IMPORT_ERROR"
    ]
    assert problem["message"] == "importing shop_noisy.quits failed: SystemExit: 0"
    assert problem["path"].endswith("quits.py") and problem["line"] == 3
    for name in [n for n in sys.modules if n.startswith("shop_noisy")]:
        del sys.modules[name]
