import { errors, jwtVerify, SignJWT } from 'jose';
import { decodeBase64Url } from './base64-url.ts';
import { parseJsonObject } from './parse-json-object.ts';
import { DEFAULT_KEY_ID, type HmacKey, type IdentityProvider, type TokenKeys } from './token-keys.ts';

/**
 * Access tokens of the Waddle API: JSON Web Tokens whose `sub` is the user's id and whose `exp`
 * (seconds since the epoch) is required, signed with HMAC-SHA256 (`HS256`) under one of the
 * API's keys (named by the header's `kid`), or, when the API trusts an identity provider, with
 * one of that provider's published keys (`RS256`, `ES256`). `jose` over WebCrypto, so the same
 * code runs in a Worker and in Node (`waddle token`).
 */

/** Why a token was refused; the API answers every one of them with 401. */
export type AccessTokenProblem =
  | 'malformed'
  | 'unsupported_algorithm'
  | 'unsupported_critical_header'
  | 'unknown_key'
  | 'bad_signature'
  | 'missing_expiry'
  | 'expired'
  | 'lifetime_too_long'
  | 'bad_issued_at'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'bad_subject';

/** The longest lifetime a token may claim unless the verifier is told otherwise: 7 days. */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 7 * 24 * 3600;

/** The algorithms of an identity provider's tokens: RSA and P-256 signatures, as JWKS publish them. */
export const IDENTITY_PROVIDER_ALGORITHMS: readonly string[] = ['RS256', 'ES256'];

/** The token cannot be trusted; `problem` says why (never shown to clients beyond its code). */
export class InvalidAccessTokenError extends Error {
  override readonly name = 'InvalidAccessTokenError';
  readonly problem: AccessTokenProblem;

  constructor(problem: AccessTokenProblem, message: string) {
    super(message);
    this.problem = problem;
  }
}

/**
 * The identity provider's key set could not be fetched or read (network error, timeout, an answer
 * that is not a JWKS): the token may be fine, so this is the server's trouble (503), not a 401.
 */
export class KeySetUnavailableError extends Error {
  override readonly name = 'KeySetUnavailableError';
}

/** What a verified token says. */
export interface AccessTokenClaims {
  readonly userId: number;
  /** Seconds since the epoch. */
  readonly expiresAt: number;
}

/**
 * Mints a token for a user under an HS256 key: header `{"alg":"HS256","typ":"JWT","kid":"<kid>"}`,
 * claims `{"sub":"<id>","iat":…,"exp":…}`, issued at `now` (the caller's clock, ms since the
 * epoch). Default lifetime: one hour.
 *
 * @example
 * ```ts
 * const token = await signAccessToken(tokenKeysFromSettings(env).hmac[0], { userId: 42, expiresInSeconds: 3600, now: clock() });
 * ```
 */
export async function signAccessToken(
  key: HmacKey,
  claims: { readonly userId: number; readonly expiresInSeconds?: number; readonly now: number },
): Promise<string> {
  if (!Number.isSafeInteger(claims.userId) || claims.userId < 1) throw new RangeError('userId must be a positive integer');
  const issuedAt = Math.floor(claims.now / 1000);
  return new SignJWT()
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: key.kid })
    .setSubject(String(claims.userId))
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (claims.expiresInSeconds ?? 3600))
    .sign(await hmacKey(key.secret));
}

/** How a verifier is configured beyond its keys. */
export interface VerifyOptions {
  /** The longest lifetime accepted, in seconds (a positive integer); default {@link DEFAULT_MAX_TOKEN_LIFETIME_SECONDS}. */
  readonly maxLifetimeSeconds?: number;
}

/**
 * Checks a token and returns its claims. First its spelling, strictly: each part canonical
 * base64url (no padding, no unused bits set) and header and claims JSON objects in well-formed
 * UTF-8 that name no member twice; no `crit` (this verifier understands no extension, RFC 7515
 * §4.1.11). Then its key: an `HS256` token is verified under the HS256 key its `kid` names (a
 * token without `kid` under {@link DEFAULT_KEY_ID}); an `RS256` or `ES256` token under the identity
 * provider's key set, and only when one is configured; every other algorithm, `none` included, is
 * refused. `jose`'s `jwtVerify` checks the signature (constant time), `exp` (required, in the
 * future at `now`, the caller's clock in ms since the epoch, no leeway), `nbf` when present, and
 * for an identity provider's token its `iss` and `aud`. Then this verifier's own rules: `iat`,
 * when present, not in the future; the lifetime, from `iat` (or `now`) to `exp`, at most
 * `maxLifetimeSeconds`; `sub` a positive integer, the user's id.
 *
 * @example
 * ```ts
 * const { userId } = await verifyAccessToken(tokenKeysFromSettings(env), token, clock(), { maxLifetimeSeconds: 86_400 });
 * ```
 *
 * @throws InvalidAccessTokenError naming the problem.
 * @throws KeySetUnavailableError when the identity provider's key set cannot be fetched.
 * @throws RangeError for a `maxLifetimeSeconds` that is not a positive integer.
 */
