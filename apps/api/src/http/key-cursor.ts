import { decodeCursor, encodeCursor } from '@waddle/queries/opaque-cursor';
import { badRequest } from './api-error.ts';

/** Where a page ordered by an integer sort key and then an id stopped: its last row's two values. */
export interface KeyPosition {
  readonly key: number;
  readonly id: number;
}

/**
 * The opaque cursor of a page ordered by an integer key (a member count, a join time) and an
 * id: the query library's cursor encoding (base64url of JSON), so every cursor of the API has one
 * form. Reads no database.
 */
function encodeKeyCursor(position: KeyPosition): string {
  return encodeCursor({ key: position.key, id: position.id });
}

/**
 * Splits `rows`, read with `LIMIT limit + 1`, into the page of at most `limit` rows and the cursor
 * after its last row (`null` when the extra row did not come: nothing follows). Reads no database.
 */
export function keyedPage<Row>(
  rows: readonly Row[],
  limit: number,
  positionOf: (row: Row) => KeyPosition,
): { page: Row[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, nextCursor: rows.length > limit && last !== undefined ? encodeKeyCursor(positionOf(last)) : null };
}

/**
 * The position in a cursor made by {@link encodeKeyCursor}. Anything else (edited, truncated,
 * from another endpoint, or with a key or id that is not a non-negative safe integer) is a 400
 * `invalid_query`, before any database is touched. Reads no database.
 */
export function decodeKeyCursor(cursor: string): KeyPosition {
  const refused = () => badRequest('invalid_query', 'query.cursor: not a cursor of this endpoint');
  let position: { key: number; id: number };
  try {
    position = decodeCursor(cursor, { key: 'number', id: 'number' });
  } catch {
    throw refused();
  }
  if (![position.key, position.id].every((value) => Number.isSafeInteger(value) && value >= 0)) throw refused();
  return { key: position.key, id: position.id };
}
