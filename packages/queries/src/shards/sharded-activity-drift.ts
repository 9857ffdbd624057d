import { sql } from 'kysely';
import { InvalidQueryError } from '../invalid-query-error.ts';
import {
  type Activity,
  type ActivityDrift,
  activityDriftQuery,
  type CounterDrift,
  type DriftScan,
  findActivityDrift,
  repairActivityDrift,
} from '../threads/activity-drift.ts';
import { runBatch } from '../waddle-database.ts';
import { type FollowDrift, findShardedFollowDrift, repairShardedFollowDrift } from './sharded-follow-drift.ts';
import { type ShardedWaddle, shardIndexOf } from './sharded-waddle.ts';

/** What the drift check finds over shards: counters and flags as on one database, and the follows a later shard implies and the primary lacks. */
export type ShardedDrift = ActivityDrift | FollowDrift;

/** A slice of the check over shards: its drift, and where the next slice starts (`null`: the end). */
export interface ShardedDriftScan {
  readonly drift: readonly ShardedDrift[];
  readonly next: DriftScan['next'];
}

/** One shard's share of a thread's or channel's activity: its skeleton row's counters (or the primary's own messages). */
type Share = Activity;

/**
 * {@link findActivityDrift} over a waddle whose messages span shards (docs/message-shards.md,
 * section 3). The primary's stored activity of a thread or channel should be the sum of every
 * shard's share: the primary's own messages (recomputed, as on one database) and, in each later
 * shard, the counters its triggers keep on its skeleton row (the shard's live messages there:
 * exact, since they change in the shard's own transactions). So a slice of threads (then
 * channels) costs one statement in the primary and one small read of skeleton rows per later
 * shard, in parallel, never a scan of a shard's messages. The newest share with a last message
 * gives the last message. Then the decoration flags of messages are checked shard by shard in id
 * order, each in the shard holding them (the `message` slices continue across shards by id), and
 * in a later shard, for the same slice of messages, the follows its triggers wrote that the
 * primary lacks (`findShardedFollowDrift`, two more statements). A waddle of one shard is
 * {@link findActivityDrift} itself.
 *
 * What it finds: the counters and follows a post's or deletion's second step (the primary's
 * update) did not reach. While a post is between its two steps its shard counts it and the primary not yet: such
 * a drift is real for a moment, and a repair of it is undone by nothing but counted twice once
 * that step lands; the next pass finds and repairs that too. The check converges when no write is
 * in flight.
 *
 * ```sql
 * -- the primary: activityDriftQuery (stored counters and its own messages' share), then in each later shard:
 * select "id", "message_count", "last_message_id", "last_message_at" from "threads" where "id" in (?, …)   -- or "channels"; primary key
 * ```
 */
export async function findShardedActivityDrift(
  sharded: ShardedWaddle,
  options: { readonly after?: DriftScan['next']; readonly limit?: number } = {},
): Promise<ShardedDriftScan> {
  if (sharded.shards.length === 1) return findActivityDrift(sharded.primary, options);
  const limit = options.limit ?? 200;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new InvalidQueryError('limit', 'must be an integer from 1 to 1000');
  const kind = options.after?.kind ?? 'thread';
  const afterId = options.after?.id ?? 0;
  if (kind === 'message') return decorationDriftAcrossShards(sharded, afterId, limit);

  const { rows } = await activityDriftQuery(kind, afterId, limit).execute(sharded.primary.db);
  const ids = rows.map((row) => row.id);
  const table = kind === 'thread' ? 'threads' : 'channels';
  const laterShares =
    ids.length === 0
      ? []
      : await Promise.all(
          sharded.shards
            .slice(1)
            .map(({ waddle }) =>
              waddle.db
                .selectFrom(table)
                .select(['id', 'message_count', 'last_message_id', 'last_message_at'])
                .where('id', 'in', ids)
                .execute(),
            ),
        );
  const drift: CounterDrift[] = [];
  for (const row of rows) {
    const shares: Share[] = [
      { messageCount: row.actual_count, lastMessageId: row.actual_last_id, lastMessageAt: row.actual_last_at },
      ...laterShares.flatMap((skeletons) =>
        skeletons
          .filter((skeleton) => skeleton.id === row.id)
          .map((s) => ({ messageCount: s.message_count, lastMessageId: s.last_message_id, lastMessageAt: s.last_message_at })),
      ),
    ];
    const actual = sumOf(shares);
    const stored = { messageCount: row.message_count, lastMessageId: row.last_message_id, lastMessageAt: row.last_message_at };
    if (
      stored.messageCount !== actual.messageCount ||
      stored.lastMessageId !== actual.lastMessageId ||
      stored.lastMessageAt !== actual.lastMessageAt
    )
      drift.push({ kind, id: row.id, stored, actual });
  }
  const last = rows.at(-1);
  const next =
    rows.length === limit && last
      ? { kind, id: last.id }
      : { kind: kind === 'thread' ? ('channel' as const) : ('message' as const), id: 0 };
  return { drift, next };
}

