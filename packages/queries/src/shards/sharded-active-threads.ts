import { sql } from 'kysely';
import { type ActiveThread, getActiveThreads, RECENT_ACTIVITY_MS } from '../threads/active-threads.ts';
import type { ShardedWaddle } from './sharded-waddle.ts';

/**
 * {@link getActiveThreads} over a waddle whose messages span shards. The threads and their
 * activity (message count, last message) are the primary's rows, which count the messages of
 * every shard (see `postShardedMessage`); the primary's query also counts its own share of the
 * last 24 hours, and every later shard adds its share for the listed threads, in parallel:
 *
 * ```sql
 * SELECT thread_id, count(*) AS n FROM messages
 * WHERE thread_id IN (SELECT value FROM json_each(?)) AND is_deleted = 0 AND created_at > ? GROUP BY thread_id
 * ```
 *
 * Two round trips where one database takes one; a shard with no message in the last 24 hours
 * answers from its `(thread_id, created_at)` index without reading a message.
 */
export async function getShardedActiveThreads(
  sharded: ShardedWaddle,
  options: { readonly channelId: number; readonly limit?: number; readonly now: number },
): Promise<ActiveThread[]> {
  const threads = await getActiveThreads(sharded.primary, options);
  if (sharded.shards.length === 1 || threads.length === 0) return threads;
  const ids = JSON.stringify(threads.map((thread) => thread.id));
  const since = options.now - RECENT_ACTIVITY_MS;
  const shares = await Promise.all(
    sharded.shards.slice(1).map(async ({ waddle }) => {
      const { rows } = await sql<{ thread_id: number; n: number }>`SELECT thread_id, count(*) AS n FROM messages
        WHERE thread_id IN (SELECT value FROM json_each(${ids})) AND is_deleted = 0 AND created_at > ${since} GROUP BY thread_id`.execute(
        waddle.db,
      );
      return new Map(rows.map((row) => [row.thread_id, row.n]));
    }),
  );
  return threads.map((thread) => ({
    ...thread,
    recentMessageCount: shares.reduce((sum, share) => sum + (share.get(thread.id) ?? 0), thread.recentMessageCount),
  }));
}
