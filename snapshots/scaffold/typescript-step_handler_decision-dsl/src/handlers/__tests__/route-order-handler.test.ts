import type { StepContext } from '@tasker-systems/tasker';
import { describe, expect, it, vi } from 'vitest';

import { RouteOrderHandler } from '../route-order-handler';

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

/** Runs the handler and returns its `decision_point_outcome`. */
async function decide(routeKey: string | null): Promise<unknown> {
  const result = await new RouteOrderHandler().call(
    mockContext({ inputs: { route_key: routeKey } }),
  );
  expect(result.success).toBe(true);
  return (result.result as Record<string, unknown>).decision_point_outcome;
}

describe('RouteOrderHandler', () => {
  it('registers under its callable name', () => {
    expect(RouteOrderHandler.handlerName).toBe('Handlers.RouteOrderHandler');
  });

  it.each([
    ['fast_track', ['fast_track_processing']],
    ['review', ['manual_review']],
    ['anything_else', ['standard_processing']],
    [null, ['standard_processing']],
  ])('routes %s to %j', async (routeKey, steps) => {
    expect(await decide(routeKey)).toMatchObject({ type: 'create_steps', step_names: steps });
  });

  it('creates no branch for skip', async () => {
    expect(await decide('skip')).toMatchObject({ type: 'no_branches' });
  });
});
