"""Workflow-test API tests: the sample project, and a skip when the SDK is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SAMPLE = HERE / "sample_project"
EXAMPLES = HERE.parent.parent / "examples"
CART = {"cart_id": "C-1", "items": [{"price": 20, "quantity": 2}]}

# the sample project's own suite runs in a subprocess (test_plugin.py), not in ours
collect_ignore = ["sample_project"]


@pytest.fixture
def sdk() -> None:
    """Skip unless the real SDK is installed."""
    pytest.importorskip("tasker_core")
