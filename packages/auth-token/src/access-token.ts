/**
 * Access tokens of the Waddle API: JSON Web Tokens signed with HMAC-SHA256 (`HS256`) under the
 * secret `AUTH_SECRET`, whose `sub` is the user's id and whose `exp` (seconds since the epoch) is
 * required. WebCrypto only, so the same code runs in a Worker and in Node (`pnpm token`).
 */

/** Why a token was refused; the API answers every one of them with 401. */
export type AccessTokenProblem = 'malformed' | 'unsupported_algorithm' | 'bad_signature' | 'missing_expiry' | 'expired' | 'not_yet_valid' | 'bad_subject';

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
const decoder = new TextDecoder();

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
  return `${header}.${payload}.${base64Url(new Uint8Array(signature))}`;
}

/**
 * Checks a token's shape, algorithm (only `HS256`: `none` and every other is refused), signature
 * (constant time, by WebCrypto's `verify`), `exp` (required, in the future), `nbf` (when present)
 * and `sub` (a positive integer) at `now` (the caller's clock, ms since the epoch), and returns its claims.
 *
 * @throws InvalidAccessTokenError naming the problem.
 */
export async function verifyAccessToken(secret: string, token: string, now: number): Promise<AccessTokenClaims> {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) {
    throw new InvalidAccessTokenError('malformed', 'the token is not a JWT (three base64url parts)');
  }
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = jsonOfBase64Url(headerPart);
  if (header?.alg !== 'HS256') throw new InvalidAccessTokenError('unsupported_algorithm', 'only HS256 tokens are accepted');
  const signature = bytesOfBase64Url(signaturePart);
  const valid = signature !== undefined && (await crypto.subtle.verify('HMAC', await hmacKey(secret), signature, encoder.encode(`${headerPart}.${payloadPart}`)));
  if (!valid) throw new InvalidAccessTokenError('bad_signature', 'the token signature does not match');

  const payload = jsonOfBase64Url(payloadPart);
  if (payload === undefined) throw new InvalidAccessTokenError('malformed', 'the token payload is not a JSON object');
  const seconds = now / 1000;
  if (typeof payload.exp !== 'number') throw new InvalidAccessTokenError('missing_expiry', 'the token has no exp claim');
  if (payload.exp <= seconds) throw new InvalidAccessTokenError('expired', 'the token has expired');
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
  return base64Url(encoder.encode(JSON.stringify(value)));
}

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function bytesOfBase64Url(text: string): Uint8Array | undefined {
  try {
    const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}

function jsonOfBase64Url(text: string): Record<string, unknown> | undefined {
  const bytes = bytesOfBase64Url(text);
  if (!bytes) return undefined;
  try {
    const value: unknown = JSON.parse(decoder.decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
