import type { StepContext } from '@tasker-systems/tasker';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { FetchUserHandler, endpointUrl } from '../fetch-user-handler';

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

/** Answers every fetch with `status` and a JSON `body` instead of the network. */
function stubApi(status: number, body: unknown) {
  const fetchMock = vi.fn(
    async (_url: string | URL | Request, _init?: RequestInit) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      }),
  );
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

function run(endpoint = '/users/1') {
  return new FetchUserHandler().call(mockContext({ inputs: { endpoint } }));
}

describe('FetchUserHandler', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('registers under its callable name', () => {
    expect(FetchUserHandler.handlerName).toBe('Handlers.FetchUserHandler');
  });

  it('returns the JSON body on success', async () => {
    const fetchMock = stubApi(200, { id: 1, name: 'Ada' });
    const result = await run();
    expect(result.success).toBe(true);
    expect(result.result).toEqual({ id: 1, name: 'Ada' });
    expect(fetchMock.mock.calls[0]?.[0]).toBe(endpointUrl('/users/1'));
  });

  it.each([
    [408, true],
    [429, true],
    [500, true],
    [503, true],
    [400, false],
    [401, false],
    [404, false],
    [422, false],
  ])('classifies HTTP %i as retryable: %s', async (status, retryable) => {
    stubApi(status, { error: 'nope' });
    const result = await run();
    expect(result.success).toBe(false);
    expect(result.retryable).toBe(retryable);
  });

  it('retries when the connection is refused', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('fetch failed');
      }),
    );
    const result = await run();
    expect(result.success).toBe(false);
    expect(result.retryable).toBe(true);
  });

  it('retries when the request times out', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new DOMException('The operation timed out.', 'TimeoutError');
      }),
    );
    const result = await run();
    expect(result.success).toBe(false);
    expect(result.retryable).toBe(true);
  });
});
