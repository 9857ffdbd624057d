import type { WaddleDatabase } from '../waddle-database.ts';

/** What a user chose for a thread: follow it, stop following it, or mute it (not followed, and its mentions raise no count). */
export type ThreadFollowState = 'following' | 'unfollowed' | 'muted';

/**
 * Records a user's choice for a thread (the caller has checked that they may see it). Any choice
 * is remembered: after `unfollowed` or `muted`, starting, posting in or being mentioned in the
 * thread no longer follows it automatically (the schema's triggers only add rows); `following`
 * again undoes that. A thread followed for the first time starts read up to its newest message;
 * an existing row keeps its read marker. Returns `false`, writing nothing, when the thread does
 * not exist.
 *
 * ```sql
 * INSERT INTO thread_follows (user_id, thread_id, following, muted, last_read_message_id)
 *   SELECT ?, t.id, ?, ?, coalesce(t.last_message_id, 0) FROM threads AS t WHERE t.id = ?
 * ON CONFLICT (user_id, thread_id) DO UPDATE SET following = excluded.following, muted = excluded.muted
 * ```
 *
 * @example
 * ```ts
 * await setThreadFollow(waddle, { userId: 42, threadId: 7, state: 'muted' });
 * ```
 */
export async function setThreadFollow(
  waddle: WaddleDatabase,
  choice: { readonly userId: number; readonly threadId: number; readonly state: ThreadFollowState },
): Promise<boolean> {
  const following = choice.state === 'following' ? 1 : 0;
  const muted = choice.state === 'muted' ? 1 : 0;
  const result = await waddle.db
    .insertInto('thread_follows')
    .columns(['user_id', 'thread_id', 'following', 'muted', 'last_read_message_id'])
    .expression((eb) =>
      eb
        .selectFrom('threads as t')
        .select((inner) => [
          inner.val(choice.userId).as('user_id'),
          't.id',
          inner.val(following).as('following'),
          inner.val(muted).as('muted'),
          inner.fn.coalesce('t.last_message_id', inner.lit(0)).as('last_read_message_id'),
        ])
        .where('t.id', '=', choice.threadId),
    )
    .onConflict((conflict) =>
      conflict
        .columns(['user_id', 'thread_id'])
        .doUpdateSet((eb) => ({ following: eb.ref('excluded.following'), muted: eb.ref('excluded.muted') })),
    )
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}
