/**
 * FetchUser API step handler, written with the Tasker TypeScript functional DSL.
 *
 * Register it in a task template by its callable:
 *
 *   steps:
 *     - name: fetch_user
 *       handler:
 *         callable: Handlers.FetchUserHandler
 *       retry:
 *         retryable: true
 *         max_attempts: 3
 *
 * HTTP failures are classified for the orchestrator: 408, 429 and 5xx
 * responses, connection errors and timeouts are retryable; other 4xx
 * responses are not.
 */
import { defineApiHandler, PermanentError, RetryableError } from '@tasker-systems/tasker';

/** Base URL of the API; `endpoint` from the task context is a path under it. */
export const BASE_URL = 'https://api.example.com';
const TIMEOUT_MS = 30_000;

/** What one GET produced: the JSON body, or a failure and whether a retry can help. */
export type ApiOutcome =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; retryable: boolean; message: string; status?: number };

/** 408, 429 and 5xx answers can succeed on a retry; other 4xx cannot. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** The URL for `path` under BASE_URL (BASE_URL may have a path of its own). */
export function endpointUrl(path: string): string {
  return `${BASE_URL.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** GETs `endpoint` ('/' when empty) under BASE_URL; never throws. */
export async function getEndpoint(endpoint: unknown): Promise<ApiOutcome> {
  const path = typeof endpoint === 'string' && endpoint !== '' ? endpoint : '/';
  let response: Response;
  try {
    response = await fetch(endpointUrl(path), {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    // fetch rejects on refused connections, DNS failures and the timeout.
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, retryable: true, message: `GET ${path} failed: ${reason}` };
  }
  if (response.ok) {
    return { ok: true, body: await readBody(response) };
  }
  return {
    ok: false,
    retryable: isRetryableStatus(response.status),
    status: response.status,
    message: `GET ${path} answered HTTP ${response.status}`,
  };
}

/** A JSON object is the result itself; anything else is wrapped in one. */
async function readBody(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  if (text === '') {
    return {};
  }
  try {
    const data: unknown = JSON.parse(text);
    return typeof data === 'object' && data !== null && !Array.isArray(data)
      ? (data as Record<string, unknown>)
      : { data };
  } catch {
    return { body: text };
  }
}

/**
 * GETs `endpoint` (from the task context) and returns the JSON body. The
 * DSL also passes `api`, the SDK's own HTTP client; this handler calls
 * `fetch` through getEndpoint so that the classification is spelled out
 * above and the test can stub the network.
 */
export const FetchUserHandler = defineApiHandler(
  'Handlers.FetchUserHandler',
  { baseUrl: BASE_URL, inputs: { endpoint: 'endpoint' } },
  async ({ endpoint }) => {
    const outcome = await getEndpoint(endpoint);
    if (outcome.ok) {
      return outcome.body;
    }
    if (outcome.retryable) {
      throw new RetryableError(outcome.message);
    }
    throw new PermanentError(outcome.message, `HTTP_${outcome.status}`);
  },
);
