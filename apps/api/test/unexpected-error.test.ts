import { env } from 'cloudflare:test';
import { testClock } from '@waddle/clock/test-clock';
import { describe, expect, it, vi } from 'vitest';
import { createApiApp } from '../src/api-app.ts';
import { tokenFor } from './fixture.ts';

describe('an error the API did not expect', () => {
  it('answers 500 internal and logs one JSON line with the route pattern and the request id', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      // A configuration the API cannot use: AUTH_KEYS that is not JSON.
      const request = new Request('http://waddle/v1/waddles/1', {
        headers: { authorization: `Bearer ${await tokenFor('member')}`, 'cf-ray': '8f1c2a3b4d5e6f70-AMS' },
      });
      const response = await createApiApp(testClock().now).fetch(request, { ...env, AUTH_KEYS: 'kid=one' } as Env);
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error: { code: 'internal', message: 'something went wrong on our side' } });
      expect(errors).toHaveBeenCalledTimes(1);
      const line = errors.mock.calls[0]![0] as string;
      expect(JSON.parse(line)).toMatchObject({
        level: 'error',
        message: 'unexpected error',
        worker: 'waddle-api',
        route: 'GET /v1/waddles/{waddle}',
        requestId: '8f1c2a3b4d5e6f70-AMS',
        error: { name: 'Error', message: expect.stringContaining('AUTH_KEYS') },
      });
      expect(JSON.parse(line).error.stack).toMatch(/tokenKeysFromSettings|token-keys/);
    } finally {
      errors.mockRestore();
    }
  });
});
