import { sql } from 'kysely';
import { InvalidQueryError } from '../invalid-query-error.ts';
import { decodeCursor, encodeCursor } from '../opaque-cursor.ts';
import type { WaddleDatabase } from '../waddle-database.ts';
import { parseSearchQuery } from './search-query.ts';
import { buildSnippet, type SnippetPart } from './snippet.ts';

export interface SearchOptions {
  /** Free text from the user; any string is accepted (see `parseSearchQuery`). */
  readonly query: string;
  /** The channels the caller may see; nothing outside them is ever returned. */
  readonly visibleChannelIds: readonly number[];
  readonly channelId?: number;
  readonly authorId?: number;
  readonly threadId?: number;
  /** Only messages created at or after this time (ms since the epoch). */
  readonly after?: number;
  /** Only messages created before this time (ms since the epoch). */
  readonly before?: number;
  /** `recent` (default): newest first. `relevance`: best bm25 score first, newer first on ties. */
  readonly sort?: 'recent' | 'relevance';
  /** 1 to 100, default 20. */
  readonly limit?: number;
  /** `nextCursor` of the previous page, with the same query and filters. */
  readonly cursor?: string | null;
}

export interface SearchHit {
  readonly id: number;
  readonly channelId: number;
  readonly threadId: number | null;
  readonly authorId: number;
  readonly createdAt: number;
  readonly editedAt: number | null;
  readonly content: string;
  readonly snippet: readonly SnippetPart[];
  /** bm25 score (lower is better), with `sort: 'relevance'`. */
  readonly score?: number;
}

export interface SearchResult {
  readonly hits: readonly SearchHit[];
  readonly nextCursor: string | null;
}

interface HitRow {
  id: number;
  channel_id: number;
  thread_id: number | null;
  user_id: number;
  created_at: number;
  edited_at: number | null;
  content: string;
  score?: number;
}

/**
 * Full-text search over a waddle's messages: any user text (see `parseSearchQuery`), filtered by
 * the channels the caller may see and optionally by channel, author, thread and time, sorted by
 * recency or relevance, with a highlighted snippet per hit and a cursor for the next page.
 * Tombstoned messages are never found (they leave the index when deleted), and an edited message
 * is found by its new text only.
 *
 * Sorted by recency, FTS5 walks the index newest first and stops at the limit:
 * ```sql
 * SELECT m.id, m.channel_id, m.thread_id, m.user_id, m.created_at, m.edited_at, m.content
 * FROM messages_fts CROSS JOIN messages AS m ON m.id = messages_fts.rowid
 * WHERE messages_fts MATCH ? AND m.is_deleted = 0 AND m.channel_id IN (SELECT value FROM json_each(?))
 *   [AND m.channel_id = ?] [AND m.user_id = ?] [AND m.thread_id = ?] [AND m.created_at >= ?] [AND m.created_at < ?]
 *   [AND messages_fts.rowid < ?]
 * ORDER BY messages_fts.rowid DESC LIMIT ?
 * ```
 * By relevance every match is scored (bm25) and the best candidates are joined and filtered
 * (again over all matches if the filters leave less than a page):
 * ```sql
 * SELECT m.…, f.score FROM (SELECT id, score FROM (SELECT rowid AS id, bm25(messages_fts) AS score FROM messages_fts WHERE messages_fts MATCH ?)
 *     [WHERE score > ? OR (score = ? AND id < ?)] ORDER BY score, id DESC LIMIT ?) AS f
 * CROSS JOIN messages AS m ON m.id = f.id WHERE …
 * ORDER BY f.score, f.id DESC LIMIT ?
 * ```
 * Its limits stay bare `LIMIT ?`, unlike the rest of the library's (`boundLimit`): bound through
 * `CAST(? AS INTEGER)` the relevance search took 104 to 110 ms in-process instead of 75, and no
 * less inside workerd.
 *
 * @example
 * ```ts
 * const { hits, nextCursor } = await searchMessages(waddle, { query: 'cafe -closed', visibleChannelIds: [1, 2] });
 * ```
 */
export async function searchMessages(waddle: WaddleDatabase, options: SearchOptions): Promise<SearchResult> {
  const search = planSearch(options);
  if (!search.query) return { hits: [], nextCursor: null };
  let { rows } = await search.query.execute(waddle.db);
  if (rows.length <= search.limit && search.exhaustiveQuery) {
    // The best-scored candidates did not leave a full page after the filters: rank every match.
    ({ rows } = await search.exhaustiveQuery.execute(waddle.db));
  }
  const page = rows.slice(0, search.limit);
  const last = page.at(-1);
  return {
    hits: page.map((row) => ({
      id: row.id,
      channelId: row.channel_id,
      threadId: row.thread_id,
      authorId: row.user_id,
      createdAt: row.created_at,
      editedAt: row.edited_at,
      content: row.content,
      snippet: buildSnippet(row.content, search.terms),
      ...(row.score === undefined ? {} : { score: row.score }),
    })),
    nextCursor: rows.length > search.limit && last ? encodeCursor({ f: search.fingerprint, id: last.id, s: last.score ?? 0 }) : null,
  };
}

