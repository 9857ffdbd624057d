import { describe, expect, it } from 'vitest';
import { InvalidAccessTokenError, signAccessToken, verifyAccessToken } from '../src/access-token.ts';

const SECRET = 'a-test-secret-that-is-at-least-32-characters-long';
/** Whole seconds, as token times are: the test's own clock, from the real now. */
const NOW = Math.floor(Date.now() / 1000) * 1000;

async function problemOf(token: string, secret = SECRET, now = NOW): Promise<string> {
  try {
    await verifyAccessToken(secret, token, now);
    return 'accepted';
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidAccessTokenError);
    return (error as InvalidAccessTokenError).problem;
  }
}

function part(value: object): string {
  return btoa(JSON.stringify(value)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

describe('access tokens (HS256 JWT)', () => {
  it('round-trips a user id and expiry', async () => {
    const token = await signAccessToken(SECRET, { userId: 42, expiresInSeconds: 60, now: NOW });
    expect(await verifyAccessToken(SECRET, token, NOW + 59_000)).toEqual({ userId: 42, expiresAt: NOW / 1000 + 60 });
  });

  it('refuses expired, wrongly signed, malformed and alg=none tokens', async () => {
    const token = await signAccessToken(SECRET, { userId: 42, expiresInSeconds: 60, now: NOW });
    expect(await problemOf(token, SECRET, NOW + 60_000)).toBe('expired');
    expect(await problemOf(token, `${SECRET}-other`)).toBe('bad_signature');
    const [header, , signature] = token.split('.');
    expect(await problemOf(`${header}.${part({ sub: '1', exp: NOW / 1000 + 60 })}.${signature}`)).toBe('bad_signature');
    expect(await problemOf('not-a-token')).toBe('malformed');
    expect(await problemOf('a.b.c!')).toBe('malformed');
    expect(await problemOf(`${part({ alg: 'none' })}.${part({ sub: '42', exp: NOW / 1000 + 60 })}.x`)).toBe('unsupported_algorithm');
  });

  it('requires exp and a numeric subject, both signed', async () => {
    const sign = async (payload: object) => {
      const head = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
      const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      const signature = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(head)));
      return `${head}.${btoa(String.fromCharCode(...signature)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')}`;
    };
    expect(await problemOf(await sign({ sub: '42' }))).toBe('missing_expiry');
    expect(await problemOf(await sign({ sub: 'admin', exp: NOW / 1000 + 60 }))).toBe('bad_subject');
    expect(await problemOf(await sign({ sub: '42', exp: NOW / 1000 + 60, nbf: NOW / 1000 + 30 }))).toBe('not_yet_valid');
    expect(await problemOf(await sign({ sub: '42', exp: NOW / 1000 + 60 }))).toBe('accepted');
  });
});
