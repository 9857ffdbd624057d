import type { DB } from '@waddle/waddle-schema/database';
import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import { boundLimit } from '../bound-limit.ts';

/** How a message reaches the viewer; the `way` of {@link mentionsReaching}'s rows numbers them 1 to 4, most direct first, in this order. */
export type MentionWay = 'user' | 'role' | 'everyone' | 'here';

/**
 * What "a mention of the viewer" means, for every count and list of mentions: a message of the
 * visible channels that names the viewer (`<@id>`), a role the viewer holds *now* (`<@&id>`,
 * resolved through `member_roles` when read: a member granted the role after the message is
 * reached by it, one who lost it no longer is), or everyone (`@everyone`, `@here`), written by
 * someone else. A message that reaches the viewer in several ways is one mention: the arms may
 * return it more than once, and {@link mentionsReaching} merges them. The counts walk the same
 * four ways as one join ({@link mentionsOfTargets}) and count distinct ids.
 *
 * Four arms, one per way ({@link MentionWay}, in that order), each a walk of
 * `message_mentions_by_target` from the target (one walk per role for the viewer's roles), newest
 * first, before `before`, stopped at `limit` rows, never reading a message row (the index carries
 * the channel and the author). Each selects `message_id` and its `way` (1 to 4). The viewer's roles
 * are `member_roles`' or, given, `roleIds` ({@link heldRoleIds}).
 *
 * ```sql
 * SELECT * FROM (SELECT mm.message_id, 1 AS way FROM message_mentions AS mm
 *   WHERE mm.kind = 'user' AND mm.target_id = ? AND mm.channel_id IN (SELECT value FROM json_each(?))
 *     AND mm.author_id <> ? AND mm.message_id < ? ORDER BY mm.message_id DESC LIMIT CAST(? AS INTEGER))
 * -- and the same with: 2, mm.kind = 'role' AND mm.target_id IN (SELECT role_id FROM member_roles WHERE user_id = ?)
 * --                       (and +mm.channel_id IN …, so that each role is one walk: the comment at that arm)
 * --                    3, mm.kind = 'everyone' AND mm.target_id = 0
 * --                    4, mm.kind = 'here' AND mm.target_id = 0
 * ```
 */
export function mentionArms(db: Kysely<DB>, viewerId: Expression<number>, page: InboxRange, roleIds?: GivenRoleIds) {
  const arm = (
    way: number,
    reaches: (eb: ExpressionBuilder<DB & { mm: DB['message_mentions'] }, 'mm'>) => Expression<SqlBool>,
    channel: Expression<number> = sql.ref('mm.channel_id'),
  ) =>
    db
      .selectFrom(
        db
          .selectFrom('message_mentions as mm')
          .select(['mm.message_id', sql.lit(way).as('way')])
          .where(reaches)
          .where(channel, 'in', sql<number>`(SELECT value FROM json_each(${page.visibleChannels}))`)
          .where('mm.author_id', '<>', viewerId)
          .where('mm.message_id', '<', page.before)
          .orderBy('mm.message_id', 'desc')
          .limit(boundLimit(page.limit))
          .as('arm'),
      )
      .selectAll();
  return [
    arm(1, (eb) => eb.and([eb('mm.kind', '=', 'user'), eb('mm.target_id', '=', viewerId)])),
    // `+mm.channel_id` (the same value) keeps the planner from seeking `_in_channel` once per role and channel:
    // walking `message_mentions_by_target` once per role, testing the channel on each entry, took two thirds of the
    // time on the 1,000,000-message synthetic waddle (50 channels, 2 roles).
    arm(
      2,
      (eb) => eb.and([eb('mm.kind', '=', 'role'), eb('mm.target_id', 'in', heldRoleIds(db, viewerId, roleIds))]),
      sql<number>`+mm.channel_id`,
    ),
    arm(3, (eb) => eb.and([eb('mm.kind', '=', 'everyone'), eb('mm.target_id', '=', 0)])),
    arm(4, (eb) => eb.and([eb('mm.kind', '=', 'here'), eb('mm.target_id', '=', 0)])),
  ] as const;
}

/**
 * The role ids the viewer holds now: read from `member_roles` (`roleIds` undefined: the database
 * of the statement holds them), or given (a later message shard, whose `member_roles` is empty:
 * the caller read them in the waddle's primary) as a JSON array, a value or the argument of a
 * statement compiled once. Selects `role_id`.
 *
 * ```sql
 * SELECT role_id FROM member_roles WHERE user_id = ?   -- or, given: SELECT value AS role_id FROM json_each(?)
 * ```
 */
export function heldRoleIds(db: Kysely<DB>, viewerId: number | Expression<number>, roleIds?: GivenRoleIds) {
  if (roleIds === undefined) return db.selectFrom('member_roles').select('role_id').where('user_id', '=', viewerId);
  return db.selectFrom(givenRoles(roleIds)).select('held.value as role_id');
}

/** `json_each` over given role ids, as the table `held` (`value`: a role id). */
function givenRoles(roleIds: GivenRoleIds) {
  return sql<{ value: number }>`json_each(${Array.isArray(roleIds) ? JSON.stringify(roleIds) : roleIds})`.as('held');
}

/** The viewer's roles when the statement's database does not hold them: the ids, or a JSON array of them as an argument. */
export type GivenRoleIds = readonly number[] | Expression<string>;

/** The page of {@link mentionsReaching}: the visible channels (a JSON array of ids), before which message id, how many. */
export interface InboxRange {
  readonly visibleChannels: Expression<string>;
  readonly before: Expression<number>;
  readonly limit: Expression<number>;
}

