"""Workflow tests for csv_batch: batch workers and their checkpoint yields.

Run with: pytest examples/csv_batch/tests
"""

from __future__ import annotations

import json
from pathlib import Path

from tasker_ctl.testing import result
from tasker_ctl.testing.assertions import assert_run_complete

TEMPLATE = "config/tasks/csv_batch.yaml"
CONTEXT = json.loads((Path(__file__).parent.parent / "context.json").read_text())


def test_each_worker_resumes_from_its_checkpoints(tasker):
    run = tasker.run(TEMPLATE, context=CONTEXT)
    assert_run_complete(run)
    workers = [s for s in run if s.template_step == "process_csv_batch"]
    assert len(workers) == len(run.step("analyze_csv").created) - 1  # and the aggregator
    first = workers[0]
    assert first.checkpoint_yields == 2  # 100 rows, a checkpoint every 40
    cursors = [c.checkpoint["cursor"] if c.checkpoint else None for c in first.calls]
    assert cursors == [None, 40, 80]
    total = run.step("aggregate_results").result
    assert total["workers"] == len(workers)
    assert total["rows"] == sum(s.result["items_processed"] for s in workers)


def test_a_stubbed_analyzer_with_no_batches_skips_the_workers(tasker):
    no_batches = result(
        batch_processing_outcome={"type": "no_batches"},
    )
    run = tasker.run(TEMPLATE, context=CONTEXT, stubs={"analyze_csv": no_batches})
    assert run.status == "complete"
    assert run.step("aggregate_results").result["workers"] == 0
