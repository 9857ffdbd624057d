import type { MentionAuthority } from '../mentions/mention-statement.ts';
import type { WrittenMentions } from '../mentions/mention-syntax.ts';
import type { WaddleDatabase } from '../waddle-database.ts';
import type { ShardedWaddle } from './sharded-waddle.ts';

/**
 * The mention authority for writing a message (a post or an edit) into `shard` of a sharded
 * waddle. `mentionStatement` checks a role mention against the `roles` of the message's
 * database, and only the primary holds roles: in a later shard, whose `roles` is empty, a role
 * mention would never be recorded. So for a later shard this reads, in the primary, which of the
 * content's roles this author may mention (not the default role; mentionable, or any when the
 * author may mention everyone) and hands them on as `mentionableRoleIds`. In the primary, or
 * when the content mentions no role, it is `authority` itself and runs no SQL.
 *
 * ```sql
 * select "id" from "roles" where "id" in (?, …) and "is_default" = 0 and ("is_mentionable" = 1 or ?)   -- primary key
 * ```
 *
 * A role deleted between this read and the shard's batch leaves its mention row in the shard
 * (the primary's `roles_take_mentions` trigger cannot reach it); readers resolve roles in the
 * primary, where it no longer exists.
 *
 * @example
 * ```ts
 * const mentionAuthority = await shardMentionAuthority(sharded, active, writtenMentions(content), { memberIds, mayMentionEveryone });
 * ```
 */
export async function shardMentionAuthority(
  sharded: ShardedWaddle,
  shard: WaddleDatabase,
  written: WrittenMentions,
  authority: MentionAuthority,
): Promise<MentionAuthority> {
  if (shard === sharded.primary || written.roleIds.length === 0) return authority;
  const roles = await sharded.primary.db
    .selectFrom('roles')
    .select('id')
    .where('id', 'in', written.roleIds)
    .where('is_default', '=', 0)
    .where((eb) => eb.or([eb('is_mentionable', '=', 1), eb.lit(authority.mayMentionEveryone)]))
    .execute();
  return { ...authority, mentionableRoleIds: roles.map((role) => role.id) };
}
