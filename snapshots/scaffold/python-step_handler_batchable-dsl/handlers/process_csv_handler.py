"""ProcessCsv batch handlers, written with the tasker_core functional DSL.

Three handlers make one batch pipeline: an analyzer that splits the work into
cursor ranges, a worker run once per range, and an aggregator run after every
worker. Register them with these step types (the worker step carries
``batch_config``; the analyzer names it for the no-batches path):

    steps:
      - name: process_csv_analyze
        type: batchable
        handler:
          callable: handlers.process_csv_handler.process_csv_analyzer
          initialization:
            worker_template_name: process_csv_batch
      - name: process_csv_batch
        type: batch_worker
        dependencies: [process_csv_analyze]
        handler:
          callable: handlers.process_csv_handler.process_csv_worker
        batch_config:
          batch_size: 100
          parallelism: 4
          cursor_field: item_index
          worker_template: process_csv_batch
          failure_strategy: continue_on_failure
      - name: process_csv_aggregate
        type: deferred_convergence
        dependencies: [process_csv_batch]
        handler:
          callable: handlers.process_csv_handler.process_csv_aggregator

Workers are created as ``process_csv_batch_001``,
``process_csv_batch_002`` and so on. When there is nothing to do, one
placeholder worker, ``process_csv_batch_000``, runs as a no-op.
"""

from __future__ import annotations

from typing import Any

from tasker_core import PermanentError, StepContext
from tasker_core.batch_processing import BatchAggregationScenario
from tasker_core.step_handler.functional import (
    BatchConfig,
    batch_analyzer,
    batch_worker,
    inputs,
    step_handler,
)
from tasker_core.types import BatchWorkerContext

ANALYZER = "handlers.process_csv_handler.process_csv_analyzer"
WORKER = "handlers.process_csv_handler.process_csv_worker"
AGGREGATOR = "handlers.process_csv_handler.process_csv_aggregator"

ANALYZE_STEP = "process_csv_analyze"
WORKER_STEP = "process_csv_batch"
BATCH_SIZE = 100


@batch_analyzer(ANALYZER, worker_template=WORKER_STEP)
@inputs("total_items")
def process_csv_analyzer(
    total_items: int | str | None, context: StepContext
) -> BatchConfig:
    """Split ``total_items`` (from the task context) into batches of ``BATCH_SIZE``.

    Zero items yields the no-batches outcome: one no-op placeholder worker runs.
    """
    try:
        count = int(total_items or 0)
    except (TypeError, ValueError) as exc:
        raise PermanentError(
            f"total_items must be a whole number, got {total_items!r}"
        ) from exc
    if count < 0:
        raise PermanentError(f"total_items must not be negative, got {count}")
    return BatchConfig(total_items=count, batch_size=BATCH_SIZE)


@batch_worker(WORKER)
def process_csv_worker(
    batch_context: BatchWorkerContext | None, context: StepContext
) -> dict[str, Any]:
    """Process the items of one cursor range ``[start_cursor, end_cursor)``."""
    if batch_context is None:
        raise PermanentError("no batch cursor: run this handler as a batch_worker step")
    if context.step_inputs.get("is_no_op"):
        return {"batch_id": batch_context.batch_id, "items_processed": 0, "no_op": True}
    processed = 0
    for _index in range(batch_context.start_cursor, batch_context.end_cursor):
        processed += 1  # process one item here
    return {
        "batch_id": batch_context.batch_id,
        "items_processed": processed,
        "items_succeeded": processed,
    }


@step_handler(AGGREGATOR)
def process_csv_aggregator(context: StepContext) -> dict[str, Any]:
    """Sum what the workers processed (zero when there were no batches)."""
    scenario = BatchAggregationScenario.detect(
        context.dependency_results, ANALYZE_STEP, f"{WORKER_STEP}_"
    )
    if scenario.is_no_batches:
        return {"total_processed": 0, "worker_count": 0, "scenario": "no_batches"}
    total = sum(
        int(r.get("items_processed", 0)) for r in scenario.batch_results.values()
    )
    return {
        "total_processed": total,
        "worker_count": scenario.worker_count,
        "scenario": "with_batches",
    }
