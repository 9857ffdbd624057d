import { InvalidQueryError } from './invalid-query-error.ts';

/**
 * Encodes a cursor's position as an opaque string (base64url of JSON). Clients pass it back
 * unchanged; its content is not an API.
 */
export function encodeCursor(position: Record<string, string | number>): string {
  return btoa(JSON.stringify(position)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/**
 * Decodes a cursor made by {@link encodeCursor}, checking each field's type against `shape`.
 * Anything else (truncated, edited, from another endpoint) is an {@link InvalidQueryError}.
 */
export function decodeCursor<T extends Record<string, 'string' | 'number'>>(
  cursor: string,
  shape: T,
): { [K in keyof T]: T[K] extends 'string' ? string : number } {
  let position: unknown;
  try {
    if (cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    position = JSON.parse(atob(cursor.replaceAll('-', '+').replaceAll('_', '/')));
  } catch {
    throw new InvalidQueryError('cursor', 'is not a cursor returned by this API');
  }
  const record = position as Record<string, unknown>;
  for (const [key, type] of Object.entries(shape)) {
    const value = record?.[key];
    if (typeof value !== type || (type === 'number' && !Number.isSafeInteger(value) && !Number.isFinite(value))) {
      throw new InvalidQueryError('cursor', 'is not a cursor returned by this API');
    }
  }
  return record as { [K in keyof T]: T[K] extends 'string' ? string : number };
}
