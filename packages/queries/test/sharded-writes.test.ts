import { env, reset } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { testClock } from '@waddle/clock/test-clock';
import { deleteMessage } from '../src/messages/delete-message.ts';
import { editMessage } from '../src/messages/edit-message.ts';
import { pinnedMessages } from '../src/messages/pinned-messages.ts';
import { postMessage, SlowModeError } from '../src/messages/post-message.ts';
import { setPinned } from '../src/messages/set-pinned.ts';
import { getMessagePage } from '../src/pagination/message-page.ts';
import { addReaction } from '../src/reactions/add-reaction.ts';
import { continueMessageIds, lastHandedOutMessageId } from '../src/shards/continue-message-ids.ts';
import { deleteShardedMessage } from '../src/shards/delete-sharded-message.ts';
import { markShardedRead } from '../src/shards/mark-sharded-read.ts';
import { postShardedMessage } from '../src/shards/post-sharded-message.ts';
import { getShardedActiveThreads } from '../src/shards/sharded-active-threads.ts';
import { fenceShard, ShardSealedError } from '../src/shards/shard-fence.ts';
import { getShardedMessagePage } from '../src/shards/sharded-message-page.ts';
import { shardedPinnedMessages } from '../src/shards/sharded-pinned-messages.ts';
import { type ShardedWaddle, shardedWaddle, shardOf } from '../src/shards/sharded-waddle.ts';
import { getActiveThreads } from '../src/threads/active-threads.ts';
import { markRead } from '../src/unreads/mark-read.ts';
import type { WaddleDatabase } from '../src/waddle-database.ts';
import { migrated } from './three-shards.ts';

const T = testClock().now();
const MINUTE = 60_000;

let whole: WaddleDatabase;
let sharded: ShardedWaddle;

/** Opens the next shard the way the switch will: its id sequence continues the newest shard's. */
async function openShard(d1: D1Database): Promise<void> {
  const shard = await migrated(d1);
  // A fresh shard has no skeleton rows yet: the poster writes them with its first message there.
  await shard.db.deleteFrom('threads').execute();
  await shard.db.deleteFrom('channels').execute();
  const last = await lastHandedOutMessageId(sharded.shards.at(-1)!.waddle);
  await continueMessageIds(shard, last);
  sharded = shardedWaddle(sharded.primary, [...sharded.shards.slice(1), { firstMessageId: last + 1, waddle: shard }]);
}

/** The same message into both; ids agree. */
async function post(i: number): Promise<number> {
  const message = {
    channelId: i % 4 === 0 ? 2 : 1,
    threadId: i % 3 === 0 ? (i % 4 === 0 ? 2 : 1) : null,
    authorId: 1 + (i % 5),
    content: i % 7 === 0 ? `hello <@6> and <@7> ${i}` : `message ${i}`,
    createdAt: T + i * 10 * MINUTE,
    mentionAuthority: { memberIds: [6], mayMentionEveryone: false },
  };
  const expected = await postMessage(whole, message);
  const posted = await postShardedMessage(sharded, message);
  expect(posted).toEqual({ ...expected, activityRecorded: true });
  return posted.id;
}

beforeEach(async () => {
  await reset();
  whole = await migrated(env.WHOLE);
  const primary = await migrated(env.DB);
  for (const waddle of [whole, primary])
    await waddle.db.insertInto('threads').values({ id: 2, channel_id: 2, title: 'other topic', created_by: 4, created_at: 0 }).execute();
  sharded = shardedWaddle(primary);
});

const activity = (waddle: WaddleDatabase, table: 'channels' | 'threads') =>
  waddle.db.selectFrom(table).select(['id', 'message_count', 'last_message_id', 'last_message_at']).orderBy('id').execute();
const follows = (waddle: WaddleDatabase) =>
  waddle.db.selectFrom('thread_follows').selectAll().orderBy('user_id').orderBy('thread_id').execute();

