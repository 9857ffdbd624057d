import { env } from 'cloudflare:test';
import { testClock } from '@waddle/clock/test-clock';
import { beforeEach, describe, expect, it } from 'vitest';
import { getMentionInbox, type InboxMention } from '../src/mentions/mention-inbox.ts';
import { getUnreadMentionCounts } from '../src/mentions/unread-mention-counts.ts';
import { deleteMessage } from '../src/messages/delete-message.ts';
import { editMessage } from '../src/messages/edit-message.ts';
import { postMessage } from '../src/messages/post-message.ts';
import { getChannelBadges } from '../src/notifications/channel-badges.ts';
import { getFollowedThreads } from '../src/threads/followed-threads.ts';
import { markThreadRead } from '../src/threads/mark-thread-read.ts';
import { setThreadFollow } from '../src/threads/set-thread-follow.ts';
import { getThreadUnreads } from '../src/threads/thread-unreads.ts';
import { markRead } from '../src/unreads/mark-read.ts';
import type { WaddleDatabase } from '../src/waddle-database.ts';
import { freshWaddle } from './fresh-waddle.ts';

/*
 * The fast answers (unread mention counts per channel, followed threads with their unread and
 * mention counts) against a straightforward recomputation from the rows themselves, after each
 * kind of write: posts by others and by oneself, mentions by name, role and everyone, edits that
 * add and remove them, tombstones, a hard delete, a message moved to another thread, a thread moved
 * to another channel, role grants and revocations, channel and thread read markers, follows,
 * unfollows and mutes; at the default cap and at caps of 1 and 2 (a message reaching a user by
 * name, role and everyone at once counts once); channel counts, badges, followed lists, thread
 * unreads, and the mention inbox (whole and paged by 1 and 2, with how each message reaches the
 * user).
 */

let waddle: WaddleDatabase;
const NOW = testClock().now();
const USERS = [1, 2, 3, 4];
const CHANNELS = [1, 2];
const AUTHORITY = { memberIds: USERS, mayMentionEveryone: true };

beforeEach(async () => {
  waddle = await freshWaddle();
  await waddle.db
    .insertInto('roles')
    .values([
      { id: 7, name: 'crew', is_mentionable: 1 },
      { id: 8, name: 'deck', is_mentionable: 1 },
    ])
    .execute();
  await waddle.db
    .insertInto('member_roles')
    .values([
      { user_id: 2, role_id: 7, granted_by: 1 },
      { user_id: 2, role_id: 8, granted_by: 1 },
    ])
    .execute();
  await waddle.db
    .insertInto('threads')
    .values([
      { id: 1, channel_id: 1, title: 'one', created_by: 1 },
      { id: 2, channel_id: 1, title: 'two', created_by: 2 },
      { id: 3, channel_id: 2, title: 'three', created_by: 3 },
    ])
    .execute();
});

interface Rows {
  messages: { id: number; channel_id: number; thread_id: number | null; user_id: number; is_deleted: number }[];
  mentions: { message_id: number; kind: string; target_id: number }[];
  follows: { user_id: number; thread_id: number; following: number; muted: number; last_read_message_id: number }[];
  reads: { user_id: number; channel_id: number; last_read_message_id: number }[];
  roles: { user_id: number; role_id: number }[];
  threads: { id: number; channel_id: number; last_message_id: number | null }[];
}

async function rows(): Promise<Rows> {
  const all = (sql: string) =>
    env.DB.prepare(sql)
      .all()
      .then((result) => result.results);
  return {
    messages: (await all('SELECT id, channel_id, thread_id, user_id, is_deleted FROM messages')) as Rows['messages'],
    mentions: (await all('SELECT message_id, kind, target_id FROM message_mentions')) as Rows['mentions'],
    follows: (await all('SELECT * FROM thread_follows')) as Rows['follows'],
    reads: (await all('SELECT user_id, channel_id, last_read_message_id FROM read_states')) as Rows['reads'],
    roles: (await all('SELECT user_id, role_id FROM member_roles')) as Rows['roles'],
    threads: (await all('SELECT id, channel_id, last_message_id FROM threads')) as Rows['threads'],
  };
}

/**
 * How a message mentions the user, most direct first: by name, through a role they hold now, or
 * everyone, here (the documented definition); `undefined` when it does not.
 */
function way(data: Rows, messageId: number, userId: number): InboxMention['mentionedAs'] | undefined {
  const held = new Set(data.roles.filter((r) => r.user_id === userId).map((r) => r.role_id));
  const ways = data.mentions
    .filter((m) => m.message_id === messageId)
    .filter(
      (m) =>
        (m.kind === 'user' && m.target_id === userId) ||
        (m.kind === 'role' && held.has(m.target_id)) ||
        m.kind === 'everyone' ||
        m.kind === 'here',
    )
    .map((m) => m.kind as InboxMention['mentionedAs']);
  return (['user', 'role', 'everyone', 'here'] as const).find((kind) => ways.includes(kind));
}