/**
 * The newest `limit` messages of the visible channels before `before` that mention the viewer
 * ({@link mentionArms}), each once, with the most direct way it reaches them (`way`, the least of
 * its arms'). Limit first: a message of the page is among the newest `limit` of each arm it is in,
 * so each arm stops at `limit` rows and only those (at most `4 × limit`) are grouped. A single
 * `UNION` of the arms ordered by message (a merge of four co-routines) took about 1.5 times as
 * long on the 1,000,000-message synthetic waddle, and the inbox then looked each message's
 * mentions up again to say how it reaches the viewer. The only sorts: the viewer's roles' arm
 * when they hold several (as large as those roles' mentions in the channels), and the grouping of
 * at most `4 × limit` rows. For the inbox (muted threads included: it is a history).
 *
 * ```sql
 * SELECT message_id, min(way) AS way FROM (<arm 1> UNION ALL <arm 2> UNION ALL <arm 3> UNION ALL <arm 4>) AS ways
 * GROUP BY message_id ORDER BY message_id DESC LIMIT CAST(? AS INTEGER)
 * ```
 */
export function mentionsReaching(db: Kysely<DB>, viewerId: Expression<number>, page: InboxRange, roleIds?: GivenRoleIds) {
  const [user, role, everyone, here] = mentionArms(db, viewerId, page, roleIds);
  return db
    .selectFrom(user.unionAll(role).unionAll(everyone).unionAll(here).as('ways'))
    .select((eb) => ['ways.message_id', eb.fn.min('ways.way').as('way')])
    .groupBy('ways.message_id')
    .orderBy('ways.message_id', 'desc')
    .limit(boundLimit(page.limit));
}

/** The name of the CTE of {@link viewerTargets}. */
export const VIEWER_TARGETS = 'viewer_targets';

/**
 * The four ways of {@link mentionArms} as rows `(kind, target_id)`: the viewer by name, each role
 * they hold now, everyone and here; for a `MATERIALIZED` CTE named {@link VIEWER_TARGETS}, read
 * once per statement. The roles are `member_roles`' or, given, `roleIds` ({@link heldRoleIds}).
 *
 * ```sql
 * SELECT 'role' AS kind, role_id AS target_id FROM member_roles WHERE user_id = ?   -- or FROM json_each(?)
 * UNION ALL SELECT 'user', ? UNION ALL SELECT 'everyone', 0 UNION ALL SELECT 'here', 0
 * ```
 */
export function viewerTargets(db: Kysely<DB>, viewerId: number | Expression<number>, roleIds?: GivenRoleIds) {
  const target = (kind: DB['message_mentions']['kind'], targetId: number | Expression<number>) =>
    db.selectNoFrom([sql<DB['message_mentions']['kind']>`${sql.lit(kind)}`.as('kind'), sql<number>`${targetId}`.as('target_id')]);
  const role = sql<DB['message_mentions']['kind']>`'role'`.as('kind');
  if (roleIds === undefined) {
    return db
      .selectFrom('member_roles')
      .select([role, 'role_id as target_id'])
      .where('user_id', '=', viewerId)
      .unionAll(target('user', viewerId))
      .unionAll(target('everyone', 0))
      .unionAll(target('here', 0));
  }
  return db
    .selectFrom(givenRoles(roleIds))
    .select([role, sql<number>`held.value`.as('target_id')])
    .unionAll(target('user', viewerId))
    .unionAll(target('everyone', 0))
    .unionAll(target('here', 0));
}

/**
 * The viewer's mentions in one channel or thread after `after` (the definition of
 * {@link mentionArms}), as one walk: for each row of the statement's {@link VIEWER_TARGETS} CTE
 * (walked first: `CROSS JOIN`), a seek of `message_mentions_by_target_in_channel` or `_in_thread`
 * from (kind, target, place, marker), never reading a message row. A message reaching the viewer
 * in several ways comes once per way: count distinct ids. The same SQL text for any viewer and any
 * number of roles (the four arms it replaces were four copies of the walk, and four times the text
 * to build and prepare). Selects `message_id` and `shares_message` (1 when the message has another
 * mention row, so that this entry may be a duplicate: migration 0029), both in the index.
 *
 * ```sql
 * SELECT mm.message_id, mm.shares_message FROM viewer_targets AS vt CROSS JOIN message_mentions AS mm
 *  WHERE mm.kind = vt.kind AND mm.target_id = vt.target_id AND mm.channel_id = ? AND mm.message_id > ? AND mm.author_id <> ?
 *  -- or mm.thread_id = ?
 * ```
 */
export function mentionsOfTargets(
  db: Kysely<DB>,
  viewerId: number | Expression<number>,
  scope: { readonly channelId: Expression<number> } | { readonly threadId: Expression<number> },
  after: Expression<number>,
) {
  return db
    .selectFrom(sql<{ kind: DB['message_mentions']['kind']; target_id: number }>`${sql.table(VIEWER_TARGETS)}`.as('vt'))
    .crossJoin('message_mentions as mm')
    .select(['mm.message_id', 'mm.shares_message'])
    .whereRef('mm.kind', '=', 'vt.kind')
    .whereRef('mm.target_id', '=', 'vt.target_id')
    .where(({ eb, ref }) =>
      'channelId' in scope ? eb(ref('mm.channel_id'), '=', scope.channelId) : eb(ref('mm.thread_id'), '=', scope.threadId),
    )
    .where('mm.message_id', '>', after)
    .where('mm.author_id', '<>', viewerId);
}