async function expectSameState(label: string) {
  expect(await activity(sharded.primary, 'channels'), label).toEqual(await activity(whole, 'channels'));
  expect(await activity(sharded.primary, 'threads'), label).toEqual(await activity(whole, 'threads'));
  expect(await follows(sharded.primary), label).toEqual(await follows(whole));
  for (const hours of [1, 20, 30, 40]) {
    for (const channelId of [1, 2]) {
      const options = { channelId, now: T + hours * 60 * MINUTE };
      expect(await getShardedActiveThreads(sharded, options), label).toEqual(await getActiveThreads(whole, options));
    }
  }
  for (const channelId of [1, 2]) {
    const options = { anchor: 'newest' as const, before: 100, viewerId: 5 };
    expect(await getShardedMessagePage(sharded, { channelId }, options), label).toEqual(
      await getMessagePage(whole, { channelId }, options),
    );
  }
}

describe('writing to a waddle that grows through three shards', () => {
  it('keeps the primary’s activity, follows and active threads equal to one database’s, through posts, reactions and deletions in sealed shards', {
    timeout: 120_000,
  }, async () => {
    for (let i = 1; i <= 60; i++) await post(i);
    await openShard(env.SHARD_2);
    for (let i = 61; i <= 120; i++) await post(i);
    await openShard(env.SHARD_3);
    for (let i = 121; i <= 180; i++) await post(i);
    expect(sharded.shards.map((s) => s.firstMessageId)).toEqual([1, 61, 121]);
    await expectSameState('after the posts');

    // Reactions land in the message's shard, sealed ones included.
    for (const id of [5, 70, 150]) {
      for (const waddle of [whole, shardOf(sharded, id)])
        await addReaction(waddle, { messageId: id, emoji: '🐧', userId: 5, createdAt: T });
    }
    // Deletions in every shard, among them the newest message of channel 1, of channel 2 and of thread 1 in their shards.
    const newestOf = async (column: 'channel_id' | 'thread_id', id: number) =>
      (
        await whole.db
          .selectFrom('messages')
          .select('id')
          .where(column, '=', id)
          .where('is_deleted', '=', 0)
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirstOrThrow()
      ).id;
    const doomed = [3, 62, 119, 120, await newestOf('channel_id', 1), await newestOf('channel_id', 2), await newestOf('thread_id', 1)];
    for (const id of doomed) {
      const [expected, actual] = [await deleteMessage(whole, id), await deleteShardedMessage(sharded, id)];
      expect(actual).toBe(expected);
      await expectSameState(`after deleting ${id}`);
    }
    expect(await deleteShardedMessage(sharded, 62)).toBe(false);
    expect(await deleteShardedMessage(sharded, 10_000)).toBe(false);
  });

  it('refuses a post to a fenced shard whole, the primary or a later one, while its messages stay editable, deletable and reactable', async () => {
    for (let i = 1; i <= 5; i++) await post(i);
    await openShard(env.SHARD_2);
    for (let i = 6; i <= 10; i++) await post(i);
    const fenced = async (shard: WaddleDatabase, stale: ShardedWaddle, atBefore: number) => {
      await fenceShard(shard, T + atBefore);
      await fenceShard(shard, T + atBefore + 1); // a resumed switch: the first time stays
      const before = [await activity(sharded.primary, 'channels'), await shard.db.selectFrom('messages').select('id').execute()];
      await expect(postShardedMessage(stale, { channelId: 1, authorId: 1, content: 'late', createdAt: T })).rejects.toThrow(
        ShardSealedError,
      );
      expect([await activity(sharded.primary, 'channels'), await shard.db.selectFrom('messages').select('id').execute()]).toEqual(before);
      expect(await shard.db.selectFrom('shard_fence').selectAll().execute()).toEqual([{ id: 1, sealed_at: T + atBefore }]);
    };
    // A poster that still has the map of one shard, and one that has the map of two.
    await fenced(sharded.primary, shardedWaddle(sharded.primary), 100);
    await fenced(shardOf(sharded, 6), sharded, 200);

    const sealed = shardOf(sharded, 7);
    await addReaction(sealed, { messageId: 7, emoji: '🐧', userId: 2, createdAt: T });
    expect(await editMessage(sealed, { messageId: 10, content: 'edited after the fence', editedAt: T + 300 })).toBe(true);
    expect(await deleteShardedMessage(sharded, 9)).toBe(true);
    expect(await deleteShardedMessage(sharded, 2)).toBe(true);
    const page = await getShardedMessagePage(sharded, { channelId: 1 }, { anchor: 'newest', before: 20, viewerId: 2 });
    const byId = new Map(page.messages.map((m) => [m.id, m]));
    expect([byId.get(7)?.reactions.length, byId.get(10)?.content, byId.get(9)?.deleted, byId.get(2)?.deleted]).toEqual([
      1,
      'edited after the fence',
      true,
      true,
    ]);
  });

  it('enforces slow mode in the primary for a post into a later shard, and a fence after the clock says the clock moved', async () => {
    for (const waddle of [whole, sharded.primary])
      await waddle.db.updateTable('channels').set({ slow_mode_seconds: 60 }).where('id', '=', 1).execute();
    await post(1);
    await openShard(env.SHARD_2);
    const shard = sharded.shards.at(-1)!.waddle;
    const message = (createdAt: number) => ({ channelId: 1, authorId: 1, content: 'slow', createdAt });
    const first = await postShardedMessage(sharded, message(T), { enforceSlowMode: true });
    expect(shardOf(sharded, first.id)).toBe(shard);
    const clock = () => sharded.primary.db.selectFrom('slow_mode_clocks').select('last_message_at').where('user_id', '=', 1).execute();
    expect(await clock()).toEqual([{ last_message_at: T }]);

    const messages = () => shard.db.selectFrom('messages').select('id').execute();
    const before = await messages();
    await expect(postShardedMessage(sharded, message(T + 1000), { enforceSlowMode: true })).rejects.toThrow(SlowModeError);
    expect([await clock(), await messages()]).toEqual([[{ last_message_at: T }], before]);

    await fenceShard(shard, T);
    const refused = await postShardedMessage(sharded, message(T + 2 * MINUTE), { enforceSlowMode: true }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ShardSealedError);
    expect((refused as ShardSealedError).slowModeClockMoved).toBe(true);
    expect([await clock(), await messages()]).toEqual([[{ last_message_at: T + 2 * MINUTE }], before]);
    // Into the primary the clock is in the refused batch itself: nothing moved.
    await fenceShard(sharded.primary, T);
    const primaryOnly = await postShardedMessage(shardedWaddle(sharded.primary), message(T + 10 * MINUTE), { enforceSlowMode: true }).catch(
      (error: unknown) => error,
    );
    expect((primaryOnly as ShardSealedError).slowModeClockMoved).toBe(false);
    expect(await clock()).toEqual([{ last_message_at: T + 2 * MINUTE }]);
  });

  it('clamps read markers to the newest message of any shard and lists the pins of every shard, as one database does', async () => {
    for (let i = 1; i <= 6; i++) await post(i);
    await openShard(env.SHARD_2);
    for (let i = 7; i <= 12; i++) await post(i);
    await openShard(env.SHARD_3);
    for (const id of [2, 9]) {
      await setPinned(whole, id, true);
      await setPinned(shardOf(sharded, id), id, true);
    }
    expect((await shardedPinnedMessages(sharded, 1)).map((m) => m.id)).toEqual((await pinnedMessages(whole, 1)).map((m) => m.id));
    expect((await shardedPinnedMessages(sharded, 1)).map((m) => m.id)).toEqual([9, 2]);

    // Channel 1's newest message is in shard 2; shard 3 has none yet.
    const read = { userId: 9, channelId: 1, messageId: 1_000, at: T };
    expect(await markShardedRead(sharded, read)).toBe(await markRead(whole, read));
    expect(await markShardedRead(sharded, read)).toBe(11);
    expect(await markShardedRead(sharded, { ...read, messageId: 3 })).toBe(11); // never backwards
  });
});
