import { testClock } from '@waddle/clock/test-clock';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { describe, expect, inject, it } from 'vitest';
import { InvalidAccessTokenError, KeySetUnavailableError, signAccessToken, verifyAccessToken } from '../src/access-token.ts';
import { DEFAULT_KEY_ID, type TokenKeys, tokenKeysFromSettings } from '../src/token-keys.ts';

const SECRET = 'the-secret-of-the-api-that-is-at-least-32-characters';
const ISSUER = 'https://id.example.com/';
const AUDIENCE = 'waddle-api';

async function problemOf(keys: TokenKeys, token: string, now: number): Promise<string> {
  try {
    await verifyAccessToken(keys, token, now);
    return 'accepted';
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidAccessTokenError);
    return (error as InvalidAccessTokenError).problem;
  }
}

/** An identity provider: an ES256 key pair, its public half published in a local JWKS. */
async function identityProvider() {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'idp-es', alg: 'ES256' }] };
  const keys: TokenKeys = {
    hmac: [{ kid: DEFAULT_KEY_ID, secret: SECRET }],
    identityProvider: { keys: createLocalJWKSet(jwks), issuer: ISSUER, audience: AUDIENCE },
  };
  const sign = (claims: Record<string, unknown>, now: number, header: { kid?: string } = { kid: 'idp-es' }) =>
    new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: '42', iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 600, ...claims })
      .setProtectedHeader({ alg: 'ES256', ...header })
      .sign(privateKey);
  return { keys, publicKey, sign };
}

describe("an identity provider's tokens (asymmetric keys from a JWKS)", () => {
  it('accepts a token signed with a published key, naming the issuer and audience configured', async () => {
    const now = testClock().now();
    const idp = await identityProvider();
    expect(await verifyAccessToken(idp.keys, await idp.sign({}, now), now)).toEqual({
      userId: 42,
      expiresAt: Math.floor(now / 1000) + 600,
    });
    expect(await problemOf(idp.keys, await idp.sign({ aud: ['other-api', AUDIENCE] }, now), now)).toBe('accepted');
    // The API's own tokens stay valid beside them.
    expect(await problemOf(idp.keys, await signAccessToken(idp.keys.hmac[0], { userId: 42, now }), now)).toBe('accepted');
  });

  it('refuses a wrong or missing issuer or audience, an unpublished kid, an expired token, and every rule an HS256 token keeps', async () => {
    const clock = testClock();
    const now = clock.now();
    const idp = await identityProvider();
    expect(await problemOf(idp.keys, await idp.sign({ iss: 'https://evil.example.com/' }, now), now)).toBe('wrong_issuer');
    expect(await problemOf(idp.keys, await idp.sign({ iss: undefined }, now), now)).toBe('wrong_issuer');
    expect(await problemOf(idp.keys, await idp.sign({ aud: 'another-api' }, now), now)).toBe('wrong_audience');
    expect(await problemOf(idp.keys, await idp.sign({ aud: undefined }, now), now)).toBe('wrong_audience');
    expect(await problemOf(idp.keys, await idp.sign({}, now, { kid: 'idp-retired' }), now)).toBe('unknown_key');
    expect(await problemOf(idp.keys, await idp.sign({ sub: 'auth0|abc' }, now), now)).toBe('bad_subject');
    expect(await problemOf(idp.keys, await idp.sign({}, now), clock.advance(600_000))).toBe('expired');
    expect(await problemOf(idp.keys, await idp.sign({ exp: Math.floor(now / 1000) + 8 * 24 * 3600 }, now), now)).toBe('lifetime_too_long');
    const stranger = await generateKeyPair('ES256');
    const forged = new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: '42', exp: Math.floor(now / 1000) + 60 });
    expect(await problemOf(idp.keys, await forged.setProtectedHeader({ alg: 'ES256', kid: 'idp-es' }).sign(stranger.privateKey), now)).toBe(
      'bad_signature',
    );
  });

  it('accepts an asymmetric algorithm only with an identity provider, and never confuses its public key for an HS256 secret', async () => {
    const now = testClock().now();
    const idp = await identityProvider();
    const token = await idp.sign({}, now);
    expect(await problemOf({ hmac: idp.keys.hmac }, token, now)).toBe('unsupported_algorithm');
    // HS256 "signed" with the provider's public key: checked under the API's HS256 keys, not the JWKS.
    const publicJwk = JSON.stringify(await exportJWK(idp.publicKey));
    const confused = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: '42' })
      .setProtectedHeader({ alg: 'HS256', kid: 'idp-es' })
      .setExpirationTime(Math.floor(now / 1000) + 60)
      .sign(new TextEncoder().encode(publicJwk));
    expect(await problemOf(idp.keys, confused, now)).toBe('unknown_key');
  });

  it("fetches the key set from the provider's HTTP endpoint (AUTH_JWKS_URL), and tells an unreachable key set from a bad token", async () => {
    const now = testClock().now();
    const privateKey = await importJWK(JSON.parse(inject('identityProviderPrivateJwk')) as JWK, 'RS256');
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: '42', ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
        .setExpirationTime(Math.floor(now / 1000) + 600)
        .sign(privateKey);
    const settings = { AUTH_SECRET: SECRET, AUTH_JWT_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: AUDIENCE };
    const keys = tokenKeysFromSettings({ ...settings, AUTH_JWKS_URL: inject('jwksUrl') });
    expect(await verifyAccessToken(keys, await sign({}), now)).toEqual({ userId: 42, expiresAt: Math.floor(now / 1000) + 600 });
    expect(await problemOf(keys, await sign({ aud: 'another-api' }), now)).toBe('wrong_audience');
    expect(await problemOf(keys, await sign({ iss: 'https://evil.example.com/' }), now)).toBe('wrong_issuer');

    const unreachable = tokenKeysFromSettings({ ...settings, AUTH_JWKS_URL: inject('unreachableJwksUrl') });
    await expect(verifyAccessToken(unreachable, await sign({}), now)).rejects.toBeInstanceOf(KeySetUnavailableError);
  });
});
