import type { PageMessage } from '../pagination/page-message.ts';
import { type ShardedWaddle, shardIndexOf } from './sharded-waddle.ts';

/**
 * `messages` with the `replyTo` of each reply to a message of another shard filled in
 * (`repliesElsewhere`: message id → replied id, from `readMessagePage`): the replied messages are
 * read in their shards, one statement per shard that holds any, all shards in parallel, so a page
 * with such replies costs one more round trip and a page without costs nothing. A replied message
 * that is not there (hard-deleted: its shard could not clear the reference) gives `replyTo: null`,
 * as a local hard delete does.
 *
 * ```sql
 * select "id", "user_id", substr("content", 1, 200) as "excerpt", "is_deleted" from "messages" where "id" in (?, …)   -- primary key
 * ```
 */
export async function withRepliesElsewhere(
  sharded: ShardedWaddle,
  messages: readonly PageMessage[],
  repliesElsewhere: ReadonlyMap<number, number>,
): Promise<PageMessage[]> {
  const wanted = messages.filter((message) => repliesElsewhere.has(message.id));
  if (wanted.length === 0) return [...messages];
  const byShard = Map.groupBy(new Set(wanted.map((message) => repliesElsewhere.get(message.id)!)), (id) => shardIndexOf(sharded, id));
  const found = new Map<number, PageMessage['replyTo']>();
  await Promise.all(
    [...byShard].map(async ([index, ids]) => {
      const rows = await sharded.shards[index]!.waddle.db.selectFrom('messages')
        .select((eb) => ['id', 'user_id', eb.fn<string | null>('substr', ['content', eb.lit(1), eb.lit(200)]).as('excerpt'), 'is_deleted'])
        .where('id', 'in', ids)
        .execute();
      for (const row of rows)
        found.set(row.id, {
          id: row.id,
          authorId: row.user_id,
          excerpt: row.is_deleted === 1 ? null : row.excerpt,
          deleted: row.is_deleted === 1,
        });
    }),
  );
  return messages.map((message) => {
    const replied = repliesElsewhere.get(message.id);
    return replied === undefined ? message : { ...message, replyTo: found.get(replied) ?? null };
  });
}
