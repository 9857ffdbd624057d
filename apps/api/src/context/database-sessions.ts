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
 * D1's Sessions API over every database a request touches (the central one, a waddle's primary and its message shards). Reads
 * may be served by a read replica; a client that sends back the bookmarks of its last response
 * (`X-Waddle-Bookmark`) reads at least what that response wrote or saw. The header is opaque:
 * base64url of `{"<database key>": "<D1 bookmark>"}`, a dot, and the base64url HMAC-SHA256 of
 * that first part under a key derived from the API's signing key (the first HS256 key; a
 * bookmark signed under any of its HS256 keys is accepted back, so a key rotation keeps them); at most 4 KB. D1 documents a bookmark
 * only as an opaque string, so the API does not parse it: it accepts back only what it signed
 * (canonical base64url, constant-time `verify`), and anything else is a 400 before a database is
 * touched.
 *
 * ```ts
 * const sessions = await DatabaseSessions.fromRequest(request, [signingSecret, ...otherSecrets]);
 * const central = sessions.open('central', env.CENTRAL_DB); // env.CENTRAL_DB.withSession(bookmark ?? 'first-unconstrained')
 * // … after the work:
 * response.headers.set(BOOKMARK_HEADER, await sessions.header());
 * ```
 */
export class DatabaseSessions {
  readonly #bookmarks: Map<string, string>;
  /** Signs the response's header. */
  readonly #key: CryptoKey;
  readonly #open = new Map<string, { getBookmark(): string | null }>();

  private constructor(bookmarks: Map<string, string>, key: CryptoKey) {
    this.#bookmarks = bookmarks;
    this.#key = key;
  }

  /**
   * The sessions a request asks for; a header the API did not sign (under a key derived from one
   * of `secrets`), or a malformed one, is a 400. The response's header is signed under the first.
   */
  static async fromRequest(request: Request, secrets: readonly [string, ...string[]]): Promise<DatabaseSessions> {
    const [signing, ...others] = secrets;
    const key = await bookmarkKey(signing);
    const verifiers = [key, ...(await Promise.all(others.map(bookmarkKey)))];
    const header = request.headers.get(BOOKMARK_HEADER);
    if (header === null || header === '') return new DatabaseSessions(new Map(), key);
    const invalid = () => badRequest('invalid_bookmark', `${BOOKMARK_HEADER} is not a bookmark this API returned`);
    const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(header);
    if (header.length > MAX_HEADER_LENGTH || !match) throw invalid();
    const [, payload, signature] = match as unknown as [string, string, string];
    const mac = bytesOfBase64Url(signature);
    // Only the canonical spelling of the MAC: its last character's unused bits are zero.
    if (base64Url(mac) !== signature || !(await signedUnderOneOf(verifiers, mac, encoder.encode(payload)))) throw invalid();
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(bytesOfBase64Url(payload)));
    } catch {
      throw invalid();
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid();
    const entries = Object.entries(parsed);
    if (
      entries.some(
        ([key, value]) => !/^(central|waddle:[1-9][0-9]*|shard:[1-9][0-9]*)$/.test(key) || typeof value !== 'string' || value.length > 512,
      )
    )
      throw invalid();
    return new DatabaseSessions(new Map(entries as [string, string][]), key);
  }

  /**
   * The database to use for `key` in this request (`waddle:<waddle id>` for a waddle's primary,
   * `shard:<directory id>` for one of its later message shards): a session continuing from the
   * caller's bookmark when the database supports sessions (else the database itself).
   */
  open(key: 'central' | `waddle:${number}` | `shard:${number}`, database: D1DatabaseLike): D1DatabaseLike {
    if (!isSessionCapable(database)) return database;
    const session = database.withSession(this.#bookmarks.get(key) ?? 'first-unconstrained');
    this.#open.set(key, session);
    return session;
  }

  /** The header for the response: the caller's bookmarks, advanced by this request's sessions, signed. */
  async header(): Promise<string | undefined> {
    const merged = new Map(this.#bookmarks);
    for (const [key, session] of this.#open) {
      const bookmark = session.getBookmark();
      if (bookmark) merged.set(key, bookmark);
    }
    if (merged.size === 0) return undefined;
    const payload = base64Url(encoder.encode(JSON.stringify(Object.fromEntries(merged))));
    const signature = base64Url(new Uint8Array(await crypto.subtle.sign('HMAC', this.#key, encoder.encode(payload))));
    const header = `${payload}.${signature}`;
    return header.length <= MAX_HEADER_LENGTH ? header : undefined;
  }
}

const encoder = new TextEncoder();

/** Derived keys by secret: one isolate serves many requests under one secret. */
const keys = new Map<string, Promise<CryptoKey>>();

/**
 * A bookmark signing key: HMAC-SHA256 of a fixed label under an HS256 secret of the API, so a bookmark's MAC
 * is never a token's signature (tokens are signed with the secret itself).
 */
function bookmarkKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = (async () => {
      const root = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      const derived = await crypto.subtle.sign('HMAC', root, encoder.encode('waddle X-Waddle-Bookmark signing key v1'));
      return crypto.subtle.importKey('raw', derived, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    })();
    keys.set(secret, key);
  }
  return key;
}

/** Whether `mac` is the HMAC of `data` under one of `keys` (each checked in constant time). */
async function signedUnderOneOf(keys: readonly CryptoKey[], mac: Uint8Array, data: Uint8Array): Promise<boolean> {
  for (const key of keys) if (await crypto.subtle.verify('HMAC', key, mac, data)) return true;
  return false;
}

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** Only called on text matching `[A-Za-z0-9_-]+`; a length no base64 has gives no bytes, which nothing accepts. */
function bytesOfBase64Url(text: string): Uint8Array {
  try {
    return Uint8Array.from(atob(text.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0));
  } catch {
    return new Uint8Array();
  }
}

function isSessionCapable(database: D1DatabaseLike): database is D1DatabaseLike & SessionCapable {
  return typeof (database as Partial<SessionCapable>).withSession === 'function';
}
