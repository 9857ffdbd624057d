import type { D1StatementLike } from '@waddle/d1/database';
import { postMessage, postMessages } from '@waddle/queries/messages/post-message';
import { getMessagePage } from '@waddle/queries/pagination/message-page';
import { searchMessages } from '@waddle/queries/search/search-messages';
import { getActiveThreads } from '@waddle/queries/threads/active-threads';
import type { WaddleDatabase } from '@waddle/queries/waddle-database';
import { MENTION_CASES, mentionCase } from './mention-cases.ts';
import { CJK_TERM, COMMON_WORD, PHRASE, RARE_WORD } from './synthetic-content.ts';

/** What the cases need to know about the synthetic waddle. */
export interface BenchParameters {
  readonly channelId: number;
  /** A message of channel 1 with 90 % of the channel newer than it. */
  readonly depth90AnchorId: number;
  /** How many messages of channel 1 are newer than that anchor (the OFFSET of the baseline). */
  readonly depth90Offset: number;
  readonly now: number;
  readonly visibleChannelIds: readonly number[];
  readonly viewerId: number;
}

export const READ_CASES = [
  'roundtrip',
  'page_newest',
  'page_depth90',
  'page_offset_depth90',
  'threads_ours',
  'threads_draft',
  'search_common_recent',
  'search_common_relevance',
  'search_rare',
  'search_phrase',
  'search_cjk',
  'search_like_scan',
  'kysely_page',
  'raw_page',
  ...MENTION_CASES,
] as const;
export const WRITE_CASES = ['write_single', 'write_batched', 'erasure_optimize'] as const;
export type BenchCase = (typeof READ_CASES)[number] | (typeof WRITE_CASES)[number];

/**
 * The cases whose ratios are budgets (the page against the bare read of the same 50 messages):
 * timed together, in alternation, in one run. `kysely_page` stays out: it runs the very statement
 * of `raw_page`, and called just before it, it warmed that statement's rows for it.
 */
export const COMPARED_CASES: readonly BenchCase[] = ['page_newest', 'page_depth90', 'raw_page'];

/** The cases to time, one group per run, in the given order: the compared cases together, every other case alone. */
export function timingGroups<Name extends BenchCase>(names: readonly Name[]): Name[][] {
  const compared = names.filter((name) => COMPARED_CASES.includes(name));
  return names.flatMap((name) => (!COMPARED_CASES.includes(name) ? [[name]] : name === compared[0] ? [compared] : []));
}

/**
 * How many calls warm a case up before `timed` timed ones: a tenth of them, at least 5, for a read;
 * one for a write, which changes the data.
 */
export function warmUpCalls(name: BenchCase, timed: number): number {
  return (READ_CASES as readonly BenchCase[]).includes(name) ? Math.max(5, Math.ceil(timed / 10)) : 1;
}

/** Messages per call of `write_batched`. */
export const BATCH_SIZE = 50;

/** Messages tombstoned per call of `erasure_optimize`, as one page of an erasure. */
export const ERASURE_PAGE = 200;

/** Calls of `erasure_optimize` (each rewrites the whole search index: seconds, not milliseconds). */
export const ERASURE_CALLS = 3;

/**
 * One call of a benchmark case, the same code inside workerd (over the D1 binding) and in Node
 * (over node:sqlite): the library functions app teams call, and the draft's queries as baselines.
 */
