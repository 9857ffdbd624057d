import type { ShardedWaddle } from './sharded-waddle.ts';

/**
 * Attachment ids a shard hands out: shard `k` of a waddle's map (the primary is 0, then each
 * later shard in id order) numbers its attachments from `k * 2^40 + 1`, so no two shards hold
 * the same id however long sealed shards keep taking attachments on their own messages, and an
 * id names its shard. 2^40 (about 1.1 × 10^12) is far more rows than a 10 GB database holds;
 * 8,192 shards fit below 2^53, the largest id a path takes.
 */
export const ATTACHMENT_ID_BLOCK = 2 ** 40;

/** The ids below shard `index`'s block: its attachments are numbered above this. Runs no SQL. */
export function attachmentIdFloor(index: number): number {
  return index * ATTACHMENT_ID_BLOCK;
}

/**
 * The shard whose block holds attachment `id` (see {@link ATTACHMENT_ID_BLOCK}), or `undefined`
 * for a block of no shard of the waddle: where a download looks for it, one database, not all.
 * Runs no SQL.
 *
 * @example
 * ```ts
 * const shard = shardOfAttachment(sharded, 2 ** 40 + 7); // sharded.shards[1]
 * ```
 */
export function shardOfAttachment(sharded: ShardedWaddle, id: number): ShardedWaddle['shards'][number] | undefined {
  return sharded.shards[Math.floor(id / ATTACHMENT_ID_BLOCK)];
}
