import type { D1DatabaseLike } from '@waddle/d1/database';
import type { JobSection, SectionPage } from '../job-section.ts';
import { channelNotificationLevelsErasure, threadFollowsErasure } from './mention-and-follow-erasure-sections.ts';

/** Tombstones per statement: each fires the schema's triggers (activity, search, edits, reactions, attachments). */
const TOMBSTONE_PAGE = 200;
const PAGE = 500;

/** A page of an update that returned the ids it changed: done when it changed fewer than a full page; else go on after the highest id. */
function updatedIdsPage(results: readonly { id: number }[]): SectionPage {
  return { rows: results.length, records: [], next: results.length < TOMBSTONE_PAGE ? null : [Math.max(...results.map((row) => row.id))] };
}

/**
 * Tombstones the user's messages: content, metadata, pin, edit count and time cleared. The
 * schema's triggers then take each out of the search index, delete its edit history, reactions and
 * attachments, and remove it from its thread's and channel's activity. The rows stay, so threads,
 * replies and cursors stay consistent. Already tombstoned messages are passed over unchanged.
 *
 * ```sql
 * UPDATE messages SET is_deleted = 1, content = NULL, metadata = NULL, is_pinned = 0, edit_count = 0, edited_at = NULL
 * WHERE id IN (SELECT id FROM messages WHERE user_id = ? AND id > ? ORDER BY id LIMIT 200) RETURNING id   -- messages_by_user
 * ```
 */
export const messagesErasure: JobSection = {
  name: 'messages',
  firstCursor: [0],
  statements: 1,
  async page(database, { userId }, cursor) {
    const { results } = await database
      .prepare(
        `UPDATE messages SET is_deleted = 1, content = NULL, metadata = NULL, is_pinned = 0, edit_count = 0, edited_at = NULL
         WHERE id IN (SELECT id FROM messages WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?) RETURNING id`,
      )
      .bind(userId, cursor[0], TOMBSTONE_PAGE)
      .all<{ id: number }>();
    return updatedIdsPage(results);
  },
};

/**
 * Retitles the threads the user started in which nobody else wrote (their own messages are
 * tombstoned by then): such a title is the user's words alone. A thread someone else wrote in
 * keeps its title, as a channel keeps its name: it names a conversation of others. The new title
 * is `erased topic <id>`, or with a random suffix in the unlikely case that a thread of the
 * channel already has that title (titles are unique in a channel, whatever their case).
 *
 * ```sql
 * UPDATE threads SET title = CASE
 *     WHEN EXISTS (SELECT 1 FROM threads o WHERE o.channel_id = threads.channel_id AND o.id <> threads.id AND o.title = ('erased topic ' || threads.id) COLLATE NOCASE)
 *     THEN 'erased topic ' || id || ' ' || lower(hex(randomblob(6))) ELSE 'erased topic ' || id END
 * WHERE id IN (SELECT t.id FROM threads t WHERE t.created_by = ? AND t.id > ?                 -- threads_by_creator
 *                AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = t.id AND m.user_id <> ?)   -- messages_by_thread
 *              ORDER BY t.id LIMIT 200)
 * RETURNING id
 * ```
 */
export const threadTitlesErasure: JobSection = {
  name: 'thread_titles',
  firstCursor: [0],
  statements: 1,
  async page(database, { userId }, cursor) {
    const { results } = await database
      .prepare(
        `UPDATE threads SET title = CASE
             WHEN EXISTS (SELECT 1 FROM threads o WHERE o.channel_id = threads.channel_id AND o.id <> threads.id AND o.title = ('erased topic ' || threads.id) COLLATE NOCASE)
             THEN 'erased topic ' || id || ' ' || lower(hex(randomblob(6))) ELSE 'erased topic ' || id END
         WHERE id IN (SELECT t.id FROM threads t WHERE t.created_by = ? AND t.id > ?
                        AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = t.id AND m.user_id <> ?)
                      ORDER BY t.id LIMIT ?)
         RETURNING id`,
      )
      .bind(userId, cursor[0], userId, TOMBSTONE_PAGE)
      .all<{ id: number }>();
    return updatedIdsPage(results);
  },
};

/** A section that deletes (or updates) at most `limit` of the user's rows per page, until fewer remain. */
function boundedDeletion(name: string, sql: string, limit = PAGE): JobSection {
  return {
    name,
    firstCursor: [],
    statements: 1,
    async page(database: D1DatabaseLike, { userId }) {
      const result = await database.prepare(sql).bind(userId, userId, limit).run();
      const rows = result.meta.changes ?? 0;
      return { rows, records: [], next: rows < limit ? null : [] };
    },
  };
}

