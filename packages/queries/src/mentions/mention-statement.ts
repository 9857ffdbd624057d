import type { DB } from '@waddle/waddle-schema/database';
import { type Compilable, type Expression, type Kysely, sql } from 'kysely';
import type { WrittenMentions } from './mention-syntax.ts';

/**
 * What the writer of a message knows about its mentions that the waddle database cannot tell:
 * membership lives in the central directory, and permissions are the caller's to compute.
 */
export interface MentionAuthority {
  /**
   * The user ids of the content's `<@id>` mentions that are members of the waddle (the caller
   * reads `waddle_members` for `writtenMentions(content).userIds`). A mention of anyone else is
   * not recorded.
   */
  readonly memberIds: readonly number[];
  /** The author holds `MENTION_EVERYONE`: `@everyone`, `@here` and non-mentionable roles are recorded. */
  readonly mayMentionEveryone: boolean;
  /**
   * The role ids of the content that the waddle's primary (which alone holds `roles`) found
   * mentionable by this author, for a message in a later message shard, whose `roles` is empty
   * (`shardMentionAuthority` reads them). When given, these roles are recorded as they are and the
   * statement does not look them up in the message's database.
   */
  readonly mentionableRoleIds?: readonly number[];
}

/** Without an authority: no member is known and nothing needs a permission (only mentionable roles are recorded). */
export const NO_MENTION_AUTHORITY: MentionAuthority = { memberIds: [], mayMentionEveryone: false };

/**
 * The statement that records a message's mentions, for the batch that writes (or edits) the
 * message, or `null` when there is nothing to record. Users are recorded when `authority` says
 * they are members; roles when they exist, are not the default role (`@everyone` is written as
 * such) and are mentionable or the author may mention everyone; `@everyone` and `@here` only when
 * the author may. The place (channel, thread) and the author are copied from the message, and nothing is written
 * unless the message is live. An existing row stays (an edit that keeps a mention). With
 * `authority.mentionableRoleIds` (a message in a later shard) the roles are those, checked in the
 * primary already, and the `EXISTS` on `roles` is left out. The targets
 * travel as one JSON array of `[kind, id]` pairs, read by `json_each` (a table-valued function,
 * which Kysely has no builder for), so a message of 50 mentions binds 3 values, not 150.
 *
 * ```sql
 * INSERT INTO message_mentions (message_id, kind, target_id, channel_id, thread_id, author_id)
 * SELECT m.id, json_extract(t.value, '$[0]'), json_extract(t.value, '$[1]'), m.channel_id, m.thread_id, m.user_id
 * FROM messages AS m, json_each(?) AS t          -- [["user", 42], ["role", 7], ["everyone", 0]]
 * WHERE m.id = ? AND m.is_deleted = 0            -- last_insert_rowid() in the batch that posts it
 *   AND (json_extract(t.value, '$[0]') <> 'role' OR EXISTS (SELECT 1 FROM roles AS r
 *        WHERE r.id = json_extract(t.value, '$[1]') AND r.is_default = 0 AND (r.is_mentionable = 1 OR ?)))
 * ON CONFLICT DO NOTHING
 * ```
 */
export function mentionStatement(
  db: Kysely<DB>,
  messageId: number | Expression<number>,
  written: WrittenMentions,
  authority: MentionAuthority,
): Compilable | null {
  const members = new Set(authority.memberIds);
  const checkedRoles = authority.mentionableRoleIds === undefined ? undefined : new Set(authority.mentionableRoleIds);
  const targets: [MentionKind, number][] = [
    ...written.userIds.filter((id) => members.has(id)).map((id): [MentionKind, number] => ['user', id]),
    ...written.roleIds.filter((id) => checkedRoles?.has(id) ?? true).map((id): [MentionKind, number] => ['role', id]),
    ...(authority.mayMentionEveryone && written.everyone ? [['everyone', 0] as [MentionKind, number]] : []),
    ...(authority.mayMentionEveryone && written.here ? [['here', 0] as [MentionKind, number]] : []),
  ];
  if (targets.length === 0) return null;
  const kind = sql<MentionKind>`json_extract(t.value, '$[0]')`;
  const targetId = sql<number>`json_extract(t.value, '$[1]')`;
  return db
    .insertInto('message_mentions')
    .columns(['message_id', 'kind', 'target_id', 'channel_id', 'thread_id', 'author_id'])
    .expression(
      db
        .selectFrom(['messages as m', sql<{ value: string }>`json_each(${JSON.stringify(targets)})`.as('t')])
        .select(['m.id', kind.as('kind'), targetId.as('target_id'), 'm.channel_id', 'm.thread_id', 'm.user_id'])
        .where('m.id', '=', messageId)
        .where('m.is_deleted', '=', 0)
        .$if(checkedRoles === undefined, (query) =>
          query.where((eb) =>
            eb.or([
              eb(kind, '<>', 'role'),
              eb.exists(
                eb
                  .selectFrom('roles as r')
                  .select(sql.lit(1).as('one'))
                  .where('r.id', '=', targetId)
                  .where('r.is_default', '=', 0)
                  .where((inner) => inner.or([inner('r.is_mentionable', '=', 1), inner.lit(authority.mayMentionEveryone)])),
              ),
            ]),
          ),
        ),
    )
    .onConflict((conflict) => conflict.doNothing());
}

type MentionKind = DB['message_mentions']['kind'];
