import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, InvalidAccessTokenError, signAccessToken, verifyAccessToken } from '../src/access-token.ts';
import { DEFAULT_KEY_ID, type HmacKey, type TokenKeys } from '../src/token-keys.ts';

const SECRET = 'a-test-secret-that-is-at-least-32-characters-long';
/** The one key of a deployment configured with `AUTH_SECRET` only. */
const KEY: HmacKey = { kid: DEFAULT_KEY_ID, secret: SECRET };
const KEYS: TokenKeys = { hmac: [KEY] };
/** Whole seconds, as token times are: the test's own clock, from the real now. */
const NOW = Math.floor(Date.now() / 1000) * 1000;

async function problemOf(token: string, keys = KEYS, now = NOW): Promise<string> {
  try {
    await verifyAccessToken(keys, token, now);
    return 'accepted';
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidAccessTokenError);
    return (error as InvalidAccessTokenError).problem;
  }
}

function part(value: object): string {
  return btoa(JSON.stringify(value)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

/** A correctly signed token over any header and payload text (or bytes): what only a holder of the secret can make. */
async function signRaw(header: string | Uint8Array, payload: string | Uint8Array): Promise<string> {
  const bytes = (text: string | Uint8Array) => (typeof text === 'string' ? new TextEncoder().encode(text) : text);
  const head = `${base64Url(bytes(header))}.${base64Url(bytes(payload))}`;
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return `${head}.${base64Url(new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(head))))}`;
}

const HEADER = JSON.stringify({ alg: 'HS256', typ: 'JWT' });
const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('access tokens (HS256 JWT)', () => {
  it('round-trips a user id and expiry', async () => {
    const token = await signAccessToken(KEY, { userId: 42, expiresInSeconds: 60, now: NOW });
    expect(await verifyAccessToken(KEYS, token, NOW + 59_000)).toEqual({ userId: 42, expiresAt: NOW / 1000 + 60 });
  });

  it('refuses expired, wrongly signed, malformed and alg=none tokens', async () => {
    const token = await signAccessToken(KEY, { userId: 42, expiresInSeconds: 60, now: NOW });
    expect(await problemOf(token, KEYS, NOW + 60_000)).toBe('expired');
    expect(await problemOf(token, { hmac: [{ kid: DEFAULT_KEY_ID, secret: `${SECRET}-other` }] })).toBe('bad_signature');
    const [header, , signature] = token.split('.');
    expect(await problemOf(`${header}.${part({ sub: '1', exp: NOW / 1000 + 60 })}.${signature}`)).toBe('bad_signature');
    expect(await problemOf('not-a-token')).toBe('malformed');
    expect(await problemOf('a.b.c!')).toBe('malformed');
    expect(await problemOf(`${part({ alg: 'none' })}.${part({ sub: '42', exp: NOW / 1000 + 60 })}.x`)).toBe('unsupported_algorithm');
  });

  it('requires exp and a numeric subject, both signed', async () => {
    const sign = async (payload: object) => {
      const head = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
      const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, [
        'sign',
      ]);
      const signature = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(head)));
      return `${head}.${btoa(String.fromCharCode(...signature))
        .replaceAll('+', '-')
        .replaceAll('/', '_')
        .replace(/=+$/, '')}`;
    };
    expect(await problemOf(await sign({ sub: '42' }))).toBe('missing_expiry');
    expect(await problemOf(await sign({ sub: 'admin', exp: NOW / 1000 + 60 }))).toBe('bad_subject');
    expect(await problemOf(await sign({ sub: '42', exp: NOW / 1000 + 60, nbf: NOW / 1000 + 30 }))).toBe('not_yet_valid');
    expect(await problemOf(await sign({ sub: '42', exp: NOW / 1000 + 60 }))).toBe('accepted');
  });

  it('decodes strictly: a last character with its unused bits set, a length no base64 has, or text that is not UTF-8 is malformed', async () => {
    const token = await signAccessToken(KEY, { userId: 42, expiresInSeconds: 60, now: NOW });
    const [header, payload, signature] = token.split('.') as [string, string, string];
    // 32 bytes take 43 characters, the last carrying 2 unused bits: flipping them keeps the bytes.
    for (const mask of [1, 2, 3]) {
      const last = DIGITS[DIGITS.indexOf(signature.at(-1)!) ^ mask]!;
      expect(await problemOf(`${header}.${payload}.${signature.slice(0, -1)}${last}`)).toBe('malformed');
    }
    expect(await problemOf(`${header}.${payload}.${signature}AB`)).toBe('malformed');
    expect(await problemOf(`${header}.${payload}.${signature}=`)).toBe('malformed');
    expect(await problemOf(await signRaw(HEADER, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])))).toBe('malformed');
    expect(await problemOf(token)).toBe('accepted');
  });

  it('refuses duplicate keys in the header or the payload, whichever value JSON.parse would keep', async () => {
    const exp = NOW / 1000 + 60;
    expect(await problemOf(await signRaw(HEADER, `{"sub":"42","exp":${exp},"sub":"1"}`))).toBe('malformed');
    expect(await problemOf(await signRaw(HEADER, `{"sub":"42","exp":${NOW / 1000 - 60},"exp":${exp}}`))).toBe('malformed');
    expect(await problemOf(await signRaw('{"alg":"none","alg":"HS256","typ":"JWT"}', `{"sub":"42","exp":${exp}}`))).toBe('malformed');
    expect(await problemOf(await signRaw(HEADER, `{"sub":"42","exp":${exp},"ctx":{"a":1,"a":2}}`))).toBe('malformed');
    // The same key in different objects, and keys that only look alike, are fine.
    expect(await problemOf(await signRaw(HEADER, `{"sub":"42","exp":${exp},"a":{"sub":"x"},"b":"\\"sub\\""}`))).toBe('accepted');
  });

  it('refuses a crit header: it names extensions this verifier does not understand (RFC 7515 §4.1.11)', async () => {
    const payload = JSON.stringify({ sub: '42', exp: NOW / 1000 + 60 });
    expect(await problemOf(await signRaw(JSON.stringify({ alg: 'HS256', typ: 'JWT', crit: ['exp'] }), payload))).toBe(
      'unsupported_critical_header',
    );
    expect(
      await problemOf(
        await signRaw(JSON.stringify({ alg: 'HS256', crit: ['http://example.com/ext'], 'http://example.com/ext': true }), payload),
      ),
    ).toBe('unsupported_critical_header');
    expect(await problemOf(await signRaw(JSON.stringify({ alg: 'HS256', crit: [] }), payload))).toBe('unsupported_critical_header');
  });

  it('caps the lifetime (7 days unless configured): from now to exp, and from iat to exp when iat is given; iat is never in the future', async () => {
    const seconds = NOW / 1000;
    const signed = (claims: object) => signRaw(HEADER, JSON.stringify({ sub: '42', ...claims }));
    expect(DEFAULT_MAX_TOKEN_LIFETIME_SECONDS).toBe(7 * 24 * 3600);
    expect(await problemOf(await signed({ exp: 1e308 }))).toBe('lifetime_too_long');
    expect(await problemOf(await signed({ exp: seconds + DEFAULT_MAX_TOKEN_LIFETIME_SECONDS + 1 }))).toBe('lifetime_too_long');
    expect(await problemOf(await signed({ exp: seconds + DEFAULT_MAX_TOKEN_LIFETIME_SECONDS }))).toBe('accepted');
    // Issued long ago for a long time: still too long, though little of it is left.
    expect(await problemOf(await signed({ iat: seconds - 365 * 24 * 3600, exp: seconds + 60 }))).toBe('lifetime_too_long');
    expect(await problemOf(await signed({ iat: seconds + 60, exp: seconds + 120 }))).toBe('bad_issued_at');
    expect(await problemOf(await signed({ iat: 'yesterday', exp: seconds + 120 }))).toBe('bad_issued_at');
    expect(await problemOf(await signed({ exp: 'tomorrow' }))).toBe('missing_expiry');

    const hour = await signAccessToken(KEY, { userId: 42, expiresInSeconds: 3600, now: NOW });
    await expect(verifyAccessToken(KEYS, hour, NOW, { maxLifetimeSeconds: 3599 })).rejects.toMatchObject({
      problem: 'lifetime_too_long',
    });
    expect(await verifyAccessToken(KEYS, hour, NOW, { maxLifetimeSeconds: 3600 })).toEqual({ userId: 42, expiresAt: seconds + 3600 });
    await expect(verifyAccessToken(KEYS, hour, NOW, { maxLifetimeSeconds: 0 })).rejects.toBeInstanceOf(RangeError);
  });
});
