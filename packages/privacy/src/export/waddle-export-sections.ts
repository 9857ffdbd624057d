import type { DB as WaddleSchema } from '@waddle/waddle-schema/database';
import { sql } from 'kysely';
import type { JobSection } from '../job-section.ts';
import { keyedPage } from './keyed-page.ts';
import { channelOverwritesExport } from './channel-overwrites-export.ts';
import { typedSection } from '../typed-section.ts';
import { channelNotificationLevelsExport, mentionsMadeExport, threadFollowsExport } from './mention-and-follow-export-sections.ts';
import { voiceParticipationExport } from './voice-participation-export-section.ts';

/** Messages per page: at most 10,000 characters each, so a page stays well under a chunk. */
const MESSAGE_PAGE = 100;
const PAGE = 500;

/**
 * The user's messages, tombstones included, each with its edit history and the metadata of its
 * attachments.
 *
 * ```sql
 * select "m"."id", "m"."channel_id", (select "name" from "channels" where "channels"."id" = "m"."channel_id") as "channel_name",
 *        "m"."thread_id", "m"."content", "m"."content_type", "m"."metadata", "m"."reply_to_id", "m"."edit_count", "m"."is_pinned",
 *        "m"."is_deleted", "m"."created_at", "m"."edited_at",
 *        (select json_group_array(json_object('previousContent', "e"."previous_content", 'editedAt', "e"."edited_at")) as "edits"
 *           from (select "previous_content", "edited_at" from "message_edits" where "message_id" = "m"."id" order by "id") as "e") as "edits",
 *        (select json_group_array(json_object('filename', "a"."filename", 'sizeBytes', "a"."size_bytes", 'mimeType', "a"."mime_type",
 *                                             'url', "a"."url", 'createdAt', "a"."created_at")) as "attachments"
 *           from (select * from "message_attachments" where "message_id" = "m"."id" order by "id") as "a") as "attachments"
 * from "messages" as "m" where "m"."user_id" = ? and "m"."id" > ? order by "m"."id" limit ?   -- 100, messages_by_user
 * ```
 */
export const messagesExport: JobSection = typedSection<WaddleSchema>({
  name: 'messages',
  firstCursor: [0],
  statements: 1,
  async page({ db }, { userId, waddleId }, cursor) {
    const rows = await db
      .selectFrom('messages as m')
      .select((eb) => [
        'm.id',
        'm.channel_id',
        eb.selectFrom('channels').select('name').whereRef('channels.id', '=', 'm.channel_id').as('channel_name'),
        'm.thread_id',
        'm.content',
        'm.content_type',
        'm.metadata',
        'm.reply_to_id',
        'm.edit_count',
        'm.is_pinned',
        'm.is_deleted',
        'm.created_at',
        'm.edited_at',
        eb
          .selectFrom(
            eb
              .selectFrom('message_edits')
              .select(['previous_content', 'edited_at'])
              .whereRef('message_id', '=', 'm.id')
              .orderBy('id')
              .as('e'),
          )
          .select((inner) =>
            inner
              .fn<string>('json_group_array', [
                inner.fn('json_object', [sql.lit('previousContent'), 'e.previous_content', sql.lit('editedAt'), 'e.edited_at']),
              ])
              .as('edits'),
          )
          .$asScalar()
          .as('edits'),
        eb
          .selectFrom(eb.selectFrom('message_attachments').selectAll().whereRef('message_id', '=', 'm.id').orderBy('id').as('a'))
          .select((inner) =>
            inner
              .fn<string>('json_group_array', [
                inner.fn('json_object', [
                  sql.lit('filename'),
                  'a.filename',
                  sql.lit('sizeBytes'),
                  'a.size_bytes',
                  sql.lit('mimeType'),
                  'a.mime_type',
                  sql.lit('url'),
                  'a.url',
                  sql.lit('createdAt'),
                  'a.created_at',
                ]),
              ])
              .as('attachments'),
          )
          .$asScalar()
          .as('attachments'),
      ])
      .where('m.user_id', '=', userId)
      .where('m.id', '>', cursor[0] as number)
      .orderBy('m.id')
      .limit(MESSAGE_PAGE)
      .execute();
    return keyedPage(
      rows,
      MESSAGE_PAGE,
      'message',
      waddleId,
      (row) => [row.id],
      (row) => ({
        ...row,
        metadata: row.metadata === null ? null : JSON.parse(row.metadata),
        edits: row.edits === null ? null : JSON.parse(row.edits),
        attachments: row.attachments === null ? null : JSON.parse(row.attachments),
      }),
    );
  },
});

/**
 * The threads (topics) the user started, with their titles.
 *
 * ```sql
 * select "t"."id", "t"."channel_id", (select "name" from "channels" where "channels"."id" = "t"."channel_id") as "channel_name",
 *        "t"."title", "t"."is_locked", "t"."message_count", "t"."created_at"
 * from "threads" as "t" where "t"."created_by" = ? and "t"."id" > ? order by "t"."id" limit ?   -- 500, threads_by_creator
 * ```
 */
