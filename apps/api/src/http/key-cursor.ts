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
export function encodeKeyCursor(position: KeyPosition): string {
  return encodeCursor({ key: position.key, id: position.id });
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
