"""Analyze a CSV, process it in cursor ranges with checkpoints, aggregate the totals."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

from tasker_core import StepContext, StepHandler, StepHandlerResult
from tasker_core.batch_processing import Batchable, BatchAggregationScenario
from tasker_core.errors import PermanentError
from tasker_core.step_handler.functional import step_handler

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def read_rows(name: str) -> list[dict[str, str]]:
    """Rows of a CSV file of the example's data directory (or an absolute path)."""
    path = Path(name) if Path(name).is_absolute() else DATA_DIR / name
    if not path.is_file():
        raise PermanentError(f"CSV file {path} does not exist")
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


class AnalyzeCsvHandler(StepHandler, Batchable):
    handler_name = "handlers.transactions.AnalyzeCsvHandler"

    def call(self, context: StepContext) -> StepHandlerResult:
        rows = read_rows(context.get_input("csv_file"))
        batch_size = context.get_input("batch_size") or context.get_config("batch_size")
        ranges = self.create_cursor_ranges(total_items=len(rows), batch_size=batch_size)
        return self.batch_analyzer_success(
            cursor_configs=ranges,
            total_items=len(rows),
            worker_template_name=context.get_config("worker_template_name"),
            batch_metadata={"csv_file": context.get_input("csv_file")},
        )


class ProcessCsvBatchHandler(StepHandler, Batchable):
    """Sums one cursor range, yielding a checkpoint every ``rows_per_checkpoint`` rows."""

    handler_name = "handlers.transactions.ProcessCsvBatchHandler"

    def call(self, context: StepContext) -> StepHandlerResult:
        no_op = self.handle_no_op_worker(context)
        if no_op is not None:
            return no_op
        batch = self.get_batch_context(context)
        rows = read_rows(context.get_input("csv_file"))
        start = context.checkpoint_cursor if context.has_checkpoint() else batch.start_cursor
        totals: dict[str, Any] = context.accumulated_results or {"amount": 0.0, "by_category": {}}
        stop = min(start + context.get_config("rows_per_checkpoint"), batch.end_cursor)
        by_category = Counter(totals["by_category"])
        for row in rows[start:stop]:
            by_category[row["category"]] += float(row["amount"])
            totals["amount"] += float(row["amount"])
        totals["by_category"] = {k: round(v, 2) for k, v in by_category.items()}
        if stop < batch.end_cursor:
            return self.checkpoint_yield(
                cursor=stop, items_processed=stop - batch.start_cursor, accumulated_results=totals
            )
        processed = batch.end_cursor - batch.start_cursor
        return self.batch_worker_success(
            items_processed=processed,
            items_succeeded=processed,
            batch_metadata={
                "amount": round(totals["amount"], 2),
                "by_category": totals["by_category"],
            },
        )


@step_handler("transactions.aggregate_results")
def aggregate_results(context):
    scenario = BatchAggregationScenario.detect(
        context.dependency_results, "analyze_csv", "process_csv_batch_"
    )
    if scenario.is_no_batches:
        return {"rows": 0, "amount": 0.0, "by_category": {}, "workers": 0}
    by_category: Counter[str] = Counter()
    amount = 0.0
    rows = 0
    for result in scenario.batch_results.values():
        amount += result["batch_metadata"]["amount"]
        by_category.update(result["batch_metadata"]["by_category"])
        rows += result["items_processed"]
    return {
        "rows": rows,
        "amount": round(amount, 2),
        "by_category": {k: round(v, 2) for k, v in sorted(by_category.items())},
        "workers": scenario.worker_count,
    }
