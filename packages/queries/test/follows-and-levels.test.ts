import { env } from 'cloudflare:test';
import { testClock } from '@waddle/clock/test-clock';
import { explainQueryPlan, planProblems } from '@waddle/d1/query-plan';
import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidQueryError } from '../src/invalid-query-error.ts';
import { getUnreadMentionCounts } from '../src/mentions/unread-mention-counts.ts';
import { deleteMessage } from '../src/messages/delete-message.ts';
import { postMessage } from '../src/messages/post-message.ts';
import { getChannelBadges } from '../src/notifications/channel-badges.ts';
import { setChannelNotificationLevel } from '../src/notifications/set-channel-notification-level.ts';
import { encodeCursor } from '../src/opaque-cursor.ts';
import {
  type FollowedThreadsOptions,
  followedThreads,
  followedThreadsArguments,
  getFollowedThreads,
} from '../src/threads/followed-threads.ts';
import { markThreadRead } from '../src/threads/mark-thread-read.ts';
import { setThreadFollow } from '../src/threads/set-thread-follow.ts';
import { getThreadUnreads } from '../src/threads/thread-unreads.ts';
import { markRead } from '../src/unreads/mark-read.ts';
import type { WaddleDatabase } from '../src/waddle-database.ts';
import { freshWaddle } from './fresh-waddle.ts';

let waddle: WaddleDatabase;
const NOW = testClock().now();
const VISIBLE = [1, 2];

beforeEach(async () => {
  waddle = await freshWaddle();
  await waddle.db
    .insertInto('threads')
    .values([
      { id: 1, channel_id: 1, title: 'first', created_by: 1 },
      { id: 2, channel_id: 1, title: 'second', created_by: 2 },
      { id: 3, channel_id: 2, title: 'third', created_by: 2 },
      { id: 4, channel_id: 3, title: 'private', created_by: 1 },
    ])
    .execute();
});

const post = (threadId: number | null, authorId: number, content = 'x', channelId?: number) =>
  postMessage(waddle, {
    channelId: channelId ?? (threadId === null ? 1 : threadId <= 2 ? 1 : threadId === 3 ? 2 : 3),
    threadId,
    authorId,
    content,
    createdAt: NOW,
    mentionAuthority: { memberIds: [1, 2, 3, 4], mayMentionEveryone: true },
  });

const follows = async (userId: number) =>
  (
    await waddle.db
      .selectFrom('thread_follows')
      .select(['thread_id', 'following', 'muted', 'last_read_message_id'])
      .where('user_id', '=', userId)
      .orderBy('thread_id')
      .execute()
  ).map((row) => [row.thread_id, row.following === 1 ? 'following' : row.muted === 1 ? 'muted' : 'unfollowed', row.last_read_message_id]);

const thread = async (userId: number, threadId: number) =>
  (await getThreadUnreads(waddle, { userId, threadIds: [threadId], visibleChannelIds: [1, 2, 3] }))[0]!;