/**
 * The user's remaining reactions, on other people's messages.
 *
 * ```sql
 * DELETE FROM reactions WHERE user_id = ? AND (message_id, emoji) IN (SELECT message_id, emoji FROM reactions WHERE user_id = ? LIMIT 500)
 * ```
 */
export const reactionsErasure = boundedDeletion(
  'reactions',
  'DELETE FROM reactions WHERE user_id = ? AND (message_id, emoji) IN (SELECT message_id, emoji FROM reactions WHERE user_id = ? LIMIT ?)',
);

/**
 * The user's read state.
 *
 * ```sql
 * DELETE FROM read_states WHERE user_id = ? AND channel_id IN (SELECT channel_id FROM read_states WHERE user_id = ? LIMIT 500)
 * ```
 */
export const readStatesErasure = boundedDeletion(
  'read_states',
  'DELETE FROM read_states WHERE user_id = ? AND channel_id IN (SELECT channel_id FROM read_states WHERE user_id = ? LIMIT ?)',
);

/**
 * The user's role grants.
 *
 * ```sql
 * DELETE FROM member_roles WHERE user_id = ? AND role_id IN (SELECT role_id FROM member_roles WHERE user_id = ? LIMIT 500)
 * ```
 */
export const roleGrantsErasure = boundedDeletion(
  'member_roles',
  'DELETE FROM member_roles WHERE user_id = ? AND role_id IN (SELECT role_id FROM member_roles WHERE user_id = ? LIMIT ?)',
);

/**
 * The user's slow-mode clocks.
 *
 * ```sql
 * DELETE FROM slow_mode_clocks WHERE user_id = ? AND channel_id IN (SELECT channel_id FROM slow_mode_clocks WHERE user_id = ? LIMIT 500)   -- slow_mode_clocks_by_user
 * ```
 */
export const slowModeClocksErasure = boundedDeletion(
  'slow_mode_clocks',
  'DELETE FROM slow_mode_clocks WHERE user_id = ? AND channel_id IN (SELECT channel_id FROM slow_mode_clocks WHERE user_id = ? LIMIT ?)',
);

/**
 * A ban about the user: its reason is text about them, and an erased account cannot come back.
 *
 * ```sql
 * DELETE FROM bans WHERE user_id = ? AND user_id IN (SELECT user_id FROM bans WHERE user_id = ? LIMIT 1)
 * ```
 */
export const banErasure = boundedDeletion(
  'bans',
  'DELETE FROM bans WHERE user_id = ? AND user_id IN (SELECT user_id FROM bans WHERE user_id = ? LIMIT ?)',
  1,
);

/**
 * The voice sessions the user started stay (others took part), no longer attributed to them.
 *
 * ```sql
 * UPDATE voice_sessions SET started_by = NULL WHERE started_by = ? AND id IN (SELECT id FROM voice_sessions WHERE started_by = ? LIMIT 500)
 * ```
 */
export const voiceSessionsErasure = boundedDeletion(
  'voice_sessions',
  'UPDATE voice_sessions SET started_by = NULL WHERE started_by = ? AND id IN (SELECT id FROM voice_sessions WHERE started_by = ? LIMIT ?)',
);

/**
 * Rewrites the full-text index. A contentless FTS5 index forgets a deleted message at once for
 * every query, but the tokens stay in its pages until they are merged; `optimize` merges them
 * all, so no trace of the erased messages is left in the database file.
 *
 * ```sql
 * INSERT INTO messages_fts (messages_fts) VALUES ('optimize')
 * ```
 */
export const searchIndexErasure: JobSection = {
  name: 'search_index',
  firstCursor: [],
  statements: 1,
  async page(database) {
    await database.prepare("INSERT INTO messages_fts (messages_fts) VALUES ('optimize')").run();
    return { rows: 0, records: [], next: null };
  },
};

/**
 * The sections of an erasure in each waddle database, in order. New sections go before the
 * search-index rewrite: a job already running when a deploy adds one still reaches it.
 */
export const waddleErasureSections: readonly JobSection[] = [
  messagesErasure,
  reactionsErasure,
  readStatesErasure,
  roleGrantsErasure,
  slowModeClocksErasure,
  banErasure,
  voiceSessionsErasure,
  threadTitlesErasure,
  threadFollowsErasure,
  channelNotificationLevelsErasure,
  searchIndexErasure,
];
