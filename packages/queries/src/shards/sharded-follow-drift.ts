import { type Compilable, sql } from 'kysely';
import { runBatch } from '../waddle-database.ts';
import type { ShardedWaddle } from './sharded-waddle.ts';

/**
 * A follow a later shard's `thread_follows` implies and the primary lacks: no row in the primary
 * for the user and thread (`stored` null), or, when the shard's marker is the user's own message
 * there (`authored`), a primary marker behind it.
 */
export interface FollowDrift {
  readonly kind: 'follow';
  readonly userId: number;
  readonly threadId: number;
  /** The primary's read marker, `null` when it has no row. */
  readonly stored: number | null;
  /** The shard's read marker. */
  readonly actual: number;
  /** Whether the shard's marker is a message of the user in the thread (moved there as the author's trigger moves it). */
  readonly authored: boolean;
}

/** The ids a follow check covers in one shard: after `afterId`, up to `throughId` (`null`: to the shard's end). */
export interface MessageRange {
  readonly afterId: number;
  readonly throughId: number | null;
}

interface ImpliedFollow {
  readonly user_id: number;
  readonly thread_id: number;
  readonly last_read_message_id: number;
  readonly authored: number;
}

/**
 * The follows a later shard's triggers wrote for the messages of `range` there
 * (docs/message-shards.md, section 3) that the primary lacks. In a later shard, posting and
 * mentioning fire the schema's follow triggers on the shard's own `thread_follows`
 * (`messages_followed_by_author`, `message_mentions_followed_by_mentioned`): the author's row with
 * the marker on their newest message there, a mentioned member's with the marker just before the
 * first mention. The primary gets the same rows from the post's second step, which may have
 * failed. Nobody chooses anything in a shard's rows (follow, unfollow and mute write the primary),
 * so they are what the triggers did, and the primary's rows are the users' choices.
 *
 * For each (user, thread) of a message of the range (its author, each member it mentions by name),
 * the shard's row is read by primary key, with whether its marker is the user's own message (an
 * author's marker; otherwise it is a mention's, one before it), then the primary's row for the same
 * pairs. A pair is drift when the primary has no row, or when the shard's marker is authored and
 * ahead of the primary's: the author's trigger moves an existing marker forward to their message,
 * the mention's never moves one. The skeleton thread's starter row (user 0) is not a follow.
 * A shard that is the primary has nothing to check: its triggers wrote its rows in the post's own
 * batch. Two statements: one in the shard, one in the primary (the pairs travel as one JSON array).
 *
 * ```sql
 * -- the shard
 * SELECT f.user_id, f.thread_id, f.last_read_message_id,
 *   EXISTS (SELECT 1 FROM messages AS a WHERE a.id = f.last_read_message_id AND a.user_id = f.user_id AND a.thread_id = f.thread_id) AS authored
 * FROM (SELECT user_id, thread_id FROM messages WHERE id > ? AND id <= ? AND thread_id IS NOT NULL
 *       UNION SELECT target_id, thread_id FROM message_mentions WHERE message_id > ? AND message_id <= ? AND kind = 'user' AND thread_id IS NOT NULL) AS p
 * INNER JOIN thread_follows AS f ON f.user_id = p.user_id AND f.thread_id = p.thread_id
 * WHERE f.user_id <> 0 ORDER BY f.user_id, f.thread_id;
 * -- the primary
 * SELECT f.user_id, f.thread_id, f.last_read_message_id FROM json_each(?) AS j
 *   CROSS JOIN thread_follows AS f ON f.user_id = json_extract(j.value, '$[0]') AND f.thread_id = json_extract(j.value, '$[1]');
 * ```
 */
