import { InvalidQueryError } from '../invalid-query-error.ts';
import type { WaddleDatabase } from '../waddle-database.ts';

/** One database of a waddle's messages, and the first message id of its range. */
export interface MessageShard {
  /** The first id of the range; the shard's range ends below the next shard's first id. */
  readonly firstMessageId: number;
  readonly waddle: WaddleDatabase;
}

/**
 * A waddle whose messages may span several databases (docs/message-shards.md): its primary,
 * which holds channels, threads, roles and read state, and its message shards in id order. The
 * primary is the first shard (its range starts at 1), so a waddle that never filled is a
 * `ShardedWaddle` of one shard and every query over it does what it does over one database.
 */
export interface ShardedWaddle {
  readonly primary: WaddleDatabase;
  /** Ascending by `firstMessageId`; the first is the primary, from id 1. */
  readonly shards: readonly MessageShard[];
}

/**
 * A waddle of its primary and its later message shards (the directory's shard map, read with the
 * registry row). Refuses a map whose ranges do not start above 1 and increase, which no query
 * could serve. Runs no SQL.
 *
 * @example
 * ```ts
 * const sharded = shardedWaddle(openWaddleDatabase(env.DB), [{ firstMessageId: 1_000_001, waddle: openWaddleDatabase(env.SHARD_2) }]);
 * ```
 */
export function shardedWaddle(primary: WaddleDatabase, later: readonly MessageShard[] = []): ShardedWaddle {
  let previous = 1;
  for (const shard of later) {
    if (!Number.isSafeInteger(shard.firstMessageId) || shard.firstMessageId <= previous)
      throw new InvalidQueryError('shards', 'must start above 1 and above the previous shard, in order');
    previous = shard.firstMessageId;
  }
  return { primary, shards: [{ firstMessageId: 1, waddle: primary }, ...later] };
}

/**
 * The index in `sharded.shards` of the shard whose range holds `messageId` (the last shard whose
 * first id is at most it; the primary for anything below the second shard's range). Binary search
 * over the map in memory; runs no SQL.
 */
export function shardIndexOf(sharded: ShardedWaddle, messageId: number): number {
  let low = 0;
  let high = sharded.shards.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (sharded.shards[middle]!.firstMessageId <= messageId) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** The database holding message `messageId` (see {@link shardIndexOf}): where it is edited, reacted to, pinned or deleted. */
export function shardOf(sharded: ShardedWaddle, messageId: number): WaddleDatabase {
  return sharded.shards[shardIndexOf(sharded, messageId)]!.waddle;
}