function reaches(data: Rows, messageId: number, userId: number): boolean {
  return way(data, messageId, userId) !== undefined;
}

/** The answers recomputed by walking every row. */
function recomputed(data: Rows, userId: number) {
  const channelMarker = (channelId: number) =>
    data.reads.find((r) => r.user_id === userId && r.channel_id === channelId)?.last_read_message_id ?? 0;
  const follow = (threadId: number | null) => data.follows.find((f) => f.user_id === userId && f.thread_id === threadId);
  const live = data.messages.filter((m) => m.is_deleted === 0 && m.user_id !== userId);
  const mentionCounts = CHANNELS.map((channelId) => ({
    channelId,
    mentionCount: live.filter(
      (m) =>
        m.channel_id === channelId && m.id > channelMarker(channelId) && follow(m.thread_id)?.muted !== 1 && reaches(data, m.id, userId),
    ).length,
  }));
  const followed = data.threads
    .filter((t) => follow(t.id)?.following === 1)
    .map((t) => {
      const marker = Math.max(follow(t.id)!.last_read_message_id, channelMarker(t.channel_id));
      const unread = live.filter((m) => m.thread_id === t.id && m.id > marker);
      return {
        threadId: t.id,
        activity: t.last_message_id ?? 0,
        unreadCount: unread.length,
        mentionCount: unread.filter((m) => reaches(data, m.id, userId)).length,
      };
    })
    .sort((a, b) => b.activity - a.activity || b.threadId - a.threadId)
    .map(({ activity: _, ...thread }) => thread);
  const threads = data.threads
    .filter((t) => CHANNELS.includes(t.channel_id))
    .map((t) => {
      const marker = Math.max(follow(t.id)?.last_read_message_id ?? 0, channelMarker(t.channel_id));
      const unread = live.filter((m) => m.thread_id === t.id && m.id > marker);
      const muted = follow(t.id)?.muted === 1;
      return {
        threadId: t.id,
        unreadCount: unread.length,
        mentionCount: muted ? 0 : unread.filter((m) => reaches(data, m.id, userId)).length,
      };
    })
    .sort((a, b) => a.threadId - b.threadId);
  const inbox = live
    .filter((m) => CHANNELS.includes(m.channel_id) && reaches(data, m.id, userId))
    .sort((a, b) => b.id - a.id)
    .map((m) => ({ messageId: m.id, mentionedAs: way(data, m.id, userId) }));
  return { mentionCounts, followed, unreadThreads: followed.filter((t) => t.unreadCount > 0), threads, inbox };
}

async function expectFastAnswersExact(step: string): Promise<void> {
  const data = await rows();
  for (const userId of USERS) {
    const expected = recomputed(data, userId);
    const counts = await getUnreadMentionCounts(waddle, { userId, channelIds: CHANNELS });
    const pick = (threads: { threadId: number; unreadCount: number; mentionCount: number }[]) =>
      threads.map(({ threadId, unreadCount, mentionCount }) => ({ threadId, unreadCount, mentionCount }));
    const all = await getFollowedThreads(waddle, { userId, visibleChannelIds: CHANNELS });
    const unread = await getFollowedThreads(waddle, { userId, visibleChannelIds: CHANNELS, onlyUnread: true });
    expect({ step, userId, counts: counts.map(({ channelId, mentionCount }) => ({ channelId, mentionCount })) }).toEqual({
      step,
      userId,
      counts: expected.mentionCounts,
    });
    expect({ step, userId, followed: pick(all.threads), unread: pick(unread.threads) }).toEqual({
      step,
      userId,
      followed: expected.followed,
      unread: expected.unreadThreads,
    });
    const threads = await getThreadUnreads(waddle, {
      userId,
      threadIds: expected.threads.map((t) => t.threadId),
      visibleChannelIds: CHANNELS,
    });
    expect({ step, userId, threads: pick(threads) }).toEqual({ step, userId, threads: expected.threads });
    const badges = await getChannelBadges(waddle, { userId, channelIds: CHANNELS, waddleLevel: 'mentions' });
    expect({ step, userId, badges: badges.map(({ channelId, mentionCount }) => ({ channelId, mentionCount })) }).toEqual({
      step,
      userId,
      badges: expected.mentionCounts,
    });
    // The inbox, whole and paged by 1 and 2 (each page limit first: its ids from each way's newest, then merged).
    for (const limit of [1, 2, 50]) {
      const listed: { messageId: number; mentionedAs: string }[] = [];
      let cursor: string | undefined;
      do {
        const page = await getMentionInbox(waddle, { userId, visibleChannelIds: CHANNELS, limit, cursor });
        listed.push(...page.mentions.map(({ messageId, mentionedAs }) => ({ messageId, mentionedAs })));
        cursor = page.olderCursor ?? undefined;
      } while (cursor !== undefined);
      expect({ step, userId, limit, inbox: listed }).toEqual({ step, userId, limit, inbox: expected.inbox });
    }
    // Small caps: the count stops at cap + 1 distinct messages, a message reaching the user several ways counting once.
    for (const cap of [1, 2]) {
      const capped = await getUnreadMentionCounts(waddle, { userId, channelIds: CHANNELS, cap });
      expect({
        step,
        userId,
        cap,
        counts: capped.map(({ channelId, mentionCount, capped }) => ({ channelId, mentionCount, capped })),
      }).toEqual({
        step,
        userId,
        cap,
        counts: expected.mentionCounts.map(({ channelId, mentionCount }) => ({
          channelId,
          mentionCount: Math.min(mentionCount, cap),
          capped: mentionCount > cap,
        })),
      });
    }
  }
}

