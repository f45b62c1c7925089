"""Shared test set-up: isolated configuration, plain deterministic output, a CLI runner."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

# Importing tasker_core prints ~100 Rust log lines to stdout unless RUST_LOG is set.
os.environ.setdefault("RUST_LOG", "off")
os.environ["NO_COLOR"] = "1"
os.environ["COLUMNS"] = "120"
os.environ.pop("FORCE_COLOR", None)

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "snapshots"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--snapshot-update",
        action="store_true",
        default=False,
        help="rewrite the files under snapshots/ instead of comparing against them",
    )


@pytest.fixture(autouse=True)
def _isolated_config(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """No test reads the developer's own ~/.config/tasker-ctl.toml."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg")))
    monkeypatch.delenv("TASKER_CTL_CONFIG", raising=False)
    yield


Invoke = Callable[..., Result]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """Run ``tasker-ctl ARGS...`` in-process; ``cwd=`` changes directory first."""
    from tasker_ctl.cli.app import app

    def invoke(*args: str, cwd: Path | None = None, input: str | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        runner = CliRunner()
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def snapshot_update(request: pytest.FixtureRequest) -> bool:
    """Whether ``--snapshot-update`` was given."""
    return bool(request.config.getoption("--snapshot-update"))