/**
 * Validates the options and builds the SQL of a search without running it (`query` is `null`
 * when nothing can match). {@link searchMessages} runs it; tests read its query plan.
 */
export function planSearch(options: SearchOptions) {
  const limit = options.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new InvalidQueryError('limit', 'must be an integer from 1 to 100');
  const sort = options.sort ?? 'recent';
  if (sort !== 'recent' && sort !== 'relevance') throw new InvalidQueryError('sort', "must be 'recent' or 'relevance'");
  for (const field of ['channelId', 'authorId', 'threadId', 'after', 'before'] as const) {
    const value = options[field];
    if (value !== undefined && !Number.isSafeInteger(value)) throw new InvalidQueryError(field, 'must be an integer');
  }
  if (!options.visibleChannelIds.every(Number.isSafeInteger)) throw new InvalidQueryError('visibleChannelIds', 'must be integers');

  const parsed = parseSearchQuery(options.query);
  const fingerprint = fingerprintOf(parsed.match ?? '', options, sort);
  const position = options.cursor ? decodeCursor(options.cursor, { f: 'string', id: 'number', s: 'number' }) : null;
  if (position && position.f !== fingerprint) throw new InvalidQueryError('cursor', 'belongs to another search');
  const searchable = parsed.match !== null && options.visibleChannelIds.length > 0;
  const query = !searchable
    ? null
    : sort === 'recent'
      ? recentQuery(parsed.match!, options, position, limit)
      : relevanceQuery(parsed.match!, options, position, limit, RELEVANCE_CANDIDATES * (limit + 1));
  const exhaustiveQuery = searchable && sort === 'relevance' ? relevanceQuery(parsed.match!, options, position, limit, null) : null;
  return { query, exhaustiveQuery, limit, fingerprint, terms: parsed.terms };
}

function filters(options: SearchOptions) {
  return sql.join(
    [
      sql`m.is_deleted = 0`,
      sql`m.channel_id IN (SELECT value FROM json_each(${JSON.stringify(options.visibleChannelIds)}))`,
      ...(options.channelId === undefined ? [] : [sql`m.channel_id = ${options.channelId}`]),
      ...(options.authorId === undefined ? [] : [sql`m.user_id = ${options.authorId}`]),
      ...(options.threadId === undefined ? [] : [sql`m.thread_id = ${options.threadId}`]),
      ...(options.after === undefined ? [] : [sql`m.created_at >= ${options.after}`]),
      ...(options.before === undefined ? [] : [sql`m.created_at < ${options.before}`]),
    ],
    sql` AND `,
  );
}

function recentQuery(match: string, options: SearchOptions, position: { id: number } | null, limit: number) {
  return sql<HitRow>`SELECT m.id, m.channel_id, m.thread_id, m.user_id, m.created_at, m.edited_at, m.content
    FROM messages_fts CROSS JOIN messages AS m ON m.id = messages_fts.rowid
    WHERE messages_fts MATCH ${match} AND ${filters(options)}
      ${position ? sql`AND messages_fts.rowid < ${position.id}` : sql``}
    ORDER BY messages_fts.rowid DESC LIMIT ${limit + 1}`;
}

/**
 * Relevance in two phases: FTS5 scores every match (inherent to ranking) but keeps only the best
 * `candidates` before the join with `messages` and its filters, which halves the cost on a common
 * word. When the filters leave less than a page of those, `searchMessages` runs it again with
 * `candidates` null (every match joined), so the result is the same as a full ranking.
 */
function relevanceQuery(
  match: string,
  options: SearchOptions,
  position: { id: number; s: number } | null,
  limit: number,
  candidates: number | null,
) {
  return sql<HitRow>`SELECT m.id, m.channel_id, m.thread_id, m.user_id, m.created_at, m.edited_at, m.content, f.score
    FROM (SELECT id, score FROM (SELECT rowid AS id, bm25(messages_fts) AS score FROM messages_fts WHERE messages_fts MATCH ${match})
      ${position ? sql`WHERE score > ${position.s} OR (score = ${position.s} AND id < ${position.id})` : sql``}
      ORDER BY score, id DESC ${candidates === null ? sql`` : sql`LIMIT ${candidates}`}) AS f
    CROSS JOIN messages AS m ON m.id = f.id
    WHERE ${filters(options)}
    ORDER BY f.score, f.id DESC LIMIT ${limit + 1}`;
}

/** How many best-scored matches per wanted hit the first relevance phase keeps. */
const RELEVANCE_CANDIDATES = 8;

/** Ties a cursor to the search that made it (FNV-1a over the query and filters). */
function fingerprintOf(match: string, options: SearchOptions, sort: string): string {
  const text = JSON.stringify([
    match,
    sort,
    options.visibleChannelIds,
    options.channelId,
    options.authorId,
    options.threadId,
    options.after,
    options.before,
  ]);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(36);
}
