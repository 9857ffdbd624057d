import type { D1DatabaseLike } from '@waddle/d1/database';
import type { JobSection, SectionPage } from '../job-section.ts';
import { channelNotificationLevelsExport, mentionsMadeExport, threadFollowsExport } from './mention-and-follow-export-sections.ts';

/** Messages per page: at most 10,000 characters each, so a page stays well under a chunk. */
const MESSAGE_PAGE = 100;
const PAGE = 500;

type Row = Record<string, unknown>;

/** A page keyed by one integer column, read by `sql` bound to (user, after, limit). */
async function keyedPage(
  database: D1DatabaseLike,
  sql: string,
  userId: number,
  after: unknown,
  limit: number,
  type: string,
  key: string,
  waddleId: number | null,
  decode: (row: Row) => Row = (row) => row,
): Promise<SectionPage> {
  const { results } = await database.prepare(sql).bind(userId, after, limit).all<Row>();
  return {
    rows: results.length,
    records: results.map((row) => ({ type, waddleId: waddleId ?? undefined, data: decode(row) })),
    next: results.length < limit ? null : [results.at(-1)![key]],
  };
}

/**
 * The user's messages, tombstones included, each with its edit history and the metadata of its
 * attachments.
 *
 * ```sql
 * SELECT m.id, m.channel_id, (SELECT name FROM channels WHERE id = m.channel_id) AS channel_name, m.thread_id, m.content,
 *        m.content_type, m.metadata, m.reply_to_id, m.edit_count, m.is_pinned, m.is_deleted, m.created_at, m.edited_at,
 *        (SELECT json_group_array(json_object('previousContent', previous_content, 'editedAt', edited_at))
 *           FROM (SELECT previous_content, edited_at FROM message_edits WHERE message_id = m.id ORDER BY id)) AS edits,
 *        (SELECT json_group_array(json_object('filename', filename, 'sizeBytes', size_bytes, 'mimeType', mime_type, 'url', url, 'createdAt', created_at))
 *           FROM (SELECT * FROM message_attachments WHERE message_id = m.id ORDER BY id)) AS attachments
 * FROM messages m WHERE m.user_id = ? AND m.id > ? ORDER BY m.id LIMIT 100   -- messages_by_user
 * ```
 */
export const messagesExport: JobSection = {
  name: 'messages',
  firstCursor: [0],
  statements: 1,
  page: (database, { userId, waddleId }, cursor) =>
    keyedPage(
      database,
      `SELECT m.id, m.channel_id, (SELECT name FROM channels WHERE id = m.channel_id) AS channel_name, m.thread_id, m.content,
              m.content_type, m.metadata, m.reply_to_id, m.edit_count, m.is_pinned, m.is_deleted, m.created_at, m.edited_at,
              (SELECT json_group_array(json_object('previousContent', previous_content, 'editedAt', edited_at))
                 FROM (SELECT previous_content, edited_at FROM message_edits WHERE message_id = m.id ORDER BY id)) AS edits,
              (SELECT json_group_array(json_object('filename', filename, 'sizeBytes', size_bytes, 'mimeType', mime_type, 'url', url, 'createdAt', created_at))
                 FROM (SELECT * FROM message_attachments WHERE message_id = m.id ORDER BY id)) AS attachments
       FROM messages m WHERE m.user_id = ? AND m.id > ? ORDER BY m.id LIMIT ?`,
      userId,
      cursor[0],
      MESSAGE_PAGE,
      'message',
      'id',
      waddleId,
      (row) => ({
        ...row,
        metadata: row.metadata === null ? null : JSON.parse(row.metadata as string),
        edits: JSON.parse(row.edits as string),
        attachments: JSON.parse(row.attachments as string),
      }),
    ),
};

/**
 * The threads (topics) the user started, with their titles.
 *
 * ```sql
 * SELECT t.id, t.channel_id, (SELECT name FROM channels WHERE id = t.channel_id) AS channel_name, t.title, t.is_locked,
 *        t.message_count, t.created_at
 * FROM threads t WHERE t.created_by = ? AND t.id > ? ORDER BY t.id LIMIT 500   -- threads_by_creator
 * ```
 */
export const threadsExport: JobSection = {
  name: 'threads',
  firstCursor: [0],
  statements: 1,
  page: (database, { userId, waddleId }, cursor) =>
    keyedPage(
      database,
      `SELECT t.id, t.channel_id, (SELECT name FROM channels WHERE id = t.channel_id) AS channel_name, t.title, t.is_locked,
              t.message_count, t.created_at
       FROM threads t WHERE t.created_by = ? AND t.id > ? ORDER BY t.id LIMIT ?`,
      userId,
      cursor[0],
      PAGE,
      'thread',
      'id',
      waddleId,
    ),
};

