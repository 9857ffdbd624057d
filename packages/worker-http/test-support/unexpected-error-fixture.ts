import { expect, vi } from 'vitest';

/** The Ray ID the fixture's request carries (`cf-ray`), which the log line must name as its request id. */
export const TEST_RAY_ID = '8f1c2a3b4d5e6f70-AMS';

/** What the log line of an unexpected error must name. */
export interface ExpectedUnexpectedError {
  /** `waddle-api` or `waddle-monitor`. */
  readonly worker: string;
  /** The route that failed, by its method and pattern (`GET /v1/waddles/{waddle}`). */
  readonly route: string;
  /** The error's `name`, and a part of its `message`. */
  readonly error: { readonly name: string; readonly message: string };
}

/**
 * The test both Workers share for an error they did not expect: `send` sends a request that fails
 * unexpectedly, with the headers given (a `cf-ray` of {@link TEST_RAY_ID}), while `console.error` is
 * captured. The answer must be 500 `internal` saying nothing of the error, and exactly one line must
 * be logged: JSON naming the worker, the route pattern, the Ray ID and the error. Returns the logged
 * stack, for the caller to check where the error came from.
 *
 * @example
 * ```ts
 * const stack = await expectUnexpectedErrorAnswered((headers) => worker.fetch(new Request(url, { headers }), brokenEnv), {
 *   worker: 'waddle-monitor',
 *   route: 'GET /api/databases',
 *   error: { name: 'InvalidMonitorConfigError', message: 'CRITICAL_PERCENT' },
 * });
 * ```
 */
export async function expectUnexpectedErrorAnswered(
  send: (headers: Record<string, string>) => Response | Promise<Response>,
  expected: ExpectedUnexpectedError,
): Promise<string> {
  const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    const response = await send({ 'cf-ray': TEST_RAY_ID });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: { code: 'internal', message: 'something went wrong on our side' } });
    expect(errors).toHaveBeenCalledTimes(1);
    const line = JSON.parse(String(errors.mock.calls[0]?.[0]));
    expect(line).toMatchObject({
      level: 'error',
      message: 'unexpected error',
      worker: expected.worker,
      route: expected.route,
      requestId: TEST_RAY_ID,
      error: { name: expected.error.name, message: expect.stringContaining(expected.error.message) },
    });
    return String(line.error.stack);
  } finally {
    errors.mockRestore();
  }
}
