import type { D1DatabaseLike } from '@waddle/d1/database';
import { badRequest } from '../http/api-error.ts';

/** The request and response header that carries the caller's D1 session bookmarks. */
export const BOOKMARK_HEADER = 'X-Waddle-Bookmark';

const MAX_HEADER_LENGTH = 4096;

/** A D1 binding that can open a session (a Worker binding; the REST API has no sessions). */
interface SessionCapable {
  withSession(constraintOrBookmark?: string): D1DatabaseLike & { getBookmark(): string | null };
}

/**
 * D1's Sessions API over every database a request touches (the central one and a waddle's). Reads
 * may be served by a read replica; a client that sends back the bookmarks of its last response
 * (`X-Waddle-Bookmark`) reads at least what that response wrote or saw. The header is opaque:
 * base64url of `{"<database key>": "<D1 bookmark>"}`, at most 4 KB.
 *
 * ```ts
 * const sessions = DatabaseSessions.fromRequest(request);
 * const central = sessions.open('central', env.CENTRAL_DB); // env.CENTRAL_DB.withSession(bookmark ?? 'first-unconstrained')
 * // … after the work:
 * response.headers.set(BOOKMARK_HEADER, sessions.header());
 * ```
 */
export class DatabaseSessions {
  readonly #bookmarks: Map<string, string>;
  readonly #open = new Map<string, { getBookmark(): string | null }>();

  private constructor(bookmarks: Map<string, string>) {
    this.#bookmarks = bookmarks;
  }

  /** The sessions a request asks for; a malformed header is a 400. */
  static fromRequest(request: Request): DatabaseSessions {
    const header = request.headers.get(BOOKMARK_HEADER);
    if (header === null || header === '') return new DatabaseSessions(new Map());
    const invalid = () => badRequest('invalid_bookmark', `${BOOKMARK_HEADER} is not a bookmark this API returned`);
    if (header.length > MAX_HEADER_LENGTH || !/^[A-Za-z0-9_-]+$/.test(header)) throw invalid();
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(header.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0))));
    } catch {
      throw invalid();
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid();
    const entries = Object.entries(parsed);
    if (entries.some(([key, value]) => !/^(central|waddle:[1-9][0-9]*)$/.test(key) || typeof value !== 'string' || value.length > 512)) throw invalid();
    return new DatabaseSessions(new Map(entries as [string, string][]));
  }

  /**
   * The database to use for `key` in this request: a session continuing from the caller's
   * bookmark when the database supports sessions (else the database itself).
   */
  open(key: 'central' | `waddle:${number}`, database: D1DatabaseLike): D1DatabaseLike {
    if (!isSessionCapable(database)) return database;
    const session = database.withSession(this.#bookmarks.get(key) ?? 'first-unconstrained');
    this.#open.set(key, session);
    return session;
  }

  /** The header for the response: the caller's bookmarks, advanced by this request's sessions. */
  header(): string | undefined {
    const merged = new Map(this.#bookmarks);
    for (const [key, session] of this.#open) {
      const bookmark = session.getBookmark();
      if (bookmark) merged.set(key, bookmark);
    }
    if (merged.size === 0) return undefined;
    const bytes = new TextEncoder().encode(JSON.stringify(Object.fromEntries(merged)));
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    const encoded = btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
    return encoded.length <= MAX_HEADER_LENGTH ? encoded : undefined;
  }
}

function isSessionCapable(database: D1DatabaseLike): database is D1DatabaseLike & SessionCapable {
  return typeof (database as Partial<SessionCapable>).withSession === 'function';
}