/** The shares added up: the counts, and the last message of the share whose last message is newest. */
function sumOf(shares: readonly Share[]): Activity {
  const newest = shares.reduce<Share | undefined>(
    (best, share) => (share.lastMessageId !== null && (best === undefined || share.lastMessageId > best.lastMessageId!) ? share : best),
    undefined,
  );
  return {
    messageCount: shares.reduce((sum, share) => sum + share.messageCount, 0),
    lastMessageId: newest?.lastMessageId ?? null,
    lastMessageAt: newest?.lastMessageAt ?? null,
  };
}

/**
 * A slice of decoration flags in the shard of the ids after `afterId`, with the follows of the
 * same messages the primary lacks (a later shard only); at its end, the next shard's, from its first id.
 */
async function decorationDriftAcrossShards(sharded: ShardedWaddle, afterId: number, limit: number): Promise<ShardedDriftScan> {
  const index = shardIndexOf(sharded, afterId + 1);
  const scan = await findActivityDrift(sharded.shards[index]!.waddle, { after: { kind: 'message', id: afterId }, limit });
  const follows = await findShardedFollowDrift(sharded, index, { afterId, throughId: scan.next?.id ?? null });
  const following = sharded.shards[index + 1];
  return {
    drift: [...scan.drift, ...follows],
    next: scan.next ?? (following ? { kind: 'message', id: following.firstMessageId - 1 } : null),
  };
}

/**
 * Repairs what {@link findShardedActivityDrift} found: each drifted thread's or channel's
 * activity in the primary is set to the sum of the shares, in one batch, each message's
 * decoration flags are recomputed in its own shard (`repairActivityDrift`), and the missing
 * follows are created in the primary as the triggers would have (`repairShardedFollowDrift`: a
 * missing row inserted, an author's marker moved forward; an unfollow or a mute stays). Setting values, never
 * adding, makes it idempotent: run twice, the second leaves every value as it is. Each counter update applies only
 * while the primary's row still holds the values the check read, so a post counted in between is
 * not overwritten (the next pass checks that row again). Returns how many rows it wrote (a flag is rewritten even when equal).
 *
 * ```sql
 * UPDATE threads SET message_count = ?, last_message_id = ?, last_message_at = ?
 * WHERE id = ? AND message_count = ? AND last_message_id IS ? AND last_message_at IS ?;   -- or channels; one per drifted row
 * -- and repairShardedFollowDrift's statements, in the primary
 * ```
 */
export async function repairShardedActivityDrift(sharded: ShardedWaddle, drift: readonly ShardedDrift[]): Promise<number> {
  const follows = drift.filter((d): d is FollowDrift => d.kind === 'follow');
  const activity = drift.filter((d): d is ActivityDrift => d.kind !== 'follow');
  if (sharded.shards.length === 1) return repairActivityDrift(sharded.primary, activity);
  let repaired = await repairShardedFollowDrift(sharded, follows);
  const counters = activity.filter((d): d is CounterDrift => d.kind !== 'message');
  if (counters.length > 0) {
    const results = await runBatch(
      sharded.primary,
      counters.map((d) => {
        const table = sql.table(d.kind === 'thread' ? 'threads' : 'channels');
        const { actual, stored } = d;
        const update = sql`UPDATE ${table} SET message_count = ${actual.messageCount}, last_message_id = ${actual.lastMessageId},
            last_message_at = ${actual.lastMessageAt}
          WHERE id = ${d.id} AND message_count = ${stored.messageCount} AND last_message_id IS ${stored.lastMessageId}
            AND last_message_at IS ${stored.lastMessageAt}`;
        return { compile: () => update.compile(sharded.primary.db) };
      }),
    );
    repaired += results.reduce((sum, result) => sum + (result.meta.changes ?? 0), 0);
  }
  const messages = Map.groupBy(
    activity.filter((d) => d.kind === 'message'),
    (d) => shardIndexOf(sharded, d.id),
  );
  for (const [index, inShard] of messages) repaired += await repairActivityDrift(sharded.shards[index]!.waddle, inShard);
  return repaired;
}
