import { env } from 'cloudflare:test';
import { signAccessToken } from '@waddle/auth-token/access-token';
import type { TokenKeySettings } from '@waddle/auth-token/token-keys';
import { testClock } from '@waddle/clock/test-clock';
import { generateKeyPair, SignJWT } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApiApp } from '../src/api-app.ts';
import { freshPlatform, USER } from './fixture.ts';
import { TEST_AUTH_SECRET, TEST_SIGNING_KEY } from './test-config.ts';

const NEW_KEY = { kid: '2026-12', secret: 'the-next-secret-of-the-waddle-api-at-least-32-chars' } as const;

beforeEach(freshPlatform);

/** `GET /v1/me` through the API's pipeline, under the token settings of one phase of a rotation. */
async function me(settings: TokenKeySettings, token: string, bookmark?: string) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (bookmark) headers['x-waddle-bookmark'] = bookmark;
  const worker = { ...env, AUTH_SECRET: undefined, ...settings } as Env;
  const response = await createApiApp(testClock().now).fetch(new Request('http://waddle/v1/me', { headers }), worker);
  return { status: response.status, body: await response.json<any>(), headers: response.headers };
}

describe('token keys at the API: a rotation, and an identity provider that cannot be reached', () => {
  it('accepts tokens and bookmarks of the old and the new key during a rotation, and refuses an unknown kid like any bad token', async () => {
    const now = testClock().now();
    const before = { AUTH_SECRET: TEST_AUTH_SECRET };
    const during = { AUTH_KEYS: JSON.stringify([NEW_KEY]), AUTH_SECRET: TEST_AUTH_SECRET };
    const after = { AUTH_KEYS: JSON.stringify([NEW_KEY]) };
    const oldToken = await signAccessToken(TEST_SIGNING_KEY, { userId: USER.member, now });
    const newToken = await signAccessToken(NEW_KEY, { userId: USER.member, now });

    const first = await me(before, oldToken);
    expect(first.status).toBe(200);
    const oldBookmark = first.headers.get('x-waddle-bookmark')!;
    expect(oldBookmark).toBeTruthy();
    expect((await me(before, newToken)).status).toBe(401);

    const withOld = await me(during, oldToken, oldBookmark);
    expect(withOld).toMatchObject({ status: 200, body: { id: USER.member } });
    const withNew = await me(during, newToken);
    expect(withNew).toMatchObject({ status: 200, body: { id: USER.member } });
    const newBookmark = withNew.headers.get('x-waddle-bookmark')!;

    const unknownKid = await me(during, await signAccessToken({ kid: 'elsewhere', secret: NEW_KEY.secret }, { userId: USER.member, now }));
    const badSignature = await me(
      during,
      await signAccessToken({ kid: NEW_KEY.kid, secret: `${NEW_KEY.secret}-forged` }, { userId: USER.member, now }),
    );
    expect(unknownKid.status).toBe(401);
    expect(unknownKid.body).toEqual({ error: { code: 'unauthenticated', message: 'the token is not valid' } });
    expect(badSignature.body).toEqual(unknownKid.body);
    expect(unknownKid.headers.get('www-authenticate')).toBe(badSignature.headers.get('www-authenticate'));

    expect((await me(after, oldToken)).status).toBe(401);
    expect((await me(after, newToken, newBookmark)).status).toBe(200);
    expect(await me(after, newToken, oldBookmark)).toMatchObject({ status: 400, body: { error: { code: 'invalid_bookmark' } } });
  });

  it("answers 503 when the identity provider's key set cannot be fetched, and 401 for its token without one configured", async () => {
    const now = testClock().now();
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT({ iss: 'https://id.example.com/', aud: 'waddle-api', sub: String(USER.member) })
      .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
      .setExpirationTime(Math.floor(now / 1000) + 600)
      .sign(privateKey);
    const provider = {
      AUTH_SECRET: TEST_AUTH_SECRET,
      // Nothing listens on port 1 of the loopback address: the fetch of the key set fails.
      AUTH_JWKS_URL: 'http://127.0.0.1:1/.well-known/jwks.json',
      AUTH_JWT_ISSUER: 'https://id.example.com/',
      AUTH_JWT_AUDIENCE: 'waddle-api',
    };
    const unavailable = await me(provider, token);
    expect(unavailable).toMatchObject({ status: 503, body: { error: { code: 'auth_keys_unavailable' } } });
    expect(unavailable.headers.get('retry-after')).toBe('30');
    expect((await me({ AUTH_SECRET: TEST_AUTH_SECRET }, token)).status).toBe(401);
  });
});
