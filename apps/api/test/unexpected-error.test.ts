import { env } from 'cloudflare:test';
import { testClock } from '@waddle/clock/test-clock';
import { expectUnexpectedErrorAnswered } from '@waddle/worker-http/unexpected-error-fixture';
import { describe, expect, it } from 'vitest';
import { createApiApp } from '../src/api-app.ts';
import { tokenFor } from './fixture.ts';

describe('an error the API did not expect', () => {
  it('answers 500 internal and logs one JSON line with the route pattern and the request id', async () => {
    const authorization = `Bearer ${await tokenFor('member')}`;
    // A configuration the API cannot use: AUTH_KEYS that is not JSON.
    const broken = { ...env, AUTH_KEYS: 'kid=one' } as Env;
    const stack = await expectUnexpectedErrorAnswered(
      (headers) =>
        createApiApp(testClock().now).fetch(new Request('http://waddle/v1/waddles/1', { headers: { ...headers, authorization } }), broken),
      { worker: 'waddle-api', route: 'GET /v1/waddles/{waddle}', error: { name: 'Error', message: 'AUTH_KEYS' } },
    );
    expect(stack).toMatch(/tokenKeysFromSettings|token-keys/);
  });
});
