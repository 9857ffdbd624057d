import { testClock } from '@waddle/clock/test-clock';
import { describe, expect, it } from 'vitest';
import { InvalidAccessTokenError, signAccessToken, verifyAccessToken } from '../src/access-token.ts';
import { DEFAULT_KEY_ID, type HmacKey, type TokenKeys } from '../src/token-keys.ts';

const OLD: HmacKey = { kid: DEFAULT_KEY_ID, secret: 'the-old-secret-of-the-api-at-least-32-characters' };
const NEW: HmacKey = { kid: '2026-12', secret: 'the-new-secret-of-the-api-at-least-32-characters' };
const STRANGER: HmacKey = { kid: 'elsewhere', secret: 'a-secret-this-api-never-had-at-least-32-chars' };

async function problemOf(keys: TokenKeys, token: string, now: number): Promise<string> {
  try {
    await verifyAccessToken(keys, token, now);
    return 'accepted';
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidAccessTokenError);
    return (error as InvalidAccessTokenError).problem;
  }
}

function headerOf(token: string): unknown {
  return JSON.parse(atob(token.split('.')[0]!.replaceAll('-', '+').replaceAll('_', '/')));
}

describe('HS256 keys with key ids: a rotation', () => {
  it('names the key in the header, and during a rotation accepts tokens of the old and the new key, refusing an unknown kid', async () => {
    const now = testClock().now();
    const before: TokenKeys = { hmac: [OLD] };
    const during: TokenKeys = { hmac: [NEW, OLD] };
    const after: TokenKeys = { hmac: [NEW] };
    const oldToken = await signAccessToken(OLD, { userId: 7, now });
    const newToken = await signAccessToken(NEW, { userId: 8, now });
    expect(headerOf(newToken)).toEqual({ alg: 'HS256', typ: 'JWT', kid: '2026-12' });

    expect(await problemOf(before, oldToken, now)).toBe('accepted');
    expect(await problemOf(before, newToken, now)).toBe('unknown_key');
    expect((await verifyAccessToken(during, oldToken, now)).userId).toBe(7);
    expect((await verifyAccessToken(during, newToken, now)).userId).toBe(8);
    expect(await problemOf(after, oldToken, now)).toBe('unknown_key');
    expect(await problemOf(after, newToken, now)).toBe('accepted');
    expect(await problemOf(during, await signAccessToken(STRANGER, { userId: 7, now }), now)).toBe('unknown_key');
  });

  it('checks a token under the key its kid names only: a known kid over another key’s signature is a bad signature', async () => {
    const now = testClock().now();
    const during: TokenKeys = { hmac: [NEW, OLD] };
    const forged = await signAccessToken({ kid: NEW.kid, secret: STRANGER.secret }, { userId: 7, now });
    expect(await problemOf(during, forged, now)).toBe('bad_signature');
    const swapped = await signAccessToken({ kid: OLD.kid, secret: NEW.secret }, { userId: 7, now });
    expect(await problemOf(during, swapped, now)).toBe('bad_signature');
  });

  it('verifies a token without kid, as minted before key ids, under the default key only', async () => {
    const now = testClock().now();
    const seconds = Math.floor(now / 1000);
    const sign = async (key: HmacKey) => {
      const base64Url = (bytes: Uint8Array) =>
        btoa(String.fromCharCode(...bytes))
          .replaceAll('+', '-')
          .replaceAll('/', '_')
          .replace(/=+$/, '');
      const text = (value: object) => base64Url(new TextEncoder().encode(JSON.stringify(value)));
      const head = `${text({ alg: 'HS256', typ: 'JWT' })}.${text({ sub: '7', iat: seconds, exp: seconds + 60 })}`;
      const hmac = await crypto.subtle.importKey('raw', new TextEncoder().encode(key.secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
        'sign',
      ]);
      return `${head}.${base64Url(new Uint8Array(await crypto.subtle.sign('HMAC', hmac, new TextEncoder().encode(head))))}`;
    };
    expect(await problemOf({ hmac: [NEW, OLD] }, await sign(OLD), now)).toBe('accepted');
    expect(await problemOf({ hmac: [NEW, OLD] }, await sign(NEW), now)).toBe('bad_signature');
    expect(await problemOf({ hmac: [NEW] }, await sign(NEW), now)).toBe('unknown_key');
  });
});
