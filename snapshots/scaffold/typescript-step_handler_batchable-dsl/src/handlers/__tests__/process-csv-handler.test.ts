import type { StepContext } from '@tasker-systems/tasker';
import { describe, expect, it, vi } from 'vitest';

import {
  ANALYZE_STEP,
  ProcessCsvAggregatorHandler,
  ProcessCsvAnalyzerHandler,
  ProcessCsvWorkerHandler,
  WORKER_STEP,
} from '../process-csv-handler';

interface ContextOptions {
  inputs?: Record<string, unknown>;
  dependencies?: Record<string, unknown>;
  stepInputs?: Record<string, unknown>;
  retryCount?: number;
}

/**
 * A StepContext shaped like the one the worker builds. `dependencies` maps
 * step names to their results; `dependencyResults` holds them wrapped the
 * way the orchestrator stores them, `getDependencyResult` unwraps them.
 */
function mockContext({
  inputs = {},
  dependencies = {},
  stepInputs = {},
  retryCount = 0,
}: ContextOptions = {}): StepContext {
  const dependencyResults = Object.fromEntries(
    Object.entries(dependencies).map(([step, result]) => [
      step,
      { success: true, status: 'completed', result },
    ]),
  );
  return {
    taskUuid: '0190c5a0-0000-7000-8000-000000000001',
    stepUuid: '0190c5a0-0000-7000-8000-000000000002',
    correlationId: '0190c5a0-0000-7000-8000-000000000003',
    handlerName: 'test',
    inputData: inputs,
    dependencyResults,
    stepConfig: {},
    stepInputs,
    retryCount,
    maxRetries: 3,
    getInput: vi.fn((key: string) => inputs[key]),
    getDependencyResult: vi.fn((step: string) => dependencies[step] ?? null),
  } as unknown as StepContext;
}

/** The step inputs the orchestrator gives one batch worker. */
function workerInputs(batchId: string, start: number, end: number, noOp = false) {
  return {
    cursor: { batch_id: batchId, start_cursor: start, end_cursor: end, batch_size: end - start },
    batch_metadata: { cursor_field: 'item_index', failure_strategy: 'continue_on_failure' },
    is_no_op: noOp,
  };
}

async function analyze(totalItems: unknown): Promise<Record<string, unknown>> {
  const result = await new ProcessCsvAnalyzerHandler().call(
    mockContext({ inputs: { total_items: totalItems } }),
  );
  expect(result.success).toBe(true);
  return result.result as Record<string, unknown>;
}

async function work(stepInputs: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await new ProcessCsvWorkerHandler().call(mockContext({ stepInputs }));
  expect(result.success).toBe(true);
  return result.result as Record<string, unknown>;
}

async function aggregate(dependencies: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await new ProcessCsvAggregatorHandler().call(mockContext({ dependencies }));
  expect(result.success).toBe(true);
  return result.result as Record<string, unknown>;
}

interface Outcome {
  type: string;
  worker_template_name?: string;
  cursor_configs?: { batch_id: string; start_cursor: number; end_cursor: number }[];
}

describe('ProcessCsvAnalyzerHandler', () => {
  it('registers under its callable name', () => {
    expect(ProcessCsvAnalyzerHandler.handlerName).toBe('Handlers.ProcessCsvAnalyzerHandler');
  });

  it('splits the items into cursor ranges for the worker step', async () => {
    const outcome = (await analyze(250)).batch_processing_outcome as Outcome;
    expect(outcome.type).toBe('create_batches');
    expect(outcome.worker_template_name).toBe(WORKER_STEP);
    expect(outcome.cursor_configs?.map((c) => [c.start_cursor, c.end_cursor])).toEqual([
      [0, 100],
      [100, 200],
      [200, 250],
    ]);
  });

  it('creates no batches for zero items', async () => {
    const outcome = (await analyze(0)).batch_processing_outcome as Outcome;
    expect(outcome.type).toBe('no_batches');
  });

  it('rejects a count that is not a number, permanently', async () => {
    const result = await new ProcessCsvAnalyzerHandler().call(
      mockContext({ inputs: { total_items: 'many' } }),
    );
    expect(result.success).toBe(false);
    expect(result.retryable).toBe(false);
  });
});

describe('ProcessCsvWorkerHandler', () => {
  it('registers under its callable name', () => {
    expect(ProcessCsvWorkerHandler.handlerName).toBe('Handlers.ProcessCsvWorkerHandler');
  });

  it('processes its cursor range', async () => {
    expect(await work(workerInputs('002', 100, 200))).toMatchObject({
      batch_id: '002',
      items_processed: 100,
    });
  });

  it('does nothing as the no-op placeholder', async () => {
    expect(await work(workerInputs('000', 0, 0, true))).toMatchObject({
      items_processed: 0,
      no_op: true,
    });
  });
});

describe('ProcessCsvAggregatorHandler', () => {
  it('registers under its callable name', () => {
    expect(ProcessCsvAggregatorHandler.handlerName).toBe('Handlers.ProcessCsvAggregatorHandler');
  });

  it('sums the workers', async () => {
    const analyzerResult = await analyze(250);
    const dependencies: Record<string, unknown> = { [ANALYZE_STEP]: analyzerResult };
    const outcome = analyzerResult.batch_processing_outcome as Outcome;
    for (const config of outcome.cursor_configs ?? []) {
      dependencies[`${WORKER_STEP}_${config.batch_id}`] = await work(
        workerInputs(config.batch_id, config.start_cursor, config.end_cursor),
      );
    }
    expect(await aggregate(dependencies)).toEqual({
      total_processed: 250,
      worker_count: 3,
      scenario: 'with_batches',
    });
  });

  it('handles the no-batches path', async () => {
    const dependencies = {
      [ANALYZE_STEP]: await analyze(0),
      [`${WORKER_STEP}_000`]: { items_processed: 0, no_op: true },
    };
    expect(await aggregate(dependencies)).toMatchObject({
      total_processed: 0,
      scenario: 'no_batches',
    });
  });
});
