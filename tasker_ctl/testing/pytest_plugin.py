"""The pytest plugin: the ``tasker`` fixture (registered as the ``pytest11`` entry point).

``tasker`` is a :class:`TaskerFixture`: :meth:`~TaskerFixture.run` runs a task template
of the project the test file belongs to (settings from the ``.tasker-ctl.toml`` found
from the test's directory upward, as the CLI finds it from the working directory),
and :meth:`~TaskerFixture.snapshot` compares a run's outcome with a JSON file in
``__snapshots__/`` next to the test module. Each run has a worker process of its own,
so nothing a handler module keeps at module level survives into another test.

Loading the plugin imports nothing heavy (no SDK, no executor): pytest loads it in
every session of an environment where tasker-ctl is installed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.register_assert_rewrite("tasker_ctl.testing.assertions")

from tasker_ctl.errors import TaskerCtlError  # noqa: E402
from tasker_ctl.testing.runs import Run, Tasker  # noqa: E402 - after the rewrite hook


class TaskerFixture(Tasker):
    """:class:`~tasker_ctl.testing.Tasker` for one test, with snapshot files beside it."""

    def __init__(self, test_path: Path, test_name: str, update: bool) -> None:
        super().__init__(test_path.parent)
        self.test_path = test_path
        self.test_name = test_name
        self.update = update

    def snapshot_path(self, name: str | None = None) -> Path:
        """``__snapshots__/<module>/<test or name>.json`` next to the test module."""
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", name or self.test_name).strip("_") or "snapshot"
        return self.test_path.parent / "__snapshots__" / self.test_path.stem / f"{stem}.json"

    def snapshot(self, run: Run, name: str | None = None) -> None:
        """Assert that ``run``'s outcome equals the stored snapshot (written if missing)."""
        __tracebackhide__ = True
        from tasker_ctl.testing.assertions import match_snapshot

        match_snapshot(run, self.snapshot_path(name), update=self.update or None)


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--tasker-update-snapshots``."""
    group = parser.getgroup("tasker", "Tasker workflow tests (tasker-ctl)")
    group.addoption(
        "--tasker-update-snapshots",
        action="store_true",
        default=False,
        help="rewrite the run outcome snapshots that differ instead of failing",
    )


@pytest.fixture
def tasker(request: pytest.FixtureRequest) -> TaskerFixture:
    """Runs the project's workflows: ``tasker.run("config/tasks/x.yaml", context=...)``."""
    update = bool(request.config.getoption("--tasker-update-snapshots"))
    try:
        return TaskerFixture(Path(str(request.path)), request.node.name, update)
    except TaskerCtlError as exc:  # the project's configuration: say what, not where in here
        problem = "\n".join([str(exc), *getattr(exc, "__notes__", ())])
    pytest.fail(problem, pytrace=False)