export const threadsExport: JobSection = typedSection<WaddleSchema>({
  name: 'threads',
  firstCursor: [0],
  statements: 1,
  async page({ db }, { userId, waddleId }, cursor) {
    const rows = await db
      .selectFrom('threads as t')
      .select((eb) => [
        't.id',
        't.channel_id',
        eb.selectFrom('channels').select('name').whereRef('channels.id', '=', 't.channel_id').as('channel_name'),
        't.title',
        't.is_locked',
        't.message_count',
        't.created_at',
      ])
      .where('t.created_by', '=', userId)
      .where('t.id', '>', cursor[0] as number)
      .orderBy('t.id')
      .limit(PAGE)
      .execute();
    return keyedPage(rows, PAGE, 'thread', waddleId, (row) => [row.id]);
  },
});

/**
 * The user's reactions (on anyone's messages), after the cursor `(message_id, emoji)`.
 *
 * ```sql
 * select "message_id", "emoji", "created_at" from "reactions"
 * where "user_id" = ? and ("message_id", "emoji") > (?, ?) order by "message_id", "emoji" limit ?   -- 500, reactions_by_user
 * ```
 */
export const reactionsExport: JobSection = typedSection<WaddleSchema>({
  name: 'reactions',
  firstCursor: [0, ''],
  statements: 1,
  async page({ db }, { userId, waddleId }, cursor) {
    const rows = await db
      .selectFrom('reactions')
      .select(['message_id', 'emoji', 'created_at'])
      .where('user_id', '=', userId)
      .where((eb) => eb(eb.refTuple('message_id', 'emoji'), '>', eb.tuple(cursor[0] as number, cursor[1] as string)))
      .orderBy('message_id')
      .orderBy('emoji')
      .limit(PAGE)
      .execute();
    return keyedPage(rows, PAGE, 'reaction', waddleId, (row) => [row.message_id, row.emoji]);
  },
});

/**
 * The user's read state per channel.
 *
 * ```sql
 * select "channel_id", "last_read_message_id", "updated_at" from "read_states"
 * where "user_id" = ? and "channel_id" > ? order by "channel_id" limit ?   -- 500
 * ```
 */
export const readStatesExport: JobSection = typedSection<WaddleSchema>({
  name: 'read_states',
  firstCursor: [0],
  statements: 1,
  async page({ db }, { userId, waddleId }, cursor) {
    const rows = await db
      .selectFrom('read_states')
      .select(['channel_id', 'last_read_message_id', 'updated_at'])
      .where('user_id', '=', userId)
      .where('channel_id', '>', cursor[0] as number)
      .orderBy('channel_id')
      .limit(PAGE)
      .execute();
    return keyedPage(rows, PAGE, 'read_state', waddleId, (row) => [row.channel_id]);
  },
});

/**
 * The roles granted to the user.
 *
 * ```sql
 * select "mr"."role_id", "r"."name" as "role_name", "mr"."granted_by", "mr"."granted_at"
 * from "member_roles" as "mr" inner join "roles" as "r" on "r"."id" = "mr"."role_id"
 * where "mr"."user_id" = ? and "mr"."role_id" > ? order by "mr"."role_id" limit ?   -- 500
 * ```
 */
export const rolesExport: JobSection = typedSection<WaddleSchema>({
  name: 'roles',
  firstCursor: [-1],
  statements: 1,
  async page({ db }, { userId, waddleId }, cursor) {
    const rows = await db
      .selectFrom('member_roles as mr')
      .innerJoin('roles as r', 'r.id', 'mr.role_id')
      .select(['mr.role_id', 'r.name as role_name', 'mr.granted_by', 'mr.granted_at'])
      .where('mr.user_id', '=', userId)
      .where('mr.role_id', '>', cursor[0] as number)
      .orderBy('mr.role_id')
      .limit(PAGE)
      .execute();
    return keyedPage(rows, PAGE, 'role', waddleId, (row) => [row.role_id]);
  },
});

/**
 * A ban of the user from this waddle (at most one).
 *
 * ```sql
 * select "user_id", "reason", "banned_by", "banned_at", "expires_at" from "bans" where "user_id" = ?
 * ```
 */
export const banExport: JobSection = typedSection<WaddleSchema>({
  name: 'bans',
  firstCursor: [],
  statements: 1,
  async page({ db }, { userId, waddleId }) {
    const rows = await db
      .selectFrom('bans')
      .select(['user_id', 'reason', 'banned_by', 'banned_at', 'expires_at'])
      .where('user_id', '=', userId)
      .execute();
    return { rows: rows.length, records: rows.map((data) => ({ type: 'ban', waddleId: waddleId ?? undefined, data })), next: null };
  },
});

/**
 * The voice sessions the user started.
 *
 * ```sql
 * select "id", "channel_id", "rtk_session_id", "started_at", "ended_at", "max_participants", "recording_url" from "voice_sessions"
 * where "started_by" = ? and "id" > ? order by "id" limit ?   -- 500, voice_sessions_by_starter
 * ```
 */
export const voiceSessionsExport: JobSection = typedSection<WaddleSchema>({
  name: 'voice_sessions',
  firstCursor: [0],
  statements: 1,
  async page({ db }, { userId, waddleId }, cursor) {
    const rows = await db
      .selectFrom('voice_sessions')
      .select(['id', 'channel_id', 'rtk_session_id', 'started_at', 'ended_at', 'max_participants', 'recording_url'])
      .where('started_by', '=', userId)
      .where('id', '>', cursor[0] as number)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    return keyedPage(rows, PAGE, 'voice_session', waddleId, (row) => [row.id]);
  },
});

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
  channelOverwritesExport,
  voiceParticipationExport,
];
