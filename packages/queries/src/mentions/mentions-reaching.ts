import type { DB } from '@waddle/waddle-schema/database';
import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';

/** Where mentions are looked for: one channel, one thread, or the channels the viewer can see. */
export type MentionScope =
  | { readonly channelId: number | Expression<number> }
  | { readonly threadId: number | Expression<number> }
  | { readonly channelIds: readonly number[] };

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
 * than once, and their callers merge them (`mentionsReaching`, `UNION`) or count distinct ids
 * (`unreadMentionCount`, `SELECT DISTINCT`).
 *
 * Four arms, one per way a message reaches the viewer, each a walk of an index from the target
 * (`message_mentions_by_target_in_channel`, `_in_thread`, or `message_mentions_by_target` for a
 * set of channels) in message order, never reading a message row (the index carries the author
 * and thread). Each selects `message_id`.
 *
 * ```sql
 * SELECT mm.message_id FROM message_mentions AS mm
 *  WHERE mm.kind = 'user' AND mm.target_id = ? AND mm.channel_id = ? AND mm.message_id > ? AND mm.author_id <> ?
 * -- and the same with: mm.kind = 'role' AND mm.target_id IN (SELECT role_id FROM member_roles WHERE user_id = ?)
 * --                    mm.kind = 'everyone' AND mm.target_id = 0
 * --                    mm.kind = 'here' AND mm.target_id = 0
 * ```
 */
export function mentionArms(db: Kysely<DB>, viewerId: number, scope: MentionScope, range: MentionRange) {
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
    arm((eb) =>
      eb.and([
        eb('mm.kind', '=', 'role'),
        eb('mm.target_id', 'in', eb.selectFrom('member_roles').select('role_id').where('user_id', '=', viewerId)),
      ]),
    ),
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
export function mentionsReaching(db: Kysely<DB>, viewerId: number, scope: MentionScope, range: MentionRange) {
  const [user, role, everyone, here] = mentionArms(db, viewerId, scope, range);
  return user.union(role).union(everyone).union(here);
}
