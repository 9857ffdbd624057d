import type { DB as WaddleSchema } from '@waddle/waddle-schema/database';
import { openTypedDatabase } from '@waddle/d1/typed-database';
import { type Compilable, type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { JobSection } from '../job-section.ts';
import type { WaddleDatabase } from '../privacy-databases.ts';
import { typedSection } from '../typed-section.ts';
import { attachmentObjectsErasure } from './attachment-erasure-sections.ts';
import { channelNotificationLevelsErasure, threadFollowsErasure } from './mention-and-follow-erasure-sections.ts';
import { updatedIdsPage } from './updated-ids-page.ts';

/** Tombstones per statement: each fires the schema's triggers (activity, search, edits, reactions, attachments). */
const TOMBSTONE_PAGE = 200;
const PAGE = 500;

/**
 * Tombstones the user's messages: content, metadata, pin, edit count and time cleared. The
 * schema's triggers then take each out of the search index, delete its edit history, reactions and
 * attachments, and remove it from its thread's and channel's activity. The rows stay, so threads,
 * replies and cursors stay consistent. Already tombstoned messages are passed over unchanged.
 *
 * ```sql
 * update "messages" set "is_deleted" = 1, "content" = ?, "metadata" = ?, "is_pinned" = 0, "edit_count" = 0, "edited_at" = ?   -- null each
 * where "id" in (select "id" from "messages" where "user_id" = ? and "id" > ? order by "id" limit ?) returning "id"   -- 200, messages_by_user
 * ```
 */
export const messagesErasure: JobSection = typedSection<WaddleSchema>({
  name: 'messages',
  firstCursor: [0],
  statements: 1,
  async page({ db }, { userId }, cursor) {
    const results = await db
      .updateTable('messages')
      .set((eb) => ({
        is_deleted: eb.lit(1),
        content: null,
        metadata: null,
        is_pinned: eb.lit(0),
        edit_count: eb.lit(0),
        edited_at: null,
      }))
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('messages')
          .select('id')
          .where('user_id', '=', userId)
          .where('id', '>', cursor[0] as number)
          .orderBy('id')
          .limit(TOMBSTONE_PAGE),
      )
      .returning('id')
      .execute();
    return updatedIdsPage(results, TOMBSTONE_PAGE);
  },
});

/** What {@link othersWroteInThread} is built in: a query over `threads as t`. */
type ThreadsAsT = ExpressionBuilder<WaddleSchema & { t: WaddleSchema['threads'] }, 't'>;

/**
 * Whether anyone but the user wrote in the thread `t`: the test that keeps a thread's title
 * (in the primary, and in each later message shard).
 *
 * ```sql
 * exists (select 1 as "one" from "messages" as "m" where "m"."thread_id" = "t"."id" and "m"."user_id" <> ?)   -- messages_by_thread
 * ```
 */
function othersWroteInThread(eb: ThreadsAsT, userId: number): Expression<SqlBool> {
  return eb.exists(
    eb.selectFrom('messages as m').select(eb.lit(1).as('one')).whereRef('m.thread_id', '=', 't.id').where('m.user_id', '<>', userId),
  );
}

/**
 * Retitles the threads the user started in which nobody else wrote (their own messages are
 * tombstoned by then): such a title is the user's words alone. A thread someone else wrote in
 * keeps its title, as a channel keeps its name: it names a conversation of others. The new title
 * is `erased topic <id>`, or with a random suffix in the unlikely case that a thread of the
 * channel already has that title (titles are unique in a channel, whatever their case).
 *
 * In a waddle of several message shards, others may have written in a thread only in a later
 * shard: the page then first takes its candidates in the primary, asks each later shard which of
 * them others wrote in (one statement each), and retitles the rest (one more statement).
 *
 * ```sql
 * update "threads" set "title" = case
 *     when exists (select 1 as "one" from "threads" as "o" where "o"."channel_id" = "threads"."channel_id" and "o"."id" <> "threads"."id"
 *                    and "o"."title" = ('erased topic ' || "threads"."id") COLLATE NOCASE)
 *     then 'erased topic ' || "threads"."id" || ' ' || lower(hex(randomblob(6))) else 'erased topic ' || "threads"."id" end
 * where "id" in (select "t"."id" from "threads" as "t" where "t"."created_by" = ? and "t"."id" > ?          -- threads_by_creator
 *                  and not exists (select 1 as "one" from "messages" as "m" where "m"."thread_id" = "t"."id" and "m"."user_id" <> ?)   -- messages_by_thread
 *                order by "t"."id" limit ?)   -- 200
 * returning "id"
 * -- with later shards: the subquery above alone (select "t"."id" …), then in each later shard
 * select "t"."id" from "threads" as "t" where "t"."id" in (?, …)   -- the skeletons of the candidates there
 *   and exists (select 1 as "one" from "messages" as "m" where "m"."thread_id" = "t"."id" and "m"."user_id" <> ?)   -- messages_by_thread
 * -- then the update with "where "id" in (?, …)" (the candidates no shard had others' messages in)
 * ```
 */