export async function findShardedFollowDrift(sharded: ShardedWaddle, shardIndex: number, range: MessageRange): Promise<FollowDrift[]> {
  const shard = sharded.shards[shardIndex]?.waddle;
  if (shardIndex === 0 || !shard) return [];
  const inRange = <T extends string>(column: T) => sql<boolean>`${sql.ref(column)} > ${range.afterId}
    AND ${range.throughId === null ? sql`1` : sql`${sql.ref(column)} <= ${range.throughId}`}`;
  const implied: ImpliedFollow[] = await shard.db
    .selectFrom(
      shard.db
        .selectFrom('messages')
        .select(['user_id', 'thread_id'])
        .where(inRange('id'))
        .where('thread_id', 'is not', null)
        .union(
          shard.db
            .selectFrom('message_mentions')
            .select(['target_id as user_id', 'thread_id'])
            .where(inRange('message_id'))
            .where('kind', '=', 'user')
            .where('thread_id', 'is not', null),
        )
        .as('p'),
    )
    .innerJoin('thread_follows as f', (join) => join.onRef('f.user_id', '=', 'p.user_id').onRef('f.thread_id', '=', 'p.thread_id'))
    .select((eb) => [
      'f.user_id',
      'f.thread_id',
      'f.last_read_message_id',
      eb
        .exists(
          eb
            .selectFrom('messages as a')
            .select('a.id')
            .whereRef('a.id', '=', 'f.last_read_message_id')
            .whereRef('a.user_id', '=', 'f.user_id')
            .whereRef('a.thread_id', '=', 'f.thread_id'),
        )
        .$castTo<number>()
        .as('authored'),
    ])
    .where('f.user_id', '<>', 0)
    .orderBy('f.user_id')
    .orderBy('f.thread_id')
    .execute();
  if (implied.length === 0) return [];

  const pairs = JSON.stringify(implied.map((row) => [row.user_id, row.thread_id]));
  const { rows: stored } = await sql<{ user_id: number; thread_id: number; last_read_message_id: number }>`
    SELECT f.user_id, f.thread_id, f.last_read_message_id FROM json_each(${pairs}) AS j
    CROSS JOIN thread_follows AS f ON f.user_id = json_extract(j.value, '$[0]') AND f.thread_id = json_extract(j.value, '$[1]')`.execute(
    sharded.primary.db,
  );
  const primaryMarker = new Map(stored.map((row) => [`${row.user_id}:${row.thread_id}`, row.last_read_message_id]));
  return implied.flatMap((row): FollowDrift[] => {
    const marker = primaryMarker.get(`${row.user_id}:${row.thread_id}`) ?? null;
    const authored = row.authored === 1;
    if (marker !== null && !(authored && marker < row.last_read_message_id)) return [];
    return [{ kind: 'follow', userId: row.user_id, threadId: row.thread_id, stored: marker, actual: row.last_read_message_id, authored }];
  });
}

/**
 * Creates in the primary what {@link findShardedFollowDrift} found, as the triggers would have:
 * a missing row is inserted followed, not muted, with the shard's marker (`INSERT OR IGNORE`, and
 * only when the thread exists: a row written meanwhile, an unfollow or a mute, stays as it is); an
 * authored marker moves forward to the author's message, never back, and no other column changes.
 * So it never resurrects an unfollow (a row with `following = 0`) or unmutes, and run twice the
 * second writes nothing. One batch; returns how many rows it wrote.
 *
 * ```sql
 * INSERT OR IGNORE INTO thread_follows (user_id, thread_id, last_read_message_id) SELECT ?, id, ? FROM threads WHERE id = ?;  -- no row
 * UPDATE thread_follows SET last_read_message_id = ? WHERE user_id = ? AND thread_id = ? AND last_read_message_id < ?;         -- authored, behind
 * ```
 */
export async function repairShardedFollowDrift(sharded: ShardedWaddle, drift: readonly FollowDrift[]): Promise<number> {
  if (drift.length === 0) return 0;
  const { db } = sharded.primary;
  const statements: Compilable[] = drift.map((d) =>
    d.stored === null
      ? db
          .insertInto('thread_follows')
          .orIgnore()
          .columns(['user_id', 'thread_id', 'last_read_message_id'])
          .expression((eb) =>
            eb
              .selectFrom('threads')
              .select((inner) => [inner.val(d.userId).as('user_id'), 'id', inner.val(d.actual).as('last_read_message_id')])
              .where('id', '=', d.threadId),
          )
      : db
          .updateTable('thread_follows')
          .set({ last_read_message_id: d.actual })
          .where('user_id', '=', d.userId)
          .where('thread_id', '=', d.threadId)
          .where('last_read_message_id', '<', d.actual),
  );
  const results = await runBatch(sharded.primary, statements);
  return results.reduce((sum, result) => sum + (result.meta.changes ?? 0), 0);
}
