"""Static handler resolution for the four languages, and language inference."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasker_ctl.resolution import Status, build_index, infer_language
from tests.validation.corpus import HANDLERS

PY, RB, TS, RS = (HANDLERS / n for n in ("python", "ruby", "typescript", "rust"))


@pytest.mark.parametrize(
    ("root", "language", "callable_", "kind"),
    [
        (PY, "python", "billing.handlers.charge", "standard"),
        (PY, "python", "billing.handlers.refund", "standard"),  # name from a module constant
        (PY, "python", "billing.handlers.route", "decision"),
        (PY, "python", "billing.handlers.RefundHandler", None),  # handler_name
        (PY, "python", "billing.handlers.AuditHandler", None),  # class lookup only
        (RB, "ruby", "Payments::StepHandlers::ChargeHandler", "standard"),
        (RB, "ruby", "payments.route", "decision"),
        (RB, "ruby", "Payments::StepHandlers::RefundHandler", None),  # constant path
        (TS, "typescript", "Payments.ChargeHandler", "standard"),
        (TS, "typescript", "Payments.RouteHandler", "decision"),
        (TS, "typescript", "Payments.RefundHandler", None),  # static handlerName
        (RS, "rust", "payments_charge", None),  # fn name(&self)
        (RS, "rust", "payments_refund", None),  # register_handler("...")
    ],
)
def test_registered_handlers_are_found(root: Path, language, callable_, kind) -> None:
    result = build_index([root]).resolve(callable_, language)
    assert result.status is Status.FOUND, result.detail
    assert result.handler is not None and result.handler.kind == kind
    assert result.handler.path.is_file() and result.handler.line >= 1


@pytest.mark.parametrize(
    ("root", "language", "callable_"),
    [
        (PY, "python", "billing.handlers.charge_card"),
        (PY, "python", "billing.handlers.Missing"),
        (PY, "python", "billing.payments.RefundHandler"),
        (RB, "ruby", "Payments::ChargeHandler"),
        (TS, "typescript", "Payments.Charge"),
        (RS, "rust", "payments_charge_card"),
    ],
)
def test_unregistered_callables_are_not_found(root: Path, language, callable_) -> None:
    result = build_index([root]).resolve(callable_, language)
    assert result.status is Status.NOT_FOUND


def test_no_sources_means_not_checked(tmp_path: Path) -> None:
    (tmp_path / "notes.py").write_text("print('no handlers here')\n")
    index = build_index([tmp_path])
    for language in ("python", "ruby", "typescript", "rust"):
        assert index.resolve("anything.At.All", language).status is Status.NOT_CHECKED
    assert build_index([PY]).resolve("x.Y", None).status is Status.NOT_CHECKED


def test_the_scan_never_imports_python_code(tmp_path: Path) -> None:
    pkg = tmp_path / "boom"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("raise SystemExit('imported!')\n")
    (pkg / "h.py").write_text(
        "from tasker_core.step_handler.functional import step_handler\n"
        "raise SystemExit('imported!')\n"
        "@step_handler('boom.h.go')\ndef go(context):\n    return {}\n"
    )
    assert build_index([tmp_path]).resolve("boom.h.go", "python").status is Status.FOUND


def test_language_inference() -> None:
    index = build_index([PY, RB, TS, RS])
    assert infer_language(["language:rb"], ["x.y"], index) == "ruby"
    assert infer_language([], ["billing.handlers.charge"], index) == "python"
    assert infer_language([], ["Payments.ChargeHandler"], index) == "typescript"
    assert infer_language([], ["payments_charge"], index) == "rust"
    assert infer_language([], ["Shop::Orders::Handler"], None) == "ruby"
    assert infer_language([], ["shop_rs::handlers::Charge"], None) == "rust"
    assert infer_language([], ["shop.handlers.charge"], None) is None
