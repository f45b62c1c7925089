/**
 * ProcessCsv batch handlers, written with the Tasker TypeScript functional DSL.
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
  defineBatchAnalyzer,
  defineBatchWorker,
  defineHandler,
  PermanentError,
  type StepContext,
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

/** Runs `work`, turning a BatchInputError into a PermanentError. */
function permanentOnBadInput<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof BatchInputError) {
      throw new PermanentError(error.message, 'INVALID_BATCH_INPUT');
    }
    throw error;
  }
}

/**
 * Splits `total_items` (from the task context) into batches of BATCH_SIZE;
 * the SDK turns the count into cursor ranges, or into the no-batches outcome
 * for zero items.
 */
export const ProcessCsvAnalyzerHandler = defineBatchAnalyzer(
  'Handlers.ProcessCsvAnalyzerHandler',
  { workerTemplate: WORKER_STEP, inputs: { totalItems: 'total_items' } },
  async ({ totalItems }) => ({
    totalItems: permanentOnBadInput(() => itemCount(totalItems)),
    batchSize: BATCH_SIZE,
  }),
);

/**
 * Processes one cursor range. It reads the cursor from the step inputs, which
 * also say whether this is the no-op placeholder.
 */
export const ProcessCsvWorkerHandler = defineBatchWorker(
  'Handlers.ProcessCsvWorkerHandler',
  {},
  async ({ context }) => permanentOnBadInput(() => processBatch(context.stepInputs)),
);

/** Sums what the workers processed (zero when there were no batches). */
export const ProcessCsvAggregatorHandler = defineHandler(
  'Handlers.ProcessCsvAggregatorHandler',
  { depends: { analyzerResult: ANALYZE_STEP } },
  async ({ analyzerResult, context }) =>
    permanentOnBadInput(() =>
      aggregate(analyzerResult as Record<string, unknown> | null, workerResults(context)),
    ),
);
