import { InvalidAccessTokenError, KeySetUnavailableError, verifyAccessToken } from '@waddle/auth-token/access-token';
import type { TokenKeys } from '@waddle/auth-token/token-keys';
import type { D1DatabaseLike, D1StatementLike } from '@waddle/d1/database';
import type { Caller } from '../context/request-context.ts';
import { ApiError } from '../http/api-error.ts';

const unauthenticated = (message: string) => new ApiError(401, 'unauthenticated', message, { 'WWW-Authenticate': 'Bearer realm="waddle"' });

/**
 * Checks the `Authorization: Bearer <JWT>` header (HS256 under the key its `kid` names, or an
 * identity provider's token when one is configured; `exp` required, a lifetime of at most
 * `maxLifetimeSeconds`; see `verifyAccessToken`) without touching a database, and returns the
 * user id it names. Missing, malformed, expired, too long-lived, under an unknown key or wrongly
 * signed: 401, the same answer for each. An identity provider's key set that cannot be fetched:
 * 503 (the token may be fine).
 */
export async function verifyBearerToken(request: Request, keys: TokenKeys, now: number, maxLifetimeSeconds: number): Promise<number> {
  const header = request.headers.get('authorization');
  if (!header) throw unauthenticated('send Authorization: Bearer <token>');
  const match = /^Bearer ([^\s]+)$/i.exec(header);
  if (!match) throw unauthenticated('the Authorization header must be Bearer <token>');
  try {
    return (await verifyAccessToken(keys, match[1]!, now, { maxLifetimeSeconds })).userId;
  } catch (error) {
    if (error instanceof InvalidAccessTokenError)
      throw unauthenticated(error.problem === 'expired' ? 'the token has expired' : 'the token is not valid');
    if (error instanceof KeySetUnavailableError)
      throw new ApiError(503, 'auth_keys_unavailable', "the identity provider's keys cannot be fetched; try again later", {
        'Retry-After': '30',
      });
    throw error;
  }
}

/**
 * Loads the user a verified token names, with `alongside` (a read the request needs anyway) in
 * the same batch: one round trip. A user that does not exist or was erased is refused like a bad
 * token (401); a user under a global ban (permanent or not yet expired) gets 403.
 *
 * ```sql
 * SELECT u.id, u.username, u.deleted_at, b.user_id IS NOT NULL AS banned
 * FROM users u LEFT JOIN global_bans b ON b.user_id = u.id AND (b.expires_at IS NULL OR b.expires_at > ?)
 * WHERE u.id = ?
 * ```
 */
export async function loadCaller(
  central: D1DatabaseLike,
  userId: number,
  now: number,
  alongside?: D1StatementLike,
): Promise<{ caller: Caller; alongside: readonly unknown[] }> {
  const statement = central
    .prepare(
      `SELECT u.id, u.username, u.deleted_at, b.user_id IS NOT NULL AS banned
       FROM users u LEFT JOIN global_bans b ON b.user_id = u.id AND (b.expires_at IS NULL OR b.expires_at > ?)
       WHERE u.id = ?`,
    )
    .bind(now, userId);
  const [users, extra] = await central.batch(alongside ? [statement, alongside] : [statement]);
  const row = users!.results[0] as { id: number; username: string; deleted_at: number | null; banned: number } | undefined;
  if (!row || row.deleted_at !== null) throw unauthenticated('the token names no active user');
  if (row.banned) throw new ApiError(403, 'banned', 'this account is banned from the platform');
  return { caller: { id: row.id, username: row.username }, alongside: extra?.results ?? [] };
}