describe('following threads', () => {
  it('follows automatically on start, post and mention by name, and never undoes an unfollow or a mute', async () => {
    expect(await follows(1)).toEqual([
      [1, 'following', 0],
      [4, 'following', 0],
    ]);
    const own = await post(2, 1);
    expect(await follows(1)).toContainEqual([2, 'following', own.id]);
    const mention = await post(3, 2, 'look <@3>');
    expect(await follows(3)).toEqual([[3, 'following', mention.id - 1]]);
    expect(await thread(3, 3)).toMatchObject({ following: true, unreadCount: 1, mentionCount: 1 });
    // A role or everyone mention follows nobody: it would write a row per member.
    await post(1, 2, '@everyone <@&0>');
    expect(await follows(4)).toEqual([]);

    expect(await setThreadFollow(waddle, { userId: 1, threadId: 2, state: 'unfollowed' })).toBe(true);
    expect(await setThreadFollow(waddle, { userId: 3, threadId: 3, state: 'muted' })).toBe(true);
    await post(2, 1, 'again');
    await post(3, 2, 'again <@3>');
    expect(await follows(1)).toContainEqual([2, 'unfollowed', expect.any(Number)]);
    expect(await follows(3)).toEqual([[3, 'muted', mention.id - 1]]);
    // Muted: the thread's mentions raise no count, here or in the channel.
    expect(await thread(3, 3)).toMatchObject({ muted: true, following: false, unreadCount: 2, mentionCount: 0 });
    expect((await getUnreadMentionCounts(waddle, { userId: 3, channelIds: [2] }))[0]!.mentionCount).toBe(0);

    expect(await setThreadFollow(waddle, { userId: 1, threadId: 2, state: 'following' })).toBe(true);
    expect(await follows(1)).toContainEqual([2, 'following', expect.any(Number)]);
    expect(await setThreadFollow(waddle, { userId: 1, threadId: 99, state: 'following' })).toBe(false);
  });

  it('starts an explicit follow read up to the newest message, and keeps the marker of an existing row', async () => {
    await post(2, 2);
    const newest = await post(2, 2);
    await setThreadFollow(waddle, { userId: 5, threadId: 2, state: 'following' });
    expect(await follows(5)).toEqual([[2, 'following', newest.id]]);
    await post(2, 2);
    await setThreadFollow(waddle, { userId: 5, threadId: 2, state: 'muted' });
    await setThreadFollow(waddle, { userId: 5, threadId: 2, state: 'following' });
    expect(await follows(5)).toEqual([[2, 'following', newest.id]]);
    expect((await thread(5, 2)).unreadCount).toBe(1);
  });
});

describe('thread read markers', () => {
  it('never move backwards, are clamped to the newest message, and count unreads and mentions after them', async () => {
    const a = await post(1, 2, 'a <@1>');
    const b = await post(1, 2, 'b');
    const c = await post(1, 2, 'c <@1>');
    expect(await thread(1, 1)).toMatchObject({ lastReadMessageId: 0, unreadCount: 3, mentionCount: 2 });
    expect(await markThreadRead(waddle, { userId: 1, threadId: 1, messageId: b.id })).toBe(b.id);
    expect(await markThreadRead(waddle, { userId: 1, threadId: 1, messageId: a.id })).toBe(b.id);
    expect(await thread(1, 1)).toMatchObject({ lastReadMessageId: b.id, unreadCount: 1, mentionCount: 1 });
    expect(await markThreadRead(waddle, { userId: 1, threadId: 1, messageId: c.id + 1000 })).toBe(c.id);
    expect(await thread(1, 1)).toMatchObject({ unreadCount: 0, mentionCount: 0 });
    // No row for a thread never followed: nothing is recorded.
    expect(await markThreadRead(waddle, { userId: 5, threadId: 1, messageId: c.id })).toBeNull();
    expect(await follows(5)).toEqual([]);
  });

  it("go as far as the channel's marker when that is further", async () => {
    await post(1, 2);
    const last = await post(1, 2);
    await markRead(waddle, { userId: 1, channelId: 1, messageId: last.id, at: NOW });
    expect(await thread(1, 1)).toMatchObject({ lastReadMessageId: last.id, unreadCount: 0 });
  });

  it("leave the user's own messages out, with a follow row (its marker covers them) or without one (tested per message)", async () => {
    await post(1, 3, 'by three');
    const byFour = await post(1, 4, 'by four');
    expect(await thread(3, 1)).toMatchObject({ following: true, unreadCount: 1 });
    await post(1, 3, 'three again');
    expect(await thread(3, 1)).toMatchObject({ following: true, unreadCount: 0 });
    // A row gone (as for a message written before follows existed): the author test is what leaves theirs out.
    await waddle.db.deleteFrom('thread_follows').where('user_id', '=', 3).execute();
    expect(await thread(3, 1)).toMatchObject({ following: false, lastReadMessageId: 0, unreadCount: 1 });
    await deleteMessage(waddle, byFour.id);
    expect(await thread(3, 1)).toMatchObject({ unreadCount: 0 });
  });

  it('cap the unread count', async () => {
    for (let i = 0; i < 4; i++) await post(1, 2);
    const [counts] = await getThreadUnreads(waddle, { userId: 1, threadIds: [1], visibleChannelIds: [1], cap: 3 });
    expect(counts).toMatchObject({ unreadCount: 3, unreadCapped: true });
    await expect(getThreadUnreads(waddle, { userId: 1, threadIds: [1], visibleChannelIds: [1], cap: 1001 })).rejects.toThrow(
      InvalidQueryError,
    );
  });
});