export const threadTitlesErasure: JobSection = {
  ...typedSection<WaddleSchema>({
    name: 'thread_titles',
    firstCursor: [0],
    statements: 1,
    async page({ db }, { userId }, cursor, { laterShards = [] }) {
      const candidates = db
        .selectFrom('threads as t')
        .select('t.id')
        .where('t.created_by', '=', userId)
        .where('t.id', '>', cursor[0] as number)
        .where((inner) => inner.not(othersWroteInThread(inner, userId)))
        .orderBy('t.id')
        .limit(TOMBSTONE_PAGE);
      const retitle = db.updateTable('threads').set((eb) => {
        const erasedTitle = eb(sql.lit('erased topic '), '||', eb.ref('threads.id').$castTo<string>());
        const taken = eb.exists(
          eb
            .selectFrom('threads as o')
            .select(eb.lit(1).as('one'))
            .whereRef('o.channel_id', '=', 'threads.channel_id')
            .whereRef('o.id', '<>', 'threads.id')
            // Kysely has no COLLATE for a comparison: the case-blind match the unique index applies.
            .where((inner) => sql<boolean>`${inner.ref('o.title')} = (${erasedTitle}) COLLATE NOCASE`),
        );
        const randomSuffix = eb.fn<string>('lower', [eb.fn('hex', [eb.fn('randomblob', [eb.lit(6)])])]);
        return {
          title: eb
            .case()
            .when(taken)
            .then(eb(eb(erasedTitle, '||', sql.lit(' ')), '||', randomSuffix))
            .else(erasedTitle)
            .end(),
        };
      });
      if (laterShards.length === 0)
        return updatedIdsPage(await retitle.where('id', 'in', candidates).returning('id').execute(), TOMBSTONE_PAGE);

      const ids = (await candidates.execute()).map((row) => row.id);
      if (ids.length === 0) return { rows: 0, records: [], next: null };
      const othersWrote = new Set<number>();
      for (const shard of laterShards) {
        const rows = await openTypedDatabase<WaddleSchema>(shard.database)
          .db.selectFrom('threads as t')
          .select('t.id')
          .where('t.id', 'in', ids)
          .where((inner) => othersWroteInThread(inner, userId))
          .execute();
        for (const row of rows) othersWrote.add(row.id);
      }
      const own = ids.filter((id) => !othersWrote.has(id));
      const retitled = own.length === 0 ? [] : await retitle.where('id', 'in', own).returning('id').execute();
      return { rows: retitled.length, records: [], next: ids.length < TOMBSTONE_PAGE ? null : [Math.max(...ids)] };
    },
  }),
  statementsPerLaterShard: 1,
  statements: 2,
};

/** A section that deletes (or updates) at most `limit` of the user's rows per page, until fewer remain. */
function boundedDeletion(
  name: string,
  statement: (waddle: WaddleDatabase, userId: number, limit: number) => Compilable,
  limit = PAGE,
): JobSection {
  return typedSection<WaddleSchema>({
    name,
    firstCursor: [],
    statements: 1,
    async page(waddle, { userId }) {
      const result = await waddle.db.executeQuery(statement(waddle, userId, limit));
      const rows = Number(result.numAffectedRows ?? 0n);
      return { rows, records: [], next: rows < limit ? null : [] };
    },
  });
}

/**
 * The user's remaining reactions, on other people's messages.
 *
 * ```sql
 * delete from "reactions" where "user_id" = ? and ("message_id", "emoji") in (select "message_id", "emoji" from "reactions" where "user_id" = ? limit ?)   -- 500
 * ```
 */
export const reactionsErasure = boundedDeletion('reactions', ({ db }, userId, limit) =>
  db
    .deleteFrom('reactions')
    .where('user_id', '=', userId)
    .where((eb) =>
      eb(
        eb.refTuple('message_id', 'emoji'),
        'in',
        eb
          .selectFrom('reactions')
          .select(['message_id', 'emoji'])
          .where('user_id', '=', userId)
          .limit(limit)
          .$asTuple('message_id', 'emoji'),
      ),
    ),
);

/**
 * The user's read state.
 *
 * ```sql
 * delete from "read_states" where "user_id" = ? and "channel_id" in (select "channel_id" from "read_states" where "user_id" = ? limit ?)   -- 500
 * ```
 */
export const readStatesErasure = boundedDeletion('read_states', ({ db }, userId, limit) =>
  db
    .deleteFrom('read_states')
    .where('user_id', '=', userId)
    .where('channel_id', 'in', (eb) => eb.selectFrom('read_states').select('channel_id').where('user_id', '=', userId).limit(limit)),
);

