import type { DB } from '@waddle/waddle-schema/database';
import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';

/** Where mentions are looked for: one channel, one thread, or the channels the viewer can see. */
export type MentionScope =
  | { readonly channelId: number | Expression<number> }
  | { readonly threadId: number | Expression<number> }
  | { readonly channelIds: readonly number[] };

/**
 * The role ids the viewer holds now: read from `member_roles` (`undefined`: the database of the
 * statement holds them), or given (a later message shard, whose `member_roles` is empty: the
 * caller read them in the waddle's primary). Selects `role_id`.
 *
 * ```sql
 * SELECT role_id FROM member_roles WHERE user_id = ?   -- or, given: SELECT value AS role_id FROM json_each(?)
 * ```
 */
export function heldRoleIds(db: Kysely<DB>, viewerId: number, roleIds?: readonly number[]) {
  if (roleIds === undefined) return db.selectFrom('member_roles').select('role_id').where('user_id', '=', viewerId);
  return db.selectFrom(sql<{ value: number }>`json_each(${JSON.stringify(roleIds)})`.as('held')).select('held.value as role_id');
}

/** Which message ids: after a read marker (counts), before a cursor (the inbox). */
export interface MentionRange {
  readonly after?: number | Expression<number>;
  readonly before?: number;
}

/**
 * What "a mention of the viewer" means, for every count and list of mentions: a message of the
 * scope that names the viewer (`<@id>`), a role the viewer holds *now* (`<@&id>`, resolved
 * through `member_roles` when read: a member granted the role after the message is reached by
 * it, one who lost it no longer is), or everyone (`@everyone`, `@here`), written by someone else.
 * A message that reaches the viewer in several ways is one mention: the arms may return it more
 * than once, and their callers merge them (`mentionsReaching`, `UNION`). The counts walk the same
 * four ways as one join ({@link mentionsOfTargets}) and count distinct ids.
 *
 * Four arms, one per way a message reaches the viewer, each a walk of an index from the target
 * (`message_mentions_by_target_in_channel`, `_in_thread`, or `message_mentions_by_target` for a
 * set of channels) in message order, never reading a message row (the index carries the author
 * and thread). Each selects `message_id`. The viewer's roles are `member_roles`' or, given,
 * `roleIds` ({@link heldRoleIds}).
 *
 * ```sql
 * SELECT mm.message_id FROM message_mentions AS mm
 *  WHERE mm.kind = 'user' AND mm.target_id = ? AND mm.channel_id = ? AND mm.message_id > ? AND mm.author_id <> ?
 * -- and the same with: mm.kind = 'role' AND mm.target_id IN (SELECT role_id FROM member_roles WHERE user_id = ?)
 * --                    mm.kind = 'everyone' AND mm.target_id = 0
 * --                    mm.kind = 'here' AND mm.target_id = 0
 * ```
 */
export function mentionArms(db: Kysely<DB>, viewerId: number, scope: MentionScope, range: MentionRange, roleIds?: readonly number[]) {
  const arm = (reaches: (eb: ExpressionBuilder<DB & { mm: DB['message_mentions'] }, 'mm'>) => Expression<SqlBool>) => {
    let query = db
      .selectFrom('message_mentions as mm')
      .select('mm.message_id')
      .where(reaches)
      .where(({ eb, ref }) =>
        'channelId' in scope
          ? eb(ref('mm.channel_id'), '=', scope.channelId)
          : 'threadId' in scope
            ? eb(ref('mm.thread_id'), '=', scope.threadId)
            : eb(ref('mm.channel_id'), 'in', sql<number>`(SELECT value FROM json_each(${JSON.stringify(scope.channelIds)}))`),
      )
      .where('mm.author_id', '<>', viewerId);
    if (range.after !== undefined) query = query.where('mm.message_id', '>', range.after);
    if (range.before !== undefined) query = query.where('mm.message_id', '<', range.before);
    return query;
  };
  return [
    arm((eb) => eb.and([eb('mm.kind', '=', 'user'), eb('mm.target_id', '=', viewerId)])),
    arm((eb) => eb.and([eb('mm.kind', '=', 'role'), eb('mm.target_id', 'in', heldRoleIds(db, viewerId, roleIds))])),
    arm((eb) => eb.and([eb('mm.kind', '=', 'everyone'), eb('mm.target_id', '=', 0)])),
    arm((eb) => eb.and([eb('mm.kind', '=', 'here'), eb('mm.target_id', '=', 0)])),
  ] as const;
}