describe('followed threads', () => {
  it('lists what the user follows in visible channels, newest activity first, paged, with unread filters', async () => {
    await setThreadFollow(waddle, { userId: 9, threadId: 1, state: 'following' });
    await setThreadFollow(waddle, { userId: 9, threadId: 2, state: 'following' });
    await setThreadFollow(waddle, { userId: 9, threadId: 3, state: 'following' });
    await setThreadFollow(waddle, { userId: 9, threadId: 4, state: 'following' });
    await post(3, 2, 'to <@9>');
    await post(1, 2);
    await post(2, 2);
    await post(4, 1);

    const all = await getFollowedThreads(waddle, { userId: 9, visibleChannelIds: VISIBLE });
    expect(all.threads.map((t) => t.threadId)).toEqual([2, 1, 3]);
    expect(all.threads[2]).toMatchObject({ channelId: 2, title: 'third', unreadCount: 1, mentionCount: 0 });

    const first = await getFollowedThreads(waddle, { userId: 9, visibleChannelIds: VISIBLE, limit: 2 });
    expect(first.threads.map((t) => t.threadId)).toEqual([2, 1]);
    const rest = await getFollowedThreads(waddle, { userId: 9, visibleChannelIds: VISIBLE, limit: 2, cursor: first.nextCursor! });
    expect(rest.threads.map((t) => t.threadId)).toEqual([3]);
    expect(rest.nextCursor).toBeNull();

    expect(
      (await getFollowedThreads(waddle, { userId: 9, visibleChannelIds: VISIBLE, channelId: 1 })).threads.map((t) => t.threadId),
    ).toEqual([2, 1]);
    await markThreadRead(waddle, { userId: 9, threadId: 2, messageId: Number.MAX_SAFE_INTEGER });
    await setThreadFollow(waddle, { userId: 9, threadId: 1, state: 'muted' });
    const unread = await getFollowedThreads(waddle, { userId: 9, visibleChannelIds: VISIBLE, onlyUnread: true });
    expect(unread.threads.map((t) => t.threadId)).toEqual([3]);
    // The private channel's thread shows only to someone who can see channel 3.
    expect((await getFollowedThreads(waddle, { userId: 9, visibleChannelIds: [3] })).threads.map((t) => t.threadId)).toEqual([4]);
    expect(await getThreadUnreads(waddle, { userId: 9, threadIds: [4], visibleChannelIds: VISIBLE })).toEqual([]);
  });

  it("reads the user's follow rows and each thread by key, sorting only what they follow (query plan)", async () => {
    const plan = await explainQueryPlan(
      env.DB,
      followedThreads
        .build(waddle.db, followedThreadsArguments({ userId: 9, visibleChannelIds: VISIBLE, onlyUnread: true }, 50, 100))
        .compile(),
    );
    const details = plan.map((step) => step.detail).join('\n');
    expect(details).toMatch(/SEARCH f USING PRIMARY KEY \(user_id=\?\)/);
    expect(details).not.toMatch(/SCAN (t|f|m|mm|threads|messages)\b/);
    // Sorting what they follow; deduplicating each listed thread's counted mentions (at most cap + 1); the
    // viewer's targets (their roles and three constant rows), walked first in each mention count.
    expect(planProblems(plan).filter((problem) => !/TEMP B-TREE FOR (ORDER BY|LAST TERM|DISTINCT)/.test(problem))).toEqual(
      expect.arrayContaining(['SCAN vt']),
    );
    expect(
      planProblems(plan).every((problem) => /TEMP B-TREE FOR (ORDER BY|LAST TERM|DISTINCT)|^SCAN (vt|CONSTANT ROW)$/.test(problem)),
    ).toBe(true);
  });
  it('is compiled once per shape: the cached text, bound, is what a fresh build gives for every shape and several arguments', () => {
    const cursor = encodeCursor({ followedActivity: 40, followedThread: 3 });
    const shapes: FollowedThreadsOptions[] = [];
    for (const channelId of [undefined, 1])
      for (const onlyUnread of [false, true])
        for (const paged of [undefined, cursor])
          shapes.push({ userId: 9, visibleChannelIds: VISIBLE, channelId, onlyUnread, cursor: paged });
    const texts = new Set<string>();
    for (const options of shapes) {
      for (const [other, limit, cap] of [
        [options, 50, 100],
        [{ ...options, userId: 12, visibleChannelIds: [2] }, 1, 1000],
      ] as const) {
        const args = followedThreadsArguments(other, limit, cap);
        const fresh = followedThreads.build(waddle.db, args).compile();
        const bound = followedThreads.bind(waddle.db, args);
        expect(bound.sql).toBe(fresh.sql);
        expect(bound.parameters).toEqual(fresh.parameters);
        texts.add(bound.sql);
      }
    }
    expect(texts.size).toBe(8);
    expect(followedThreads.shapesCompiled()).toBe(8);
  });
});

