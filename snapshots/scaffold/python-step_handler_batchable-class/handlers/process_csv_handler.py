"""ProcessCsv batch handlers, written as ``Batchable`` + ``StepHandler`` classes.

Three handlers make one batch pipeline: an analyzer that splits the work into
cursor ranges, a worker run once per range, and an aggregator run after every
worker. Register them with these step types (the worker step carries
``batch_config``; the analyzer names it for the no-batches path):

    steps:
      - name: process_csv_analyze
        type: batchable
        handler:
          callable: handlers.process_csv_handler.ProcessCsvAnalyzerHandler
          initialization:
            worker_template_name: process_csv_batch
      - name: process_csv_batch
        type: batch_worker
        dependencies: [process_csv_analyze]
        handler:
          callable: handlers.process_csv_handler.ProcessCsvWorkerHandler
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
          callable: handlers.process_csv_handler.ProcessCsvAggregatorHandler

Workers are created as ``process_csv_batch_001``,
``process_csv_batch_002`` and so on. When there is nothing to do, one
placeholder worker, ``process_csv_batch_000``, runs as a no-op.
"""

from __future__ import annotations

from tasker_core import StepContext, StepHandler, StepHandlerResult
from tasker_core.batch_processing import Batchable, BatchAggregationScenario

ANALYZE_STEP = "process_csv_analyze"
WORKER_STEP = "process_csv_batch"
BATCH_SIZE = 100


class ProcessCsvAnalyzerHandler(StepHandler, Batchable):
    """Split ``total_items`` (from the task context) into batches of ``BATCH_SIZE``."""

    handler_name = "handlers.process_csv_handler.ProcessCsvAnalyzerHandler"
    handler_version = "1.0.0"

    def call(self, context: StepContext) -> StepHandlerResult:
        """Return the batch outcome; zero items yields the no-batches outcome."""
        raw = context.get_input("total_items") or 0
        try:
            count = int(raw)
        except (TypeError, ValueError):
            return self.failure(
                f"total_items must be a whole number, got {raw!r}",
                error_type="validation_error",
                retryable=False,
            )
        if count < 0:
            return self.failure(
                f"total_items must not be negative, got {count}",
                error_type="validation_error",
                retryable=False,
            )
        outcome = self.create_batch_outcome(total_items=count, batch_size=BATCH_SIZE)
        return self.batch_analyzer_success(outcome, worker_template_name=WORKER_STEP)


class ProcessCsvWorkerHandler(StepHandler, Batchable):
    """Process the items of one cursor range ``[start_cursor, end_cursor)``."""

    handler_name = "handlers.process_csv_handler.ProcessCsvWorkerHandler"
    handler_version = "1.0.0"

    def call(self, context: StepContext) -> StepHandlerResult:
        """Handle the no-op placeholder, then the worker's cursor range."""
        no_op = self.handle_no_op_worker(context)
        if no_op is not None:
            return no_op
        batch_context = self.get_batch_context(context)
        if batch_context is None:
            return self.failure(
                "no batch cursor: run this handler as a batch_worker step",
                error_type="configuration_error",
                retryable=False,
            )
        processed = 0
        for _index in range(batch_context.start_cursor, batch_context.end_cursor):
            processed += 1  # process one item here
        return self.batch_worker_success(
            items_processed=processed, items_succeeded=processed
        )


class ProcessCsvAggregatorHandler(StepHandler, Batchable):
    """Sum what the workers processed (zero when there were no batches)."""

    handler_name = "handlers.process_csv_handler.ProcessCsvAggregatorHandler"
    handler_version = "1.0.0"

    def call(self, context: StepContext) -> StepHandlerResult:
        """Aggregate the worker results."""
        scenario = BatchAggregationScenario.detect(
            context.dependency_results, ANALYZE_STEP, f"{WORKER_STEP}_"
        )
        if scenario.is_no_batches:
            return self.success(
                {"total_processed": 0, "worker_count": 0, "scenario": "no_batches"}
            )
        total = sum(
            int(r.get("items_processed", 0)) for r in scenario.batch_results.values()
        )
        return self.success(
            {
                "total_processed": total,
                "worker_count": scenario.worker_count,
                "scenario": "with_batches",
            }
        )