/**
 * The messages of a scope that mention the viewer ({@link mentionArms}), each once: ordered by
 * `message_id`, the union merges the arms and drops duplicates without sorting, except in the arm
 * of the viewer's roles when they hold several (one walk per role): that sort is as large as the
 * mentions of those roles in the scope and range, never the scope's messages. For the inbox
 * (muted threads included: it is a history). Selects `message_id`.
 *
 * ```sql
 * <user arm> UNION <role arm> UNION <everyone arm> UNION <here arm>
 * ```
 */
export function mentionsReaching(db: Kysely<DB>, viewerId: number, scope: MentionScope, range: MentionRange, roleIds?: readonly number[]) {
  const [user, role, everyone, here] = mentionArms(db, viewerId, scope, range, roleIds);
  return user.union(role).union(everyone).union(here);
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
export function viewerTargets(db: Kysely<DB>, viewerId: number, roleIds?: readonly number[]) {
  const target = (kind: DB['message_mentions']['kind'], targetId: number) =>
    db.selectNoFrom([sql<DB['message_mentions']['kind']>`${sql.lit(kind)}`.as('kind'), sql<number>`${targetId}`.as('target_id')]);
  const others = target('user', viewerId).unionAll(target('everyone', 0)).unionAll(target('here', 0));
  const role = sql<DB['message_mentions']['kind']>`'role'`.as('kind');
  if (roleIds === undefined)
    return db.selectFrom('member_roles').select([role, 'role_id as target_id']).where('user_id', '=', viewerId).unionAll(others);
  return db
    .selectFrom(sql<{ value: number }>`json_each(${JSON.stringify(roleIds)})`.as('held'))
    .select([role, 'held.value as target_id'])
    .unionAll(others);
}

/**
 * The viewer's mentions in one channel or thread after `after` (the definition of
 * {@link mentionArms}), as one walk: for each row of the statement's {@link VIEWER_TARGETS} CTE
 * (walked first: `CROSS JOIN`), a seek of `message_mentions_by_target_in_channel` or `_in_thread`
 * from (kind, target, place, marker), never reading a message row. A message reaching the viewer
 * in several ways comes once per way: count distinct ids. The same SQL text for any viewer and any
 * number of roles (the four arms it replaces were four copies of the walk, and four times the text
 * to build and prepare). Selects `message_id`.
 *
 * ```sql
 * SELECT mm.message_id FROM viewer_targets AS vt CROSS JOIN message_mentions AS mm
 *  WHERE mm.kind = vt.kind AND mm.target_id = vt.target_id AND mm.channel_id = ? AND mm.message_id > ? AND mm.author_id <> ?
 *  -- or mm.thread_id = ?
 * ```
 */
export function mentionsOfTargets(
  db: Kysely<DB>,
  viewerId: number,
  scope: { readonly channelId: Expression<number> } | { readonly threadId: Expression<number> },
  after: Expression<number>,
) {
  return db
    .selectFrom(sql<{ kind: DB['message_mentions']['kind']; target_id: number }>`${sql.table(VIEWER_TARGETS)}`.as('vt'))
    .crossJoin('message_mentions as mm')
    .select('mm.message_id')
    .whereRef('mm.kind', '=', 'vt.kind')
    .whereRef('mm.target_id', '=', 'vt.target_id')
    .where(({ eb, ref }) =>
      'channelId' in scope ? eb(ref('mm.channel_id'), '=', scope.channelId) : eb(ref('mm.thread_id'), '=', scope.threadId),
    )
    .where('mm.message_id', '>', after)
    .where('mm.author_id', '<>', viewerId);
}
