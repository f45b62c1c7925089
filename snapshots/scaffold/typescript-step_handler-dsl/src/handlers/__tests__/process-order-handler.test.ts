import type { StepContext } from '@tasker-systems/tasker';
import { describe, expect, it, vi } from 'vitest';

import { ProcessOrderHandler } from '../process-order-handler';

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

describe('ProcessOrderHandler', () => {
  it('registers under its callable name', () => {
    expect(ProcessOrderHandler.handlerName).toBe('Handlers.ProcessOrderHandler');
  });

  it('returns the task input', async () => {
    const result = await new ProcessOrderHandler().call(
      mockContext({ inputs: { input_value: 'test_value' } }),
    );
    expect(result.success).toBe(true);
    expect(result.result).toMatchObject({
      processed: true,
      handler: 'Handlers.ProcessOrderHandler',
      input_received: 'test_value',
      had_previous_result: false,
      attempt: 1,
    });
  });

  it('sees the previous step result', async () => {
    const result = await new ProcessOrderHandler().call(
      mockContext({ dependencies: { previous_step: { value: 42 } } }),
    );
    expect(result.result).toMatchObject({ had_previous_result: true });
  });

  it('reports the attempt number on a retry', async () => {
    const result = await new ProcessOrderHandler().call(mockContext({ retryCount: 1 }));
    expect(result.result).toMatchObject({ attempt: 2 });
  });
});
