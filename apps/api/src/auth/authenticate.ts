import { InvalidAccessTokenError, verifyAccessToken } from '@waddle/auth-token/access-token';
import { type DirectoryDatabase, runDirectoryBatch } from '@waddle/directory-queries/directory-database';
import { callerQuery } from '@waddle/directory-queries/users/caller-query';
import { type WaddleForCaller, waddleForCallerQuery } from '@waddle/directory-queries/waddles/waddle-for-caller';
import type { Caller } from '../context/request-context.ts';
import { ApiError } from '../http/api-error.ts';

const unauthenticated = (message: string) => new ApiError(401, 'unauthenticated', message, { 'WWW-Authenticate': 'Bearer realm="waddle"' });

/**
 * Checks the `Authorization: Bearer <JWT>` header (HS256 under `AUTH_SECRET`, `exp` required, a
 * lifetime of at most `maxLifetimeSeconds`; see `verifyAccessToken`) without touching a database,
 * and returns the user id it names. Missing, malformed, expired, too long-lived or wrongly
 * signed: 401.
 */
export async function verifyBearerToken(request: Request, secret: string, now: number, maxLifetimeSeconds: number): Promise<number> {
  const header = request.headers.get('authorization');
  if (!header) throw unauthenticated('send Authorization: Bearer <token>');
  const token = /^Bearer ([^\s]+)$/i.exec(header)?.[1];
  if (token === undefined) throw unauthenticated('the Authorization header must be Bearer <token>');
  try {
    return (await verifyAccessToken(secret, token, now, { maxLifetimeSeconds })).userId;
  } catch (error) {
    if (error instanceof InvalidAccessTokenError)
      throw unauthenticated(error.problem === 'expired' ? 'the token has expired' : 'the token is not valid');
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
      ? await runDirectoryBatch(directory, [user])
      : await runDirectoryBatch(directory, [user, waddleForCallerQuery(directory.db, userId, waddleId)]);
  const row = users.results[0];
  if (!row || row.deleted_at !== null) throw unauthenticated('the token names no active user');
  if (row.banned) throw new ApiError(403, 'banned', 'this account is banned from the platform');
  return { caller: { id: row.id, username: row.username }, waddle: waddles && (waddles.results[0] ?? null) };
}
