import { describe, expect, it, vi } from 'vitest';
import { logUnexpectedError, requestIdOf, unexpectedErrorLine } from '../src/unexpected-error.ts';

const CONTEXT = { worker: 'waddle-api', route: 'GET /v1/me', requestId: 'ray-1' } as const;

describe('the log line of an unexpected error', () => {
  it('is one line of JSON with level, message, worker, route, request id and the error with its stack and cause', () => {
    const error = new TypeError('cannot read x', { cause: new RangeError('out of range') });
    const line = unexpectedErrorLine('unexpected error', CONTEXT, error);
    expect(line).not.toContain('\n');
    const parsed = JSON.parse(line);
    expect(parsed).toMatchObject({
      level: 'error',
      message: 'unexpected error',
      worker: 'waddle-api',
      route: 'GET /v1/me',
      requestId: 'ray-1',
      error: { name: 'TypeError', message: 'cannot read x', cause: { name: 'RangeError', message: 'out of range' } },
    });
    expect(parsed.error.stack).toMatch(/^TypeError: cannot read x\n\s+at /);
    expect(JSON.parse(unexpectedErrorLine('x', CONTEXT, 'a string'))).toMatchObject({ error: { name: 'NonError', message: 'a string' } });
  });

  it('goes to console.error, and names the request by its Ray ID, or a fresh id without one', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      logUnexpectedError('unexpected error', CONTEXT, new Error('boom'));
      expect(errors).toHaveBeenCalledTimes(1);
      expect(JSON.parse(errors.mock.calls[0]![0] as string)).toMatchObject({ route: 'GET /v1/me', error: { message: 'boom' } });
    } finally {
      errors.mockRestore();
    }
    expect(requestIdOf(new Request('http://x/', { headers: { 'cf-ray': '8f1c2a3b4d5e6f70-AMS' } }))).toBe('8f1c2a3b4d5e6f70-AMS');
    const fresh = requestIdOf(new Request('http://x/'));
    expect(fresh).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdOf(new Request('http://x/'))).not.toBe(fresh);
  });
});