describe('notification levels', () => {
  it('decide the badge from the waddle level or the channel override, and return every count', async () => {
    await post(null, 2, 'hello');
    await post(null, 2, 'hey <@1>');
    await post(null, 2, 'in two', 2);
    const badges = async (waddleLevel: 'all' | 'mentions' | 'none') =>
      (await getChannelBadges(waddle, { userId: 1, channelIds: [1, 2], waddleLevel })).map((b) => [
        b.channelId,
        b.level,
        b.levelSource,
        b.unreadCount,
        b.mentionCount,
        b.badge,
      ]);
    expect(await badges('all')).toEqual([
      [1, 'all', 'waddle', 2, 1, 2],
      [2, 'all', 'waddle', 1, 0, 1],
    ]);
    expect(await badges('mentions')).toEqual([
      [1, 'mentions', 'waddle', 2, 1, 1],
      [2, 'mentions', 'waddle', 1, 0, 0],
    ]);
    await setChannelNotificationLevel(waddle, { userId: 1, channelId: 2, level: 'all', at: NOW });
    await setChannelNotificationLevel(waddle, { userId: 1, channelId: 1, level: 'none', at: NOW });
    expect(await badges('mentions')).toEqual([
      [1, 'none', 'channel', 2, 1, 0],
      [2, 'all', 'channel', 1, 0, 1],
    ]);
    await setChannelNotificationLevel(waddle, { userId: 1, channelId: 1, level: null, at: NOW });
    expect((await badges('none'))[0]).toEqual([1, 'none', 'waddle', 2, 1, 0]);
    // Another member's override is theirs alone.
    expect((await getChannelBadges(waddle, { userId: 3, channelIds: [2], waddleLevel: 'mentions' }))[0]).toMatchObject({
      level: 'mentions',
      levelSource: 'waddle',
    });
    await expect(setChannelNotificationLevel(waddle, { userId: 1, channelId: 99, level: 'all', at: NOW })).rejects.toThrow(/FOREIGN KEY/);
    await expect(getChannelBadges(waddle, { userId: 1, channelIds: [1], waddleLevel: 'loud' as 'all' })).rejects.toThrow(InvalidQueryError);
  });
});
