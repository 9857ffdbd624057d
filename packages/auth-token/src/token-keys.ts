import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';

/** An HS256 key: its key id (the token header's `kid`) and its secret (at least 32 characters). */
export interface HmacKey {
  readonly kid: string;
  readonly secret: string;
}

/**
 * An identity provider whose tokens the API accepts: its public keys (a JWKS, picked by the
 * token's `kid` and `alg`), and the `iss` and `aud` its tokens must carry.
 */
export interface IdentityProvider {
  readonly keys: JWTVerifyGetKey;
  readonly issuer: string;
  readonly audience: string;
}

/**
 * Every key a verifier accepts. `hmac[0]` signs (tokens and the API's bookmarks); every HS256 key
 * verifies, chosen by the token's `kid`, so during a rotation the old and the new key are both
 * valid. `identityProvider`, when set, verifies the asymmetric tokens (`RS256`, `ES256`).
 */
export interface TokenKeys {
  readonly hmac: readonly [HmacKey, ...HmacKey[]];
  readonly identityProvider?: IdentityProvider;
}

/**
 * The key id of `AUTH_SECRET`: the secret of a deployment configured before key ids existed is
 * the key `default`, and a token without `kid` (every token minted before then) is verified
 * under the key of this id.
 */
export const DEFAULT_KEY_ID = 'default';

/** The Worker settings a {@link TokenKeys} is read from (secrets and vars, all strings). */
export interface TokenKeySettings {
  /** JSON `[{ "kid": "...", "secret": "..." }, ...]`: the first signs, all verify. */
  readonly AUTH_KEYS?: string;
  /** One HS256 secret, the key {@link DEFAULT_KEY_ID} (after the keys of `AUTH_KEYS`, when both are set). */
  readonly AUTH_SECRET?: string;
  /** An identity provider's JWKS (`https://…/.well-known/jwks.json`); needs the two below. */
  readonly AUTH_JWKS_URL?: string;
  readonly AUTH_JWT_ISSUER?: string;
  readonly AUTH_JWT_AUDIENCE?: string;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The keys of the settings last read: a Worker isolate reads the same settings on every request. */
let remembered: { readonly settings: string; readonly keys: TokenKeys } | undefined;

/**
 * The keys a Worker's settings name: `AUTH_KEYS` (a JSON array of `{ kid, secret }`, the first
 * signing), then `AUTH_SECRET` as the key {@link DEFAULT_KEY_ID}; at least one HS256 key, key ids of
 * 1 to 64 characters `[A-Za-z0-9._-]`, distinct, secrets of at least 32 characters. With
 * `AUTH_JWKS_URL` (an `https:` URL, or `http:` on a loopback address for local use), tokens of
 * that identity provider are accepted too, and `AUTH_JWT_ISSUER` and `AUTH_JWT_AUDIENCE` are
 * required. The JWKS is fetched when a token needs it and cached by `jose` (`createRemoteJWKSet`:
 * 10 minutes, refetched at most every 30 seconds for an unknown `kid`); the result is kept while
 * the settings stay the same, so the cache lives as long as the isolate.
 *
 * @example
 * ```ts
 * tokenKeysFromSettings({ AUTH_SECRET: env.AUTH_SECRET }).hmac[0]; // { kid: 'default', secret: env.AUTH_SECRET }
 * tokenKeysFromSettings({ AUTH_KEYS: '[{"kid":"2026-12","secret":"…"}]', AUTH_SECRET: old }); // signs with 2026-12, accepts both
 * ```
 *
 * @throws Error naming the setting that is missing or cannot be used.
 */
export function tokenKeysFromSettings(settings: TokenKeySettings): TokenKeys {
  const { AUTH_KEYS, AUTH_SECRET, AUTH_JWKS_URL, AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE } = settings;
  const key = JSON.stringify([AUTH_KEYS, AUTH_SECRET, AUTH_JWKS_URL, AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE]);
  if (remembered?.settings === key) return remembered.keys;
  const hmac = [...hmacKeysOf(AUTH_KEYS)];
  if (AUTH_SECRET) {
    if (hmac.some((k) => k.kid === DEFAULT_KEY_ID)) {
      throw new Error(`AUTH_KEYS names the key id "${DEFAULT_KEY_ID}", which is AUTH_SECRET's: remove one of the two`);
    }
    hmac.push({ kid: DEFAULT_KEY_ID, secret: checkedSecret(AUTH_SECRET, 'AUTH_SECRET') });
  }
  const [first, ...rest] = hmac;
  if (!first) throw new Error('set AUTH_SECRET or AUTH_KEYS: the API needs at least one HS256 key');
  const identityProvider = AUTH_JWKS_URL ? identityProviderOf(AUTH_JWKS_URL, AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE) : undefined;
  if (!AUTH_JWKS_URL && (AUTH_JWT_ISSUER || AUTH_JWT_AUDIENCE)) {
    throw new Error('AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE apply to an identity provider: set AUTH_JWKS_URL too');
  }
  const keys: TokenKeys = identityProvider ? { hmac: [first, ...rest], identityProvider } : { hmac: [first, ...rest] };
  remembered = { settings: key, keys };
  return keys;
}

function hmacKeysOf(json: string | undefined): HmacKey[] {
  if (json === undefined || json === '') return [];
  const invalid = (why: string) => new Error(`AUTH_KEYS: expected JSON [{ "kid": "...", "secret": "..." }, ...]; ${why}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw invalid('it is not JSON');
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw invalid('it is not a non-empty array');
  const kids = new Set<string>();
  return parsed.map((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw invalid(`entry ${index} is not an object`);
    const { kid, secret, ...other } = entry as Record<string, unknown>;
    if (Object.keys(other).length > 0) throw invalid(`entry ${index} has members besides kid and secret`);
    if (typeof kid !== 'string' || !KEY_ID.test(kid)) throw invalid(`entry ${index}: kid must be 1 to 64 characters [A-Za-z0-9._-]`);
    if (kids.has(kid)) throw invalid(`the key id "${kid}" appears twice`);
    kids.add(kid);
    if (typeof secret !== 'string') throw invalid(`entry ${index} (kid "${kid}") has no secret`);
    return { kid, secret: checkedSecret(secret, `AUTH_KEYS (kid "${kid}")`) };
  });
}

function checkedSecret(secret: string, setting: string): string {
  if (secret.length < 32) throw new Error(`${setting}: the secret must be at least 32 characters`);
  return secret;
}

function identityProviderOf(url: string, issuer: string | undefined, audience: string | undefined): IdentityProvider {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`AUTH_JWKS_URL: ${JSON.stringify(url)} is not a URL`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    throw new Error('AUTH_JWKS_URL: the key set must be fetched over https (http only on a loopback address)');
  }
  if (!issuer || !audience) throw new Error('AUTH_JWKS_URL needs AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE: the tokens must name both');
  return { keys: createRemoteJWKSet(parsed), issuer, audience };
}
