/**
 * ProcessCsv batch handlers, written as `StepHandler` subclasses.
 *
 * Three handlers make one batch pipeline: an analyzer that splits the work
 * into cursor ranges, a worker run once per range, and an aggregator run after
 * every worker. Register them with these step types (the worker step carries
 * `batch_config`; the analyzer names it for the no-batches path):
 *
 *   steps:
 *     - name: process_csv_analyze
 *       type: batchable
 *       handler:
 *         callable: Handlers.ProcessCsvAnalyzerHandler
 *         initialization:
 *           worker_template_name: process_csv_batch
 *     - name: process_csv_batch
 *       type: batch_worker
 *       dependencies: [process_csv_analyze]
 *       handler:
 *         callable: Handlers.ProcessCsvWorkerHandler
 *       batch_config:
 *         batch_size: 100
 *         parallelism: 4
 *         cursor_field: item_index
 *         worker_template: process_csv_batch
 *         failure_strategy: continue_on_failure
 *     - name: process_csv_aggregate
 *       type: deferred_convergence
 *       dependencies: [process_csv_batch]
 *       handler:
 *         callable: Handlers.ProcessCsvAggregatorHandler
 *
 * Workers are created as `process_csv_batch_001`, `process_csv_batch_002`, ...; when
 * there is nothing to do, one placeholder `process_csv_batch_000` runs as a no-op.
 */
import {
  ErrorType,
  StepHandler,
  type StepContext,
  type StepHandlerResult,
} from '@tasker-systems/tasker';

export const ANALYZE_STEP = 'process_csv_analyze';
export const WORKER_STEP = 'process_csv_batch';
export const BATCH_SIZE = 100;

/** Input a retry cannot fix. */
export class BatchInputError extends Error {}

/** The cursor the orchestrator puts in each batch worker's step inputs. */
export interface CursorConfig {
  batch_id: string;
  start_cursor: number;
  end_cursor: number;
  batch_size: number;
}

/** `total_items` as a count of items; missing means zero. */
export function itemCount(totalItems: unknown): number {
  const count = totalItems == null || totalItems === '' ? 0 : Number(totalItems);
  if (!Number.isInteger(count)) {
    throw new BatchInputError(
      `total_items must be a whole number, got ${JSON.stringify(totalItems)}`,
    );
  }
  if (count < 0) {
    throw new BatchInputError(`total_items must not be negative, got ${count}`);
  }
  return count;
}

/**
 * The worker's result for its step inputs (`{cursor, batch_metadata,
 * is_no_op}`): process the items of [start_cursor, end_cursor).
 */
export function processBatch(
  stepInputs: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const cursor = stepInputs?.cursor as CursorConfig | undefined;
  if (cursor === undefined) {
    throw new BatchInputError('no batch cursor: run this handler as a batch_worker step');
  }
  if (stepInputs?.is_no_op === true) {
    return { batch_id: cursor.batch_id, items_processed: 0, no_op: true };
  }
  let processed = 0;
  for (let index = cursor.start_cursor; index < cursor.end_cursor; index += 1) {
    processed += 1; // process the item at `index` here
  }
  return { batch_id: cursor.batch_id, items_processed: processed, items_succeeded: processed };
}

/**
 * The aggregator's result: the sum of `items_processed` over the workers, or
 * zero when the analyzer created no batches.
 */
export function aggregate(
  analyzerResult: Record<string, unknown> | null | undefined,
  workerResults: Record<string, unknown>[],
): Record<string, unknown> {
  if (analyzerResult == null) {
    throw new BatchInputError(`no result from ${ANALYZE_STEP}: the aggregator must run after it`);
  }
  const outcome = analyzerResult.batch_processing_outcome as { type?: string } | undefined;
  if (outcome?.type === 'no_batches') {
    return { total_processed: 0, worker_count: 0, scenario: 'no_batches' };
  }
  const total = workerResults.reduce((sum, result) => sum + Number(result.items_processed ?? 0), 0);
  return { total_processed: total, worker_count: workerResults.length, scenario: 'with_batches' };
}

/** The results of the worker steps (`WORKER_STEP_001`, ...) among the dependencies. */
export function workerResults(context: StepContext): Record<string, unknown>[] {
  return Object.keys(context.dependencyResults ?? {})
    .filter((step) => step.startsWith(`${WORKER_STEP}_`))
    .map((step) => (context.getDependencyResult(step) ?? {}) as Record<string, unknown>);
}

/**
 * The analyzer's result: `count` items split into cursor ranges of
 * BATCH_SIZE, in the `batch_processing_outcome` shape the orchestrator
 * reads. Zero items give the no_batches outcome (one no-op placeholder runs).
 */
export function analyze(count: number): Record<string, unknown> {
  if (count === 0) {
    return {
      total_items: 0,
      reason: 'no items to process',
      batch_processing_outcome: { type: 'no_batches' },
    };
  }
  const cursorConfigs: CursorConfig[] = [];
  for (let start = 0; start < count; start += BATCH_SIZE) {
    const end = Math.min(start + BATCH_SIZE, count);
    cursorConfigs.push({
      batch_id: String(cursorConfigs.length + 1).padStart(3, '0'),
      start_cursor: start,
      end_cursor: end,
      batch_size: end - start,
    });
  }
  return {
    total_items: count,
    batch_processing_outcome: {
      type: 'create_batches',
      worker_template_name: WORKER_STEP,
      worker_count: cursorConfigs.length,
      cursor_configs: cursorConfigs,
      total_items: count,
    },
  };
}

/** Splits `total_items` (from the task context) into batches of BATCH_SIZE. */
export class ProcessCsvAnalyzerHandler extends StepHandler {
  static handlerName = 'Handlers.ProcessCsvAnalyzerHandler';
  static handlerVersion = '1.0.0';

  async call(context: StepContext): Promise<StepHandlerResult> {
    try {
      return this.success(analyze(itemCount(context.getInput('total_items'))));
    } catch (error) {
      if (error instanceof BatchInputError) {
        return this.failure(error.message, ErrorType.PERMANENT_ERROR, false);
      }
      throw error;
    }
  }
}

/**
 * Processes one cursor range; the step inputs carry the cursor and say whether
 * this is the no-op placeholder.
 */
export class ProcessCsvWorkerHandler extends StepHandler {
  static handlerName = 'Handlers.ProcessCsvWorkerHandler';
  static handlerVersion = '1.0.0';

  async call(context: StepContext): Promise<StepHandlerResult> {
    try {
      return this.success(processBatch(context.stepInputs));
    } catch (error) {
      if (error instanceof BatchInputError) {
        return this.failure(error.message, ErrorType.PERMANENT_ERROR, false);
      }
      throw error;
    }
  }
}

/** Sums what the workers processed (zero when there were no batches). */
export class ProcessCsvAggregatorHandler extends StepHandler {
  static handlerName = 'Handlers.ProcessCsvAggregatorHandler';
  static handlerVersion = '1.0.0';

  async call(context: StepContext): Promise<StepHandlerResult> {
    try {
      const analyzerResult = context.getDependencyResult(ANALYZE_STEP);
      return this.success(
        aggregate(analyzerResult as Record<string, unknown> | null, workerResults(context)),
      );
    } catch (error) {
      if (error instanceof BatchInputError) {
        return this.failure(error.message, ErrorType.PERMANENT_ERROR, false);
      }
      throw error;
    }
  }
}
