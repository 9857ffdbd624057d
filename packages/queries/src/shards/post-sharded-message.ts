import { NO_MENTION_AUTHORITY } from '../mentions/mention-statement.ts';
import { writtenMentions } from '../mentions/mention-syntax.ts';
import {
  isSlowModeRefusal,
  type NewMessage,
  postMessage,
  postMessageStatements,
  SlowModeError,
  slowModeClockStatement,
} from '../messages/post-message.ts';
import { requireValidContent } from '../messages/require-valid-content.ts';
import { runBatch } from '../waddle-database.ts';
import { activityGainedStatements } from './primary-activity.ts';
import { isFenceRefusal, ShardSealedError } from './shard-fence.ts';
import { shardMentionAuthority } from './shard-mention-authority.ts';
import type { ShardedWaddle } from './sharded-waddle.ts';

/** A message posted into a sharded waddle. */
export interface ShardedPost {
  readonly id: number;
  readonly createdAt: number;
  /**
   * The primary counted it (channel and thread activity, follows). `false` when that second
   * step failed: the message exists, is paged and searched; only the counters and follows lag until
   * the drift check repairs them (`repairShardedPost` for this one post, or the periodic pass).
   */
  readonly activityRecorded: boolean;
}

/**
 * Posts a message into the waddle's newest shard, which takes new messages. Into the primary (a
 * waddle of one shard) it is {@link postMessage}: the schema's triggers count it in the same
 * batch. Into a later shard it takes two batches, since D1 has no transaction across databases
 * (and, when the content mentions roles, a read of the primary before them: which of those roles
 * the author may mention, `shardMentionAuthority`, since only the primary holds `roles`):
 *
 * 1. the shard, atomically: skeleton rows of the channel and thread (the foreign keys of
 *    `messages`; nothing when they exist), then the message with its index entry and mentions (a
 *    reply to a message of an older shard, below this shard's first id, keeps that id in
 *    `reply_to_elsewhere_id` instead of `reply_to_id`, which is a foreign key of this database):
 *    ```sql
 *    INSERT INTO channels (id, name, created_by) VALUES (?, ?, 0) ON CONFLICT DO NOTHING;
 *    INSERT INTO threads (id, channel_id, title, created_by) VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING;
 *    INSERT INTO messages (…) VALUES (…) RETURNING id, created_at; INSERT INTO messages_fts …; INSERT INTO message_mentions …
 *    ```
 * 2. the primary: its channel's and thread's activity and the follows the triggers would have
 *    written (see `activityGainedStatements`).
 *
 * When the first batch fails nothing is written anywhere and the error is thrown: a
 * `ShardSealedError` when the shard's fence is up (a newer shard was opened since `sharded` was
 * read; read the map again and retry). When the second fails, the message stays (it exists for
 * every reader) and `activityRecorded` is `false`.
 *
 * With `enforceSlowMode` (see {@link postMessage}), a post into the primary moves the author's
 * clock in its batch. A post into a later shard moves it first, in the primary (the shard's
 * skeleton channels have no slow mode), and throws {@link SlowModeError} with nothing written when
 * it is refused; a failure of the shard's batch after it leaves the clock moved (the author waits
 * out the slow mode once more), and a `ShardSealedError` then says so (`slowModeClockMoved`), so
 * the retry of the same post does not enforce it again:
 * ```sql
 * INSERT INTO slow_mode_clocks (channel_id, user_id, last_message_at) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET last_message_at = excluded.last_message_at; -- the primary
 * ```
 *
 * @example
 * ```ts
 * const posted = await postShardedMessage(sharded, { channelId: 1, authorId: 42, content: 'hi', createdAt: now });
 * ```
 */
export async function postShardedMessage(
  sharded: ShardedWaddle,
  message: NewMessage,
  options: { readonly enforceSlowMode?: boolean } = {},
): Promise<ShardedPost> {
  const active = sharded.shards.at(-1)!.waddle;
  if (active === sharded.primary)
    return { ...(await refusedByFence(postMessage(sharded.primary, message, options), false)), activityRecorded: true };
  requireValidContent(message.content, 'content');
  const mentions = writtenMentions(message.content, 'content');
  if (options.enforceSlowMode) {
    try {
      await runBatch(sharded.primary, [slowModeClockStatement(sharded.primary, message)]);
    } catch (error) {
      throw isSlowModeRefusal(error) ? new SlowModeError(message.channelId) : error;
    }
  }

  const threadId = message.threadId ?? null;
  const skeletons = [
    active.db
      .insertInto('channels')
      .values({ id: message.channelId, name: `#${message.channelId}`, created_by: 0 })
      .onConflict((oc) => oc.doNothing()),
    ...(threadId === null
      ? []
      : [
          active.db
            .insertInto('threads')
            .values({ id: threadId, channel_id: message.channelId, title: `#${threadId}`, created_by: 0 })
            .onConflict((oc) => oc.doNothing()),
        ]),
  ];
  const mentionAuthority = await shardMentionAuthority(sharded, active, mentions, message.mentionAuthority ?? NO_MENTION_AUTHORITY);
  // A reply to a message of an older shard cannot be a foreign key here: it is kept as `reply_to_elsewhere_id`.
  const repliesElsewhere = message.replyToId != null && message.replyToId < sharded.shards.at(-1)!.firstMessageId;
  const placedMessage = repliesElsewhere ? { ...message, replyToId: null, replyToElsewhereId: message.replyToId } : message;
  const results = await refusedByFence(
    runBatch(active, [...skeletons, ...postMessageStatements(active, [{ ...placedMessage, mentionAuthority }]).flat()]),
    options.enforceSlowMode ?? false,
  );
  const row = results[skeletons.length]!.results[0] as { id: number; created_at: number };

  const memberIds = new Set(message.mentionAuthority?.memberIds ?? []);
  const placed = { id: row.id, channelId: message.channelId, threadId, authorId: message.authorId, createdAt: row.created_at };
  try {
    await runBatch(
      sharded.primary,
      activityGainedStatements(
        sharded.primary,
        placed,
        mentions.userIds.filter((id) => memberIds.has(id)),
      ),
    );
    return { id: row.id, createdAt: row.created_at, activityRecorded: true };
  } catch {
    return { id: row.id, createdAt: row.created_at, activityRecorded: false };
  }
}

/** The fence's refusal as a {@link ShardSealedError}; any other error as it is. */
async function refusedByFence<T>(write: Promise<T>, slowModeClockMoved: boolean): Promise<T> {
  try {
    return await write;
  } catch (error) {
    throw isFenceRefusal(error) ? new ShardSealedError({ cause: error, slowModeClockMoved }) : error;
  }
}
