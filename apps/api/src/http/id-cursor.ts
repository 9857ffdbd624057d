import { decodeCursor, encodeCursor } from '@waddle/queries/opaque-cursor';
import { badRequest } from './api-error.ts';

/**
 * Splits `rows`, read in id order with `LIMIT limit + 1`, into the page of at most `limit` rows
 * and the opaque cursor after its last row's id (the query library's encoding, like every cursor
 * of the API; `null` when the extra row did not come: nothing follows). Reads no database.
 */
export function idPage<Row extends { readonly id: number }>(
  rows: readonly Row[],
  limit: number,
): { page: Row[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, nextCursor: rows.length > limit && last !== undefined ? encodeCursor({ afterId: last.id }) : null };
}

/**
 * The id in a cursor made by {@link idPage}. Anything else (edited, truncated, from an endpoint
 * with another kind of cursor, or an id that is not a non-negative safe integer) is a 400
 * `invalid_query`, before any database is touched. Reads no database.
 */
export function decodeIdCursor(cursor: string): number {
  let afterId: number;
  try {
    afterId = decodeCursor(cursor, { afterId: 'number' }).afterId;
  } catch {
    throw badRequest('invalid_query', 'query.cursor: not a cursor of this endpoint');
  }
  if (!Number.isSafeInteger(afterId) || afterId < 0) throw badRequest('invalid_query', 'query.cursor: not a cursor of this endpoint');
  return afterId;
}
