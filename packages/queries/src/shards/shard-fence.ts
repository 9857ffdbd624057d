import type { WaddleDatabase } from '../waddle-database.ts';

/**
 * The shard a post was sent to is sealed for new messages (its fence is up): the waddle opened a
 * newer shard meanwhile. Nothing was written; read the shard map again and post there.
 */
export class ShardSealedError extends Error {
  override readonly name = 'ShardSealedError';
  /**
   * The post's slow-mode clock was already moved in the primary (a post into a later shard with
   * `enforceSlowMode`): the retry of the same post must not enforce slow mode again.
   */
  readonly slowModeClockMoved: boolean;

  constructor(options?: { cause: unknown; slowModeClockMoved?: boolean }) {
    super('this message shard is sealed for new messages: read the shard map again and post to the newest shard', options);
    this.slowModeClockMoved = options?.slowModeClockMoved ?? false;
  }
}

/** Whether an error is the fence's refusal (`shard_sealed`, raised by the `messages_refused_by_fence` trigger). */
export function isFenceRefusal(error: unknown): boolean {
  return error instanceof Error && error.message.includes('shard_sealed');
}

/**
 * Puts up a shard's fence: from now on it takes no new message (a post gets `ShardSealedError`),
 * while edits, deletions, reactions and erasure go on. Idempotent: the first time is kept.
 *
 * ```sql
 * INSERT INTO shard_fence (id, sealed_at) VALUES (1, ?) ON CONFLICT DO NOTHING
 * ```
 */
export async function fenceShard(waddle: WaddleDatabase, at: number): Promise<void> {
  await waddle.db
    .insertInto('shard_fence')
    .values({ id: 1, sealed_at: at })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