export function benchCase(name: BenchCase, waddle: WaddleDatabase, p: BenchParameters): () => Promise<unknown> {
  const pageSql = waddle.db.selectFrom('messages').selectAll().where('channel_id', '=', p.channelId).orderBy('id', 'desc').limit(50);
  let writes = 0;
  switch (name) {
    case 'roundtrip': {
      const statement = waddle.d1.prepare('SELECT 1');
      return () => statement.all();
    }
    case 'page_newest':
      return () => getMessagePage(waddle, { channelId: p.channelId }, { anchor: 'newest', before: 50, viewerId: p.viewerId });
    case 'page_depth90':
      return () => getMessagePage(waddle, { channelId: p.channelId }, { anchor: p.depth90AnchorId, before: 49, viewerId: p.viewerId });
    case 'page_offset_depth90': {
      const statement = waddle.d1
        .prepare('SELECT * FROM messages WHERE channel_id = ? ORDER BY id DESC LIMIT 50 OFFSET ?')
        .bind(p.channelId, p.depth90Offset);
      return () => statement.all();
    }
    case 'threads_ours':
      return () => getActiveThreads(waddle, { channelId: 1, limit: 20, now: p.now });
    case 'threads_draft': {
      // The draft's getActiveThreads, with its datetime('now', '-24 hours') as milliseconds.
      const statement = waddle.d1
        .prepare(`SELECT t.*, COUNT(m.id) AS recent_messages, MAX(m.created_at) AS last_activity
          FROM threads t LEFT JOIN messages m ON t.id = m.thread_id AND m.created_at > ?
          WHERE t.channel_id = ? GROUP BY t.id ORDER BY last_activity DESC LIMIT ?`)
        .bind(p.now - 24 * 3600 * 1000, 1, 20);
      return () => statement.all();
    }
    case 'search_common_recent':
      return () => searchMessages(waddle, { query: COMMON_WORD, visibleChannelIds: p.visibleChannelIds });
    case 'search_common_relevance':
      return () => searchMessages(waddle, { query: COMMON_WORD, visibleChannelIds: p.visibleChannelIds, sort: 'relevance' });
    case 'search_rare':
      return () => searchMessages(waddle, { query: RARE_WORD, visibleChannelIds: p.visibleChannelIds });
    case 'search_phrase':
      return () => searchMessages(waddle, { query: `"${PHRASE}"`, visibleChannelIds: p.visibleChannelIds });
    case 'search_cjk':
      return () => searchMessages(waddle, { query: CJK_TERM, visibleChannelIds: p.visibleChannelIds });
    case 'search_like_scan': {
      const statement = waddle.d1
        .prepare('SELECT id, content FROM messages WHERE content LIKE ? ORDER BY id DESC LIMIT 20')
        .bind(`%${RARE_WORD}%`);
      return () => statement.all();
    }
    case 'kysely_page':
      return () => pageSql.execute();
    case 'raw_page': {
      const { sql: text, parameters } = pageSql.compile();
      const statement: D1StatementLike = waddle.d1.prepare(text).bind(...parameters);
      return () => statement.all();
    }
    case 'write_single':
      return () =>
        postMessage(waddle, {
          channelId: 2,
          authorId: 7,
          content: `benchmark write ${++writes} about the ${COMMON_WORD}`,
          createdAt: p.now,
        });
    case 'write_batched':
      return () =>
        postMessages(
          waddle,
          Array.from({ length: BATCH_SIZE }, () => ({
            channelId: 2,
            authorId: 7,
            content: `benchmark burst ${++writes} on the ice`,
            createdAt: p.now,
          })),
        );
    case 'mentions_inbox':
    case 'mentions_unread':
    case 'follows_list':
      return mentionCase(name, waddle, p.visibleChannelIds);
    case 'erasure_optimize': {
      // What an erasure costs a waddle database at the end: a page of tombstones (the schema's
      // triggers take them out of the index), then the index rewritten so no token stays behind.
      let after = 0;
      const tombstone = waddle.d1.prepare(
        `UPDATE messages SET is_deleted = 1, content = NULL, metadata = NULL, is_pinned = 0, edit_count = 0, edited_at = NULL
         WHERE id IN (SELECT id FROM messages WHERE is_deleted = 0 AND id > ? ORDER BY id LIMIT ?) RETURNING id`,
      );
      const optimize = waddle.d1.prepare("INSERT INTO messages_fts (messages_fts) VALUES ('optimize')");
      return async () => {
        const { results } = await tombstone.bind(after, ERASURE_PAGE).all<{ id: number }>();
        after = Math.max(after, ...results.map((row) => row.id));
        await optimize.run();
      };
    }
  }
}