/**
 * The user's reactions (on anyone's messages), after the cursor `(message_id, emoji)`.
 *
 * ```sql
 * SELECT message_id, emoji, created_at FROM reactions
 * WHERE user_id = ? AND (message_id, emoji) > (?, ?) ORDER BY message_id, emoji LIMIT 500   -- reactions_by_user
 * ```
 */
export const reactionsExport: JobSection = {
  name: 'reactions',
  firstCursor: [0, ''],
  statements: 1,
  async page(database, { userId, waddleId }, cursor) {
    const { results } = await database
      .prepare(
        'SELECT message_id, emoji, created_at FROM reactions WHERE user_id = ? AND (message_id, emoji) > (?, ?) ORDER BY message_id, emoji LIMIT ?',
      )
      .bind(userId, cursor[0], cursor[1], PAGE)
      .all<{ message_id: number; emoji: string; created_at: number }>();
    const last = results.at(-1);
    return {
      rows: results.length,
      records: results.map((data) => ({ type: 'reaction', waddleId: waddleId ?? undefined, data })),
      next: results.length < PAGE || !last ? null : [last.message_id, last.emoji],
    };
  },
};

/**
 * The user's read state per channel.
 *
 * ```sql
 * SELECT channel_id, last_read_message_id, updated_at FROM read_states WHERE user_id = ? AND channel_id > ? ORDER BY channel_id LIMIT 500
 * ```
 */
export const readStatesExport: JobSection = {
  name: 'read_states',
  firstCursor: [0],
  statements: 1,
  page: (database, { userId, waddleId }, cursor) =>
    keyedPage(
      database,
      'SELECT channel_id, last_read_message_id, updated_at FROM read_states WHERE user_id = ? AND channel_id > ? ORDER BY channel_id LIMIT ?',
      userId,
      cursor[0],
      PAGE,
      'read_state',
      'channel_id',
      waddleId,
    ),
};

/**
 * The roles granted to the user.
 *
 * ```sql
 * SELECT mr.role_id, r.name AS role_name, mr.granted_by, mr.granted_at FROM member_roles mr JOIN roles r ON r.id = mr.role_id
 * WHERE mr.user_id = ? AND mr.role_id > ? ORDER BY mr.role_id LIMIT 500
 * ```
 */
export const rolesExport: JobSection = {
  name: 'roles',
  firstCursor: [-1],
  statements: 1,
  page: (database, { userId, waddleId }, cursor) =>
    keyedPage(
      database,
      'SELECT mr.role_id, r.name AS role_name, mr.granted_by, mr.granted_at FROM member_roles mr JOIN roles r ON r.id = mr.role_id WHERE mr.user_id = ? AND mr.role_id > ? ORDER BY mr.role_id LIMIT ?',
      userId,
      cursor[0],
      PAGE,
      'role',
      'role_id',
      waddleId,
    ),
};

/**
 * A ban of the user from this waddle (at most one).
 *
 * ```sql
 * SELECT user_id, reason, banned_by, banned_at, expires_at FROM bans WHERE user_id = ?
 * ```
 */
export const banExport: JobSection = {
  name: 'bans',
  firstCursor: [],
  statements: 1,
  async page(database, { userId, waddleId }) {
    const { results } = await database
      .prepare('SELECT user_id, reason, banned_by, banned_at, expires_at FROM bans WHERE user_id = ?')
      .bind(userId)
      .all<Row>();
    return { rows: results.length, records: results.map((data) => ({ type: 'ban', waddleId: waddleId ?? undefined, data })), next: null };
  },
};

/**
 * The voice sessions the user started.
 *
 * ```sql
 * SELECT id, channel_id, rtk_session_id, started_at, ended_at, max_participants, recording_url FROM voice_sessions
 * WHERE started_by = ? AND id > ? ORDER BY id LIMIT 500   -- voice_sessions_by_starter
 * ```
 */
export const voiceSessionsExport: JobSection = {
  name: 'voice_sessions',
  firstCursor: [0],
  statements: 1,
  page: (database, { userId, waddleId }, cursor) =>
    keyedPage(
      database,
      'SELECT id, channel_id, rtk_session_id, started_at, ended_at, max_participants, recording_url FROM voice_sessions WHERE started_by = ? AND id > ? ORDER BY id LIMIT ?',
      userId,
      cursor[0],
      PAGE,
      'voice_session',
      'id',
      waddleId,
    ),
};

/**
 * The sections of an export in each waddle database, in archive order. Append new sections at the
 * end: a job already running when a deploy adds one still reaches it (sections are found by name).
 */
export const waddleExportSections: readonly JobSection[] = [
  messagesExport,
  reactionsExport,
  readStatesExport,
  rolesExport,
  banExport,
  voiceSessionsExport,
  threadsExport,
  mentionsMadeExport,
  threadFollowsExport,
  channelNotificationLevelsExport,
];
