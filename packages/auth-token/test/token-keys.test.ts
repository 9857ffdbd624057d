import { describe, expect, it } from 'vitest';
import { DEFAULT_KEY_ID, tokenKeysFromSettings } from '../src/token-keys.ts';

const OLD = 'the-old-secret-of-the-api-at-least-32-characters';
const NEW = 'the-new-secret-of-the-api-at-least-32-characters';

describe('the token keys of Worker settings', () => {
  it('reads AUTH_SECRET alone as the default key, and AUTH_KEYS in order (the first signs) before it', () => {
    expect(tokenKeysFromSettings({ AUTH_SECRET: OLD })).toEqual({ hmac: [{ kid: DEFAULT_KEY_ID, secret: OLD }] });
    expect(DEFAULT_KEY_ID).toBe('default');
    const rotating = tokenKeysFromSettings({ AUTH_KEYS: JSON.stringify([{ kid: '2026-12', secret: NEW }]), AUTH_SECRET: OLD });
    expect(rotating.hmac).toEqual([
      { kid: '2026-12', secret: NEW },
      { kid: DEFAULT_KEY_ID, secret: OLD },
    ]);
    const keysOnly = tokenKeysFromSettings({
      AUTH_KEYS: JSON.stringify([
        { kid: 'b', secret: NEW },
        { kid: 'a', secret: OLD },
      ]),
    });
    expect(keysOnly.hmac.map((key) => key.kid)).toEqual(['b', 'a']);
    expect(keysOnly.identityProvider).toBeUndefined();
  });

  it('refuses settings it cannot use, naming the setting', () => {
    const refused: [Record<string, string>, RegExp][] = [
      [{}, /set AUTH_SECRET or AUTH_KEYS/],
      [{ AUTH_SECRET: 'short' }, /AUTH_SECRET: the secret must be at least 32 characters/],
      [{ AUTH_KEYS: 'kid=a' }, /AUTH_KEYS: .*not JSON/],
      [{ AUTH_KEYS: '[]' }, /AUTH_KEYS: .*non-empty array/],
      [{ AUTH_KEYS: JSON.stringify([{ kid: 'a b', secret: NEW }]) }, /AUTH_KEYS: .*kid must be/],
      [{ AUTH_KEYS: JSON.stringify([{ kid: 'a', secret: 'short' }]) }, /AUTH_KEYS \(kid "a"\): the secret must be at least 32/],
      [
        {
          AUTH_KEYS: JSON.stringify([
            { kid: 'a', secret: NEW },
            { kid: 'a', secret: OLD },
          ]),
        },
        /AUTH_KEYS: .*"a" appears twice/,
      ],
      [{ AUTH_KEYS: JSON.stringify([{ kid: 'a', secret: NEW, alg: 'none' }]) }, /AUTH_KEYS: .*besides kid and secret/],
      [{ AUTH_KEYS: JSON.stringify([{ kid: DEFAULT_KEY_ID, secret: NEW }]), AUTH_SECRET: OLD }, /"default", which is AUTH_SECRET's/],
      [
        { AUTH_SECRET: OLD, AUTH_JWKS_URL: 'https://id.example.com/jwks.json' },
        /AUTH_JWKS_URL needs AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE/,
      ],
      [{ AUTH_SECRET: OLD, AUTH_JWKS_URL: 'not a url', AUTH_JWT_ISSUER: 'i', AUTH_JWT_AUDIENCE: 'a' }, /AUTH_JWKS_URL: .*not a URL/],
      [
        { AUTH_SECRET: OLD, AUTH_JWKS_URL: 'http://id.example.com/jwks.json', AUTH_JWT_ISSUER: 'i', AUTH_JWT_AUDIENCE: 'a' },
        /AUTH_JWKS_URL: .*https/,
      ],
      [{ AUTH_SECRET: OLD, AUTH_JWT_ISSUER: 'i' }, /set AUTH_JWKS_URL too/],
    ];
    for (const [settings, message] of refused) expect(() => tokenKeysFromSettings(settings)).toThrow(message);
  });

  it('configures an identity provider with its issuer and audience, keeping one key set per settings', () => {
    const settings = {
      AUTH_SECRET: OLD,
      AUTH_JWKS_URL: 'https://id.example.com/.well-known/jwks.json',
      AUTH_JWT_ISSUER: 'https://id.example.com/',
      AUTH_JWT_AUDIENCE: 'waddle-api',
    };
    const keys = tokenKeysFromSettings(settings);
    expect(keys.identityProvider).toMatchObject({ issuer: 'https://id.example.com/', audience: 'waddle-api' });
    // The same settings on the next request: the same remote key set, whose cache jose keeps.
    expect(tokenKeysFromSettings({ ...settings }).identityProvider?.keys).toBe(keys.identityProvider?.keys);
  });
});
