import { signAccessToken } from '@waddle/auth-token/access-token';
import { beforeEach, describe, expect, it } from 'vitest';
import { maxTokenLifetimeSeconds } from '../src/auth/token-lifetime.ts';
import { call, freshPlatform, USER } from './fixture.ts';
import { TEST_SIGNING_KEY } from './test-config.ts';

const DAY = 24 * 3600;
const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

beforeEach(freshPlatform);

async function status(token: string): Promise<number> {
  return (await call(null, 'GET', '/v1/me', undefined, { authorization: `Bearer ${token}` })).status;
}

describe('access tokens at the API', () => {
  it('refuses a token living longer than AUTH_MAX_TOKEN_LIFETIME_SECONDS (7 days in wrangler.jsonc) and one respelled in its unused bits', async () => {
    const now = Date.now();
    expect(await status(await signAccessToken(TEST_SIGNING_KEY, { userId: USER.member, expiresInSeconds: 6 * DAY, now }))).toBe(200);
    expect(await status(await signAccessToken(TEST_SIGNING_KEY, { userId: USER.member, expiresInSeconds: 8 * DAY, now }))).toBe(401);
    const token = await signAccessToken(TEST_SIGNING_KEY, { userId: USER.member, now });
    const respelled = `${token.slice(0, -1)}${DIGITS[DIGITS.indexOf(token.at(-1)!) ^ 1]}`;
    expect(await status(respelled)).toBe(401);
  });

  it('reads the cap from the Worker var, refusing a value it cannot use with an error naming it', () => {
    expect(maxTokenLifetimeSeconds({})).toBe(7 * DAY);
    expect(maxTokenLifetimeSeconds({ AUTH_MAX_TOKEN_LIFETIME_SECONDS: '3600' })).toBe(3600);
    for (const bad of ['soon', '0', '59', '1.5', String(366 * DAY)]) {
      expect(() => maxTokenLifetimeSeconds({ AUTH_MAX_TOKEN_LIFETIME_SECONDS: bad })).toThrow(/AUTH_MAX_TOKEN_LIFETIME_SECONDS/);
    }
  });
});
