import { env, reset } from 'cloudflare:test';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { beforeEach, describe, expect, it } from 'vitest';
import { testClock } from '@waddle/clock/test-clock';
import { deleteMessage } from '../src/messages/delete-message.ts';
import { writtenMentions } from '../src/mentions/mention-syntax.ts';
import { editMessage } from '../src/messages/edit-message.ts';
import { pinnedMessages } from '../src/messages/pinned-messages.ts';
import { postMessage, SlowModeError } from '../src/messages/post-message.ts';
import { setPinned } from '../src/messages/set-pinned.ts';
import { getMessagePage } from '../src/pagination/message-page.ts';
import { addReaction } from '../src/reactions/add-reaction.ts';
import { continueMessageIds, lastHandedOutMessageId } from '../src/shards/continue-message-ids.ts';
import { deleteShardedMessage } from '../src/shards/delete-sharded-message.ts';
import { markShardedRead } from '../src/shards/mark-sharded-read.ts';
import { moveShardedThread } from '../src/shards/move-sharded-thread.ts';
import { postShardedMessage } from '../src/shards/post-sharded-message.ts';
import { getShardedActiveThreads } from '../src/shards/sharded-active-threads.ts';
import { fenceShard, ShardSealedError } from '../src/shards/shard-fence.ts';
import { getShardedMessagePage } from '../src/shards/sharded-message-page.ts';
import { shardMentionAuthority } from '../src/shards/shard-mention-authority.ts';
import { repairShardedPost } from '../src/shards/repair-sharded-post.ts';
import { findShardedActivityDrift, repairShardedActivityDrift, type ShardedDrift } from '../src/shards/sharded-activity-drift.ts';
import { shardedPinnedMessages } from '../src/shards/sharded-pinned-messages.ts';
import { type ShardedWaddle, shardedWaddle, shardOf } from '../src/shards/sharded-waddle.ts';
import { getActiveThreads } from '../src/threads/active-threads.ts';
import { setThreadFollow } from '../src/threads/set-thread-follow.ts';
import { updateThread } from '../src/threads/update-thread.ts';
import { markRead } from '../src/unreads/mark-read.ts';
import { openWaddleDatabase, type WaddleDatabase } from '../src/waddle-database.ts';
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

  it('records role mentions in every shard as one database does: mentionable roles, or any for an author who may mention everyone, in posts and edits', async () => {
    for (const waddle of [whole, sharded.primary])
      await waddle.db
        .insertInto('roles')
        .values([
          { id: 7, name: 'krill watchers', is_mentionable: 1 },
          { id: 8, name: 'moderators', is_mentionable: 0 },
        ])
        .execute();
    const plain = { memberIds: [6], mayMentionEveryone: false };
    const everyone = { memberIds: [6], mayMentionEveryone: true };
    const both = async (i: number, mentionAuthority: typeof plain) => {
      const message = { channelId: 1, authorId: 2, content: `<@&7> <@&8> <@&99> <@6> ${i}`, createdAt: T + i, mentionAuthority };
      const [expected, posted] = [await postMessage(whole, message), await postShardedMessage(sharded, message)];
      expect(posted.id).toBe(expected.id);
      return posted.id;
    };
    const ids: number[] = [];
    for (const shard of [undefined, env.SHARD_2, env.SHARD_3]) {
      if (shard) await openShard(shard);
      ids.push(await both(ids.length, plain), await both(ids.length + 1, everyone));
    }
    // An edit in the newest shard that takes role 7 out and keeps role 8 (the author may mention everyone).
    const edited = ids.at(-1)!;
    const content = '<@&8> only now';
    const authority = await shardMentionAuthority(sharded, shardOf(sharded, edited), writtenMentions(content), everyone);
    expect(authority.mentionableRoleIds).toEqual([8]);
    for (const [waddle, mentionAuthority] of [
      [whole, everyone],
      [shardOf(sharded, edited), authority],
    ] as const)
      await editMessage(waddle, { messageId: edited, content, editedAt: T + 100, mentionAuthority });

    const mentionsIn = (waddle: WaddleDatabase, from: number, to: number) =>
      waddle.db
        .selectFrom('message_mentions')
        .select(['message_id', 'kind', 'target_id'])
        .where('message_id', '>=', from)
        .where('message_id', '<', to)
        .orderBy('message_id')
        .orderBy('kind')
        .orderBy('target_id')
        .execute();
    const [first, second, third] = sharded.shards;
    const everyShard = [
      ...(await mentionsIn(first!.waddle, 1, second!.firstMessageId)),
      ...(await mentionsIn(second!.waddle, second!.firstMessageId, third!.firstMessageId)),
      ...(await mentionsIn(third!.waddle, third!.firstMessageId, 1e9)),
    ];
    expect(everyShard).toEqual(await mentionsIn(whole, 1, 1e9));
    // What that is: role 7 for everyone's posts, role 8 only with the permission, the unknown role 99 never.
    expect(everyShard.filter((m) => m.kind === 'role' && m.message_id === ids[2]).map((m) => m.target_id)).toEqual([7]);
    expect(everyShard.filter((m) => m.kind === 'role' && m.message_id === ids[3]).map((m) => m.target_id)).toEqual([7, 8]);
    expect(everyShard.filter((m) => m.kind === 'role' && m.message_id === edited).map((m) => m.target_id)).toEqual([8]);
  });

  it('keeps replies to messages of older shards and pages them as one database does, after a tombstone and a hard delete of what they reply to', async () => {
    const both = async (content: string, replyToId: number | null = null) => {
      const message = { channelId: 1, authorId: 3, content, createdAt: T, replyToId };
      const [expected, posted] = [await postMessage(whole, message), await postShardedMessage(sharded, message)];
      expect(posted.id).toBe(expected.id);
      return posted.id;
    };
    const first = await both('in the primary');
    const tombstoned = await both('soon a tombstone');
    await openShard(env.SHARD_2);
    const second = await both('in the second shard', first);
    const doomed = await both('soon hard-deleted');
    await openShard(env.SHARD_3);
    const replies = [await both('to the primary', first), await both('to the second', second), await both('to a tombstone', tombstoned)];
    replies.push(await both('to the doomed one', doomed), await both('to this shard', replies[0]));
    // In the newest shard only the local reply is a foreign key; the others keep their id aside.
    expect(
      await shardOf(sharded, replies[0]!)
        .db.selectFrom('messages')
        .select(['reply_to_id', 'reply_to_elsewhere_id'])
        .where('id', 'in', replies)
        .orderBy('id')
        .execute(),
    ).toEqual([
      { reply_to_id: null, reply_to_elsewhere_id: first },
      { reply_to_id: null, reply_to_elsewhere_id: second },
      { reply_to_id: null, reply_to_elsewhere_id: tombstoned },
      { reply_to_id: null, reply_to_elsewhere_id: doomed },
      { reply_to_id: replies[0], reply_to_elsewhere_id: null },
    ]);

    const pages = async () => {
      const options = { anchor: 'newest', before: 20, viewerId: 3 } as const;
      const [expected, actual] = [
        await getMessagePage(whole, { channelId: 1 }, options),
        await getShardedMessagePage(sharded, { channelId: 1 }, options),
      ];
      expect(actual).toEqual(expected);
      // A page from the second shard on, across the boundary: the reply to the primary is completed too.
      const around = { anchor: second, before: 0, after: 20, viewerId: 3 } as const;
      expect(await getShardedMessagePage(sharded, { channelId: 1 }, around)).toEqual(await getMessagePage(whole, { channelId: 1 }, around));
      return actual.messages.filter((m) => replies.includes(m.id)).map((m) => m.replyTo);
    };
    expect(await pages()).toEqual([
      { id: first, authorId: 3, excerpt: 'in the primary', deleted: false },
      { id: second, authorId: 3, excerpt: 'in the second shard', deleted: false },
      { id: tombstoned, authorId: 3, excerpt: 'soon a tombstone', deleted: false },
      { id: doomed, authorId: 3, excerpt: 'soon hard-deleted', deleted: false },
      { id: replies[0], authorId: 3, excerpt: 'to the primary', deleted: false },
    ]);
    await deleteMessage(whole, tombstoned);
    await deleteShardedMessage(sharded, tombstoned);
    for (const waddle of [whole, shardOf(sharded, doomed)]) await waddle.db.deleteFrom('messages').where('id', '=', doomed).execute();
    const after = await pages();
    expect(after[2]).toEqual({ id: tombstoned, authorId: 3, excerpt: null, deleted: true });
    expect(after[3]).toBeNull();
  });

  it("repairs, with the shard-aware drift check, the primary's counters a post's failed second step left behind, and a shard's decoration flags", async () => {
    for (let i = 1; i <= 20; i++) await post(i);
    await openShard(env.SHARD_2);
    for (let i = 21; i <= 40; i++) await post(i);
    await openShard(env.SHARD_3);
    for (let i = 41; i <= 50; i++) await post(i);
    // The next post's second step fails: the primary takes no write (its batches throw).
    const unreachable: D1DatabaseLike = {
      prepare: (query) => env.DB.prepare(query),
      batch: () => Promise.reject(new Error('primary unavailable')),
    };
    const broken = shardedWaddle(openWaddleDatabase(unreachable), sharded.shards.slice(1));
    const message = { channelId: 1, threadId: 1, authorId: 2, content: 'the count lags', createdAt: T + 51 * 10 * MINUTE };
    await postMessage(whole, message);
    const followedBefore = await sharded.primary.db
      .selectFrom('thread_follows')
      .select('last_read_message_id')
      .where('user_id', '=', 2)
      .where('thread_id', '=', 1)
      .executeTakeFirstOrThrow();
    const lagging = await postShardedMessage(broken, message);
    expect(lagging).toMatchObject({ activityRecorded: false });
    // A reaction whose flag was lost in a sealed shard.
    for (const waddle of [whole, shardOf(sharded, 30)]) await addReaction(waddle, { messageId: 30, emoji: '🐧', userId: 5, createdAt: T });
    await shardOf(sharded, 30).db.updateTable('messages').set({ decorations: 0 }).where('id', '=', 30).execute();

    const scanAll = async () => {
      const drift: ShardedDrift[] = [];
      let scan = await findShardedActivityDrift(sharded, { limit: 1 });
      drift.push(...scan.drift);
      while (scan.next) {
        scan = await findShardedActivityDrift(sharded, { after: scan.next, limit: 7 });
        drift.push(...scan.drift);
      }
      return drift;
    };
    const drift = await scanAll();
    const wholeActivity = async (table: 'channels' | 'threads', id: number) => {
      const row = (await activity(whole, table)).find((r) => r.id === id)!;
      return { messageCount: row.message_count, lastMessageId: row.last_message_id, lastMessageAt: row.last_message_at };
    };
    expect(drift).toEqual([
      { kind: 'thread', id: 1, stored: expect.anything(), actual: await wholeActivity('threads', 1) },
      { kind: 'channel', id: 1, stored: expect.anything(), actual: await wholeActivity('channels', 1) },
      { kind: 'message', id: 30, stored: { reactions: false, attachments: false }, actual: { reactions: true, attachments: false } },
      // The author's marker, which the failed step did not move to their message.
      { kind: 'follow', userId: 2, threadId: 1, stored: followedBefore.last_read_message_id, actual: lagging.id, authored: true },
    ]);
    // The counters, flags and follows, as one database has them.
    const sameCounters = async () => {
      expect(await follows(sharded.primary)).toEqual(await follows(whole));
      for (const table of ['channels', 'threads'] as const)
        expect(await activity(sharded.primary, table)).toEqual(await activity(whole, table));
      expect(await getShardedActiveThreads(sharded, { channelId: 1, now: T + 60 * 60 * MINUTE })).toEqual(
        await getActiveThreads(whole, { channelId: 1, now: T + 60 * 60 * MINUTE }),
      );
      const flags = await shardOf(sharded, 30)
        .db.selectFrom('messages')
        .select('decorations')
        .where('id', '=', 30)
        .executeTakeFirstOrThrow();
      expect(flags).toEqual(await whole.db.selectFrom('messages').select('decorations').where('id', '=', 30).executeTakeFirstOrThrow());
    };
    expect(await repairShardedActivityDrift(sharded, drift)).toBe(4);
    await sameCounters();
    expect(await scanAll()).toEqual([]);
    // Idempotent: the same repair again leaves every value as it is (the counters' updates apply to nothing; the flag is recomputed to what it is).
    expect(await repairShardedActivityDrift(sharded, drift)).toBe(1);
    await sameCounters();
    expect(await scanAll()).toEqual([]);
  });

  it("creates, with the drift check, the follows a failed second step left out of the primary, as the triggers would, never changing a member's choice", async () => {
    for (let i = 1; i <= 20; i++) await post(i);
    await openShard(env.SHARD_2);
    for (let i = 21; i <= 30; i++) await post(i);
    await openShard(env.SHARD_3);
    for (let i = 31; i <= 40; i++) await post(i);
    // In thread 2: 4 started it and mutes it now; 3 posted in it (message 12) and unfollows it; 5 and 2 posted in it.
    for (const waddle of [whole, sharded.primary]) {
      await setThreadFollow(waddle, { userId: 4, threadId: 2, state: 'muted' });
      await setThreadFollow(waddle, { userId: 3, threadId: 2, state: 'unfollowed' });
    }
    const unreachable: D1DatabaseLike = {
      prepare: (query) => env.DB.prepare(query),
      batch: () => Promise.reject(new Error('primary unavailable')),
    };
    const broken = shardedWaddle(openWaddleDatabase(unreachable), sharded.shards.slice(1));
    const lagging = async (message: Parameters<typeof postMessage>[1]) => {
      await postMessage(whole, message);
      const posted = await postShardedMessage(broken, message);
      expect(posted.activityRecorded).toBe(false);
      return posted.id;
    };
    // 7 has never been in thread 2 and mentions 6 (never there either), 3 (unfollowed) and 4 (muted); then 3 posts there.
    const mention = await lagging({
      channelId: 2,
      threadId: 2,
      authorId: 7,
      content: 'hey <@6> <@3> <@4>',
      createdAt: T + 41 * 10 * MINUTE,
      mentionAuthority: { memberIds: [3, 4, 6], mayMentionEveryone: false },
    });
    const byUnfollower = await lagging({ channelId: 2, threadId: 2, authorId: 3, content: 'still here', createdAt: T + 42 * 10 * MINUTE });
    const primaryFollow = (userId: number) =>
      sharded.primary.db
        .selectFrom('thread_follows')
        .selectAll()
        .where('user_id', '=', userId)
        .where('thread_id', '=', 2)
        .executeTakeFirst();
    expect(await primaryFollow(7)).toBeUndefined();
    expect(await primaryFollow(6)).toBeUndefined();
    const unfollowedBefore = await primaryFollow(3);
    expect(unfollowedBefore).toMatchObject({ following: 0, muted: 0 });

    const scanAll = async () => {
      const drift: ShardedDrift[] = [];
      let scan = await findShardedActivityDrift(sharded, { limit: 3 });
      drift.push(...scan.drift);
      while (scan.next) {
        scan = await findShardedActivityDrift(sharded, { after: scan.next, limit: 3 });
        drift.push(...scan.drift);
      }
      return drift;
    };
    const drift = await scanAll();
    expect(drift.filter((d) => d.kind === 'follow')).toEqual([
      { kind: 'follow', userId: 3, threadId: 2, stored: unfollowedBefore!.last_read_message_id, actual: byUnfollower, authored: true },
      { kind: 'follow', userId: 6, threadId: 2, stored: null, actual: mention - 1, authored: false },
      { kind: 'follow', userId: 7, threadId: 2, stored: null, actual: mention, authored: true },
    ]);
    // Two counters (thread 2 and channel 2) and three follows.
    expect(await repairShardedActivityDrift(sharded, drift)).toBe(5);
    expect(await follows(sharded.primary)).toEqual(await follows(whole));
    for (const table of ['channels', 'threads'] as const)
      expect(await activity(sharded.primary, table)).toEqual(await activity(whole, table));
    // The mentioned member follows with the mention unread; the unfollow and the mute stay (only the unfollower's marker moved to their post).
    expect(await primaryFollow(6)).toEqual({ user_id: 6, thread_id: 2, following: 1, muted: 0, last_read_message_id: mention - 1 });
    expect(await primaryFollow(3)).toEqual({ ...unfollowedBefore, last_read_message_id: byUnfollower });
    expect(await primaryFollow(4)).toMatchObject({ following: 0, muted: 1 });
    // Idempotent: a second check finds nothing, and the same repair again writes nothing.
    expect(await scanAll()).toEqual([]);
    expect(await repairShardedActivityDrift(sharded, drift)).toBe(0);
    expect(await follows(sharded.primary)).toEqual(await follows(whole));
  });

  it("repairs one post's failed second step at once (its channel's and thread's counters, its follows), and a second time changes nothing", async () => {
    for (let i = 1; i <= 20; i++) await post(i);
    await openShard(env.SHARD_2);
    for (let i = 21; i <= 30; i++) await post(i);
    const unreachable: D1DatabaseLike = {
      prepare: (query) => env.DB.prepare(query),
      batch: () => Promise.reject(new Error('primary unavailable')),
    };
    const broken = shardedWaddle(openWaddleDatabase(unreachable), sharded.shards.slice(1));
    const message = {
      channelId: 2,
      threadId: 2,
      authorId: 8,
      content: 'late <@6>',
      createdAt: T + 31 * 10 * MINUTE,
      mentionAuthority: { memberIds: [6], mayMentionEveryone: false },
    };
    await postMessage(whole, message);
    const posted = await postShardedMessage(broken, message);
    expect(posted.activityRecorded).toBe(false);
    expect(await follows(sharded.primary)).not.toEqual(await follows(whole));
    // The primary still unreachable: the repair fails too (the periodic pass would find the same drift).
    await expect(repairShardedPost(broken, { id: posted.id, channelId: 2, threadId: 2 })).rejects.toThrow('primary unavailable');
    // Two counters and two follows (the author's, the mentioned member's).
    expect(await repairShardedPost(sharded, { id: posted.id, channelId: 2, threadId: 2 })).toBe(4);
    expect(await follows(sharded.primary)).toEqual(await follows(whole));
    for (const table of ['channels', 'threads'] as const)
      expect(await activity(sharded.primary, table)).toEqual(await activity(whole, table));
    expect(await repairShardedPost(sharded, { id: posted.id, channelId: 2, threadId: 2 })).toBe(0);
  });

  it('moves a thread to another channel in the primary and every shard, finishing on a second call after a shard failed, as one database does', async () => {
    for (let i = 1; i <= 20; i++) await post(i);
    await openShard(env.SHARD_2);
    for (let i = 21; i <= 40; i++) await post(i);
    await openShard(env.SHARD_3);
    for (let i = 41; i <= 50; i++) await post(i);
    const inThread = (await getMessagePage(whole, { threadId: 1 }, { anchor: 'oldest', after: 100, viewerId: 5 })).messages.map(
      (m) => m.id,
    );
    expect(inThread.some((id) => id >= sharded.shards[2]!.firstMessageId)).toBe(true);
    expect(inThread.some((id) => id < sharded.shards[1]!.firstMessageId)).toBe(true);
    const channelIds = async (waddle: ShardedWaddle, channelId: number) =>
      (await getShardedMessagePage(waddle, { channelId }, { anchor: 'oldest', after: 100, viewerId: 5 })).messages.map((m) => m.id);

    // The newest shard refuses every batch: the primary and the second shard move, the third not.
    const failing: D1DatabaseLike = {
      prepare: (query) => env.SHARD_3.prepare(query),
      batch: () => Promise.reject(new Error('shard unavailable')),
    };
    const broken = shardedWaddle(sharded.primary, [
      sharded.shards[1]!,
      { firstMessageId: sharded.shards[2]!.firstMessageId, waddle: openWaddleDatabase(failing) },
    ]);
    await updateThread(whole, 1, { channel_id: 3 });
    const first = await moveShardedThread(broken, 1, { channel_id: 3 });
    expect(first.thread).toMatchObject({ id: 1, channel_id: 3 });
    expect(first.unmovedShards).toEqual([2]);
    const stranded = inThread.filter((id) => id >= sharded.shards[2]!.firstMessageId);
    expect(await channelIds(sharded, 3)).toEqual(inThread.filter((id) => !stranded.includes(id)));
    expect((await channelIds(sharded, 1)).filter((id) => inThread.includes(id))).toEqual(stranded);

    // The same move again completes it; once more changes nothing.
    for (let run = 0; run < 2; run++) {
      expect(await moveShardedThread(sharded, 1, { channel_id: 3 })).toMatchObject({ thread: { channel_id: 3 }, unmovedShards: [] });
      expect(await channelIds(sharded, 3)).toEqual(inThread);
      expect((await channelIds(sharded, 1)).filter((id) => inThread.includes(id))).toEqual([]);
      await expectSameState(`after move ${run}`);
      const options = { anchor: 'newest' as const, before: 100, viewerId: 5 };
      expect(await getShardedMessagePage(sharded, { channelId: 3 }, options)).toEqual(
        await getMessagePage(whole, { channelId: 3 }, options),
      );
      expect(await getShardedMessagePage(sharded, { threadId: 1 }, options)).toEqual(await getMessagePage(whole, { threadId: 1 }, options));
      const { drift } = await findShardedActivityDrift(sharded, { limit: 1000 });
      expect(drift).toEqual([]);
    }
    // The other thread, whose channel 2 has messages in every shard, moves as well.
    expect(await moveShardedThread(sharded, 2, { channel_id: 3 })).toMatchObject({ unmovedShards: [] });
    await updateThread(whole, 2, { channel_id: 3 });
    await expectSameState('after moving thread 2');
    // No such thread: nothing written anywhere.
    expect(await moveShardedThread(sharded, 99, { channel_id: 1 })).toEqual({ thread: undefined, unmovedShards: [] });
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
