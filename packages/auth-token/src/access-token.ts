import { decodeBase64Url, encodeBase64Url } from './base64-url.ts';
import { parseJsonObject } from './parse-json-object.ts';

/**
 * Access tokens of the Waddle API: JSON Web Tokens signed with HMAC-SHA256 (`HS256`) under the
 * secret `AUTH_SECRET`, whose `sub` is the user's id and whose `exp` (seconds since the epoch) is
 * required. WebCrypto only, so the same code runs in a Worker and in Node (`pnpm token`).
 */

/** Why a token was refused; the API answers every one of them with 401. */
export type AccessTokenProblem =
  | 'malformed'
  | 'unsupported_algorithm'
  | 'unsupported_critical_header'
  | 'bad_signature'
  | 'missing_expiry'
  | 'expired'
  | 'lifetime_too_long'
  | 'bad_issued_at'
  | 'not_yet_valid'
  | 'bad_subject';

/** The longest lifetime a token may claim unless the verifier is told otherwise: 7 days. */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 7 * 24 * 3600;

/** The token cannot be trusted; `problem` says why (never shown to clients beyond its code). */
export class InvalidAccessTokenError extends Error {
  override readonly name = 'InvalidAccessTokenError';
  readonly problem: AccessTokenProblem;

  constructor(problem: AccessTokenProblem, message: string) {
    super(message);
    this.problem = problem;
  }
}

/** What a verified token says. */
export interface AccessTokenClaims {
  readonly userId: number;
  /** Seconds since the epoch. */
  readonly expiresAt: number;
}

const encoder = new TextEncoder();

/**
 * Mints a token for a user: `{"alg":"HS256","typ":"JWT"}` . `{"sub":"<id>","iat":…,"exp":…}` .
 * signature, issued at `now` (the caller's clock, ms since the epoch). Default lifetime: one hour.
 *
 * @example
 * ```ts
 * const token = await signAccessToken(env.AUTH_SECRET, { userId: 42, expiresInSeconds: 3600, now: clock() });
 * ```
 */
export async function signAccessToken(
  secret: string,
  claims: { readonly userId: number; readonly expiresInSeconds?: number; readonly now: number },
): Promise<string> {
  if (!Number.isSafeInteger(claims.userId) || claims.userId < 1) throw new RangeError('userId must be a positive integer');
  const issuedAt = Math.floor(claims.now / 1000);
  const header = base64UrlOfJson({ alg: 'HS256', typ: 'JWT' });
  const payload = base64UrlOfJson({ sub: String(claims.userId), iat: issuedAt, exp: issuedAt + (claims.expiresInSeconds ?? 3600) });
  const signature = await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(`${header}.${payload}`));
  return `${header}.${payload}.${encodeBase64Url(new Uint8Array(signature))}`;
}

/** How a verifier is configured beyond its secret. */
export interface VerifyOptions {
  /** The longest lifetime accepted, in seconds (a positive integer); default {@link DEFAULT_MAX_TOKEN_LIFETIME_SECONDS}. */
  readonly maxLifetimeSeconds?: number;
}

/**
 * Checks a token and returns its claims. Each part must be canonical base64url (one spelling per
 * token: no padding, no unused bits set) of a JSON object in well-formed UTF-8 that names no
 * member twice; the header's algorithm must be `HS256` (`none` and every other are refused) and it
 * must carry no `crit` (this verifier understands no extension, RFC 7515 §4.1.11); the signature
 * is checked in constant time (WebCrypto's `verify`). Then the claims: `exp` required and in the
 * future at `now` (the caller's clock, ms since the epoch), at most `maxLifetimeSeconds` from it; `iat`, when present, a number not in the future
 * and at most `maxLifetimeSeconds` before `exp`; `nbf`, when present, passed (no leeway for
 * either); `sub` a positive integer.
 *
 * @example
 * ```ts
 * const { userId } = await verifyAccessToken(env.AUTH_SECRET, token, now, { maxLifetimeSeconds: 86_400 });
 * ```
 *
 * @throws InvalidAccessTokenError naming the problem.
 * @throws RangeError for a `maxLifetimeSeconds` that is not a positive integer.
 */
export async function verifyAccessToken(
  secret: string,
  token: string,
  now: number,
  options: VerifyOptions = {},
): Promise<AccessTokenClaims> {
  const maxLifetime = options.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  if (!Number.isSafeInteger(maxLifetime) || maxLifetime < 1) throw new RangeError('maxLifetimeSeconds must be a positive integer');
  const parts = token.split('.');
  const malformed = () =>
    new InvalidAccessTokenError(
      'malformed',
      'the token is not a JWT (three canonical base64url parts of JSON objects with distinct names)',
    );
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) throw malformed();
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const headerBytes = decodeBase64Url(headerPart);
  const header = headerBytes && parseJsonObject(headerBytes);
  if (header === undefined) throw malformed();
  if (header.alg !== 'HS256') throw new InvalidAccessTokenError('unsupported_algorithm', 'only HS256 tokens are accepted');
  if ('crit' in header)
    throw new InvalidAccessTokenError(
      'unsupported_critical_header',
      'the token requires header extensions (crit) this API does not understand',
    );
  const payloadBytes = decodeBase64Url(payloadPart);
  const signature = decodeBase64Url(signaturePart);
  if (payloadBytes === undefined || signature === undefined) throw malformed();
  const valid = await crypto.subtle.verify('HMAC', await hmacKey(secret), signature, encoder.encode(`${headerPart}.${payloadPart}`));
  if (!valid) throw new InvalidAccessTokenError('bad_signature', 'the token signature does not match');

  const payload = parseJsonObject(payloadBytes);
  if (payload === undefined) throw malformed();
  const seconds = now / 1000;
  if (typeof payload.exp !== 'number') throw new InvalidAccessTokenError('missing_expiry', 'the token has no exp claim');
  if (payload.exp <= seconds) throw new InvalidAccessTokenError('expired', 'the token has expired');
  if (payload.iat !== undefined && (typeof payload.iat !== 'number' || payload.iat > seconds)) {
    throw new InvalidAccessTokenError('bad_issued_at', 'the token iat is not a time in the past');
  }
  const from = typeof payload.iat === 'number' ? payload.iat : seconds;
  if (payload.exp - from > maxLifetime)
    throw new InvalidAccessTokenError('lifetime_too_long', `the token lives longer than ${maxLifetime} seconds`);
  if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || payload.nbf > seconds)) {
    throw new InvalidAccessTokenError('not_yet_valid', 'the token is not valid yet');
  }
  const userId = typeof payload.sub === 'string' && /^[1-9][0-9]{0,15}$/.test(payload.sub) ? Number(payload.sub) : Number.NaN;
  if (!Number.isSafeInteger(userId)) throw new InvalidAccessTokenError('bad_subject', 'the token sub is not a user id');
  return { userId, expiresAt: payload.exp };
}

/** Imported keys by secret: a Worker isolate verifies many tokens under one secret. */
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  if (secret.length < 32) throw new RangeError('AUTH_SECRET must be at least 32 characters');
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    keys.set(secret, key);
  }
  return key;
}

function base64UrlOfJson(value: object): string {
  return encodeBase64Url(encoder.encode(JSON.stringify(value)));
}