/**
 * The user's role grants.
 *
 * ```sql
 * delete from "member_roles" where "user_id" = ? and "role_id" in (select "role_id" from "member_roles" where "user_id" = ? limit ?)   -- 500
 * ```
 */
export const roleGrantsErasure = boundedDeletion('member_roles', ({ db }, userId, limit) =>
  db
    .deleteFrom('member_roles')
    .where('user_id', '=', userId)
    .where('role_id', 'in', (eb) => eb.selectFrom('member_roles').select('role_id').where('user_id', '=', userId).limit(limit)),
);

/**
 * The channel overwrites naming the user (`target_kind = 'member'`): what they were allowed or
 * denied in a channel is about them. Overwrites of roles stay.
 *
 * ```sql
 * delete from "channel_overwrites" where "target_kind" = 'member' and "target_id" = ?
 *   and "channel_id" in (select "channel_id" from "channel_overwrites" where "target_kind" = 'member' and "target_id" = ? limit ?)   -- 500, channel_overwrites_by_target
 * ```
 */
export const channelOverwritesErasure = boundedDeletion('channel_overwrites', ({ db }, userId, limit) =>
  db
    .deleteFrom('channel_overwrites')
    .where('target_kind', '=', 'member')
    .where('target_id', '=', userId)
    .where('channel_id', 'in', (eb) =>
      eb
        .selectFrom('channel_overwrites')
        .select('channel_id')
        .where('target_kind', '=', 'member')
        .where('target_id', '=', userId)
        .limit(limit),
    ),
);

/**
 * The user's slow-mode clocks.
 *
 * ```sql
 * delete from "slow_mode_clocks" where "user_id" = ?
 *   and "channel_id" in (select "channel_id" from "slow_mode_clocks" where "user_id" = ? limit ?)   -- 500, slow_mode_clocks_by_user
 * ```
 */
export const slowModeClocksErasure = boundedDeletion('slow_mode_clocks', ({ db }, userId, limit) =>
  db
    .deleteFrom('slow_mode_clocks')
    .where('user_id', '=', userId)
    .where('channel_id', 'in', (eb) => eb.selectFrom('slow_mode_clocks').select('channel_id').where('user_id', '=', userId).limit(limit)),
);

/**
 * A ban about the user: its reason is text about them, and an erased account cannot come back.
 *
 * ```sql
 * delete from "bans" where "user_id" = ? and "user_id" in (select "user_id" from "bans" where "user_id" = ? limit ?)   -- 1
 * ```
 */
export const banErasure = boundedDeletion(
  'bans',
  ({ db }, userId, limit) =>
    db
      .deleteFrom('bans')
      .where('user_id', '=', userId)
      .where('user_id', 'in', (eb) => eb.selectFrom('bans').select('user_id').where('user_id', '=', userId).limit(limit)),
  1,
);

/**
 * The voice sessions the user started stay (others took part), no longer attributed to them.
 *
 * ```sql
 * update "voice_sessions" set "started_by" = ? where "started_by" = ?   -- null; the user
 *   and "id" in (select "id" from "voice_sessions" where "started_by" = ? limit ?)   -- 500
 * ```
 */
export const voiceSessionsErasure = boundedDeletion('voice_sessions', ({ db }, userId, limit) =>
  db
    .updateTable('voice_sessions')
    .set({ started_by: null })
    .where('started_by', '=', userId)
    .where('id', 'in', (eb) => eb.selectFrom('voice_sessions').select('id').where('started_by', '=', userId).limit(limit)),
);

/**
 * The user's voice participation, each stint in a session: when and with whom they were in a call
 * is theirs. A session they were the last one in ends (the schema's trigger, at the latest time
 * anyone was seen in it); what it keeps of them is a number, `max_participants`. The sessions
 * they started stay for the others, unattributed (`voiceSessionsErasure`).
 *
 * ```sql
 * delete from "voice_session_participants" where "user_id" = ?
 *   and "id" in (select "id" from "voice_session_participants" where "user_id" = ? limit ?)   -- 500, voice_participants_by_user
 * ```
 */
export const voiceParticipationErasure = boundedDeletion('voice_participations', ({ db }, userId, limit) =>
  db
    .deleteFrom('voice_session_participants')
    .where('user_id', '=', userId)
    .where('id', 'in', (eb) => eb.selectFrom('voice_session_participants').select('id').where('user_id', '=', userId).limit(limit)),
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
    // Raw: FTS5's 'optimize' command is an insert into the table's hidden column of its own name,
    // which the generated types leave out with the index. Run by test/query-plans.test.ts; its effect
    // is what the erasure byte-scan test checks (apps/api/test/privacy.test.ts: no erased word left).
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
  channelOverwritesErasure,
  voiceParticipationErasure,
  attachmentObjectsErasure,
  searchIndexErasure,
];