const post = (authorId: number, content: string, threadId: number | null = null, channelId = 1) =>
  postMessage(waddle, { channelId, threadId, authorId, content, createdAt: NOW, mentionAuthority: AUTHORITY });

describe('the fast counts equal a recomputation from the rows', () => {
  it('after every kind of write', async () => {
    await expectFastAnswersExact('threads started');
    const a = await post(2, 'hi <@1> <@3>', 1);
    await expectFastAnswersExact('post with mentions in a thread');
    await post(1, 'mine', 1);
    await expectFastAnswersExact("post by a thread's follower");
    const everyone = await post(3, '@everyone <@&7> <@1>', 2);
    await post(4, '@here', null, 2);
    await expectFastAnswersExact('everyone, here, a role and a name in one message');
    await editMessage(waddle, { messageId: a.id, content: 'hi <@4>', editedAt: NOW, mentionAuthority: AUTHORITY });
    await expectFastAnswersExact('edit that removes and adds mentions');
    await deleteMessage(waddle, everyone.id);
    await expectFastAnswersExact('tombstone of the newest message of a thread');
    const moved = await post(4, '<@2> moving', 3, 2);
    await markThreadRead(waddle, { userId: 3, threadId: 3, messageId: moved.id });
    // The starter's own message moved into their thread, which they had read: nothing is unread for them.
    const own = await post(3, 'to be moved', null, 2);
    await env.DB.prepare('UPDATE messages SET thread_id = 3 WHERE id = ?').bind(own.id).run();
    await expectFastAnswersExact('a message moved into a thread');
    await env.DB.prepare('DELETE FROM messages WHERE id = ?').bind(moved.id).run();
    await expectFastAnswersExact('hard delete');
    await waddle.db.insertInto('member_roles').values({ user_id: 4, role_id: 7, granted_by: 1 }).execute();
    await waddle.db.deleteFrom('member_roles').where('user_id', '=', 2).execute();
    await expectFastAnswersExact('role granted and revoked');
    await markRead(waddle, { userId: 1, channelId: 1, messageId: a.id, at: NOW });
    await markThreadRead(waddle, { userId: 3, threadId: 2, messageId: everyone.id });
    await expectFastAnswersExact('channel and thread read markers');
    await setThreadFollow(waddle, { userId: 1, threadId: 2, state: 'muted' });
    await setThreadFollow(waddle, { userId: 3, threadId: 1, state: 'unfollowed' });
    await setThreadFollow(waddle, { userId: 4, threadId: 3, state: 'following' });
    await post(2, '<@1> <@3> <@4> @everyone', 2);
    await post(2, '<@1> <@3>', 1);
    await expectFastAnswersExact('mute, unfollow, follow, then mentions in those threads');
    await post(4, '<@1> <@&7> @everyone <@2>', 2);
    await post(3, '<@&7> @here <@1>', null, 2);
    await post(1, '<@&8> <@&7> @here @everyone', null, 1);
    await post(3, '<@&8>', null, 2);
    await expectFastAnswersExact('mentions reaching users several ways at once, past the small caps');
    await env.DB.prepare('UPDATE threads SET channel_id = 2 WHERE id = 2').run();
    await expectFastAnswersExact('a thread moved to another channel');
    await setThreadFollow(waddle, { userId: 1, threadId: 2, state: 'following' });
    await expectFastAnswersExact('a muted thread followed again');
  });
});