export async function verifyAccessToken(
  keys: TokenKeys,
  token: string,
  now: number,
  options: VerifyOptions = {},
): Promise<AccessTokenClaims> {
  const maxLifetime = options.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  if (!Number.isSafeInteger(maxLifetime) || maxLifetime < 1) throw new RangeError('maxLifetimeSeconds must be a positive integer');
  const header = strictHeader(token);
  if ('crit' in header)
    throw new InvalidAccessTokenError(
      'unsupported_critical_header',
      'the token requires header extensions (crit) this API does not understand',
    );
  const provider = keys.identityProvider;
  const accepted =
    header.alg === 'HS256' || (provider && typeof header.alg === 'string' && IDENTITY_PROVIDER_ALGORITHMS.includes(header.alg));
  if (!accepted)
    throw new InvalidAccessTokenError('unsupported_algorithm', 'the token is signed with an algorithm this API does not accept');
  checkStrictBody(token);
  let payload: Record<string, unknown>;
  if (header.alg === 'HS256') {
    payload = await verified(token, await hmacKey(hmacKeyNamed(keys, header.kid).secret), { algorithms: ['HS256'], now });
  } else {
    const idp = provider as IdentityProvider;
    payload = await verified(token, providerKeys(idp), {
      algorithms: [header.alg as string],
      now,
      issuer: idp.issuer,
      audience: idp.audience,
    });
  }

  const seconds = now / 1000;
  const exp = payload.exp as number; // jose required it, a number in the future
  if (payload.iat !== undefined && (payload.iat as number) > seconds) {
    throw new InvalidAccessTokenError('bad_issued_at', 'the token iat is not a time in the past');
  }
  const from = typeof payload.iat === 'number' ? payload.iat : seconds;
  if (exp - from > maxLifetime)
    throw new InvalidAccessTokenError('lifetime_too_long', `the token lives longer than ${maxLifetime} seconds`);
  const userId = typeof payload.sub === 'string' && /^[1-9][0-9]{0,15}$/.test(payload.sub) ? Number(payload.sub) : Number.NaN;
  if (!Number.isSafeInteger(userId)) throw new InvalidAccessTokenError('bad_subject', 'the token sub is not a user id');
  return { userId, expiresAt: exp };
}

const malformed = () =>
  new InvalidAccessTokenError('malformed', 'the token is not a JWT (three canonical base64url parts of JSON objects with distinct names)');

/** The header of a token of three base64url parts, spelled in the one accepted way, or `malformed`. */
function strictHeader(token: string): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) throw malformed();
  const bytes = decodeBase64Url(parts[0]!);
  const header = bytes && parseJsonObject(bytes);
  if (header === undefined) throw malformed();
  return header;
}

/** Refuses claims and a signature not spelled in the one accepted way (`jose` would accept some). */
function checkStrictBody(token: string): void {
  const [, payloadPart, signaturePart] = token.split('.') as [string, string, string];
  const payload = decodeBase64Url(payloadPart);
  if (payload === undefined || parseJsonObject(payload) === undefined || decodeBase64Url(signaturePart) === undefined) throw malformed();
}

function hmacKeyNamed(keys: TokenKeys, kid: unknown): HmacKey {
  const wanted = kid === undefined ? DEFAULT_KEY_ID : kid;
  const key = keys.hmac.find((candidate) => candidate.kid === wanted);
  if (!key) throw new InvalidAccessTokenError('unknown_key', 'the token names a key this API does not have');
  return key;
}

/** The provider's key set, its failures sorted into a token's problem and the server's. */
function providerKeys(provider: IdentityProvider): IdentityProvider['keys'] {
  return async (header, input) => {
    try {
      return await provider.keys(header, input);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
        throw new InvalidAccessTokenError('unknown_key', 'the token names a key the identity provider does not publish');
      }
      throw new KeySetUnavailableError("the identity provider's key set cannot be read", { cause: error });
    }
  };
}

/** `jose`'s `jwtVerify` at the caller's `now`, its refusals as {@link InvalidAccessTokenError}. */
async function verified(
  token: string,
  key: CryptoKey | IdentityProvider['keys'],
  check: { algorithms: string[]; now: number; issuer?: string; audience?: string },
): Promise<Record<string, unknown>> {
  try {
    const { payload } = await jwtVerify(token, key as CryptoKey, {
      algorithms: check.algorithms,
      currentDate: new Date(check.now),
      requiredClaims: ['exp'],
      ...(check.issuer === undefined ? {} : { issuer: check.issuer }),
      ...(check.audience === undefined ? {} : { audience: check.audience }),
    });
    return payload as Record<string, unknown>;
  } catch (error) {
    throw refusal(error);
  }
}

const CLAIM_PROBLEMS: Record<string, AccessTokenProblem> = {
  exp: 'missing_expiry',
  nbf: 'not_yet_valid',
  iat: 'bad_issued_at',
  iss: 'wrong_issuer',
  aud: 'wrong_audience',
};

/** A `jose` refusal as the problem it names; anything else (the key set, a bug) is passed on. */
function refusal(error: unknown): unknown {
  if (error instanceof InvalidAccessTokenError || !(error instanceof errors.JOSEError)) return error;
  if (error instanceof errors.JWTExpired) return new InvalidAccessTokenError('expired', 'the token has expired');
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new InvalidAccessTokenError('bad_signature', 'the token signature does not match');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return new InvalidAccessTokenError('unsupported_algorithm', error.message);
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new InvalidAccessTokenError(CLAIM_PROBLEMS[error.claim] ?? 'malformed', `the token ${error.message}`);
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid)
    return new InvalidAccessTokenError('malformed', error.message);
  return error;
}

/** Imported keys by secret: a Worker isolate verifies many tokens under a few secrets. */
const importedKeys = new Map<string, Promise<CryptoKey>>();

const encoder = new TextEncoder();

function hmacKey(secret: string): Promise<CryptoKey> {
  if (secret.length < 32) throw new RangeError('an HS256 secret must be at least 32 characters');
  let key = importedKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    importedKeys.set(secret, key);
  }
  return key;
}
