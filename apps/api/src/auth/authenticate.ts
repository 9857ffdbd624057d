import { InvalidAccessTokenError, KeySetUnavailableError, verifyAccessToken } from '@waddle/auth-token/access-token';
import type { TokenKeys } from '@waddle/auth-token/token-keys';
import { runBatch } from '@waddle/d1/run-batch';
import type { DirectoryDatabase } from '@waddle/directory-queries/directory-database';
import { callerQuery } from '@waddle/directory-queries/users/caller-query';
import { type WaddleForCaller, waddleForCallerQuery } from '@waddle/directory-queries/waddles/waddle-for-caller';
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
  const token = /^Bearer ([^\s]+)$/i.exec(header)?.[1];
  if (token === undefined) throw unauthenticated('the Authorization header must be Bearer <token>');
  try {
    return (await verifyAccessToken(keys, token, now, { maxLifetimeSeconds })).userId;
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
 * Loads the user a verified token names, with the registry row of the waddle the request is about
 * (`waddleId`, when the path names one) in the same batch: one round trip. A user that does not
 * exist or was erased is refused like a bad token (401); a user under a global ban (permanent or
 * not yet expired) gets 403. See `callerQuery` and `waddleForCallerQuery` for the SQL.
 */
export async function loadCaller(
  directory: DirectoryDatabase,
  userId: number,
  now: number,
  waddleId?: number,
): Promise<{ caller: Caller; waddle?: WaddleForCaller | null }> {
  const user = callerQuery(directory.db, userId, now);
  const [users, waddles] =
    waddleId === undefined
      ? await runBatch(directory, [user])
      : await runBatch(directory, [user, waddleForCallerQuery(directory.db, userId, waddleId)]);
  const row = users.results[0];
  if (!row || row.deleted_at !== null) throw unauthenticated('the token names no active user');
  if (row.banned) throw new ApiError(403, 'banned', 'this account is banned from the platform');
  return { caller: { id: row.id, username: row.username }, waddle: waddles && (waddles.results[0] ?? null) };
}
