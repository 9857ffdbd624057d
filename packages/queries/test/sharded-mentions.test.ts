import { env, reset } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { testClock } from '@waddle/clock/test-clock';
import { InvalidQueryError } from '../src/invalid-query-error.ts';
import { getMentionInbox } from '../src/mentions/mention-inbox.ts';
import { getUnreadMentionCounts } from '../src/mentions/unread-mention-counts.ts';
import { deleteMessage } from '../src/messages/delete-message.ts';
import { postMessage } from '../src/messages/post-message.ts';
import { getChannelBadges } from '../src/notifications/channel-badges.ts';
import type { NotificationLevel } from '../src/notifications/notification-level.ts';
import { setChannelNotificationLevel } from '../src/notifications/set-channel-notification-level.ts';
import { continueMessageIds, lastHandedOutMessageId } from '../src/shards/continue-message-ids.ts';
import { deleteShardedMessage } from '../src/shards/delete-sharded-message.ts';
import { postShardedMessage } from '../src/shards/post-sharded-message.ts';
import { getShardedChannelBadges } from '../src/shards/sharded-channel-badges.ts';
import { getShardedFollowedThreads } from '../src/shards/sharded-followed-threads.ts';
import { getShardedMentionInbox } from '../src/shards/sharded-mention-inbox.ts';
import { getShardedThreadUnreads } from '../src/shards/sharded-thread-unreads.ts';
import { getShardedUnreadMentionCounts } from '../src/shards/sharded-unread-mention-counts.ts';
import { type ShardedWaddle, shardedWaddle } from '../src/shards/sharded-waddle.ts';
import { getFollowedThreads } from '../src/threads/followed-threads.ts';
import { setThreadFollow } from '../src/threads/set-thread-follow.ts';
import { getThreadUnreads } from '../src/threads/thread-unreads.ts';
import { openWaddleDatabase, type WaddleDatabase } from '../src/waddle-database.ts';
import { counted, migrated } from './three-shards.ts';

const T = testClock().now();
/** The member whose mentions are counted; 5 is mentioned by name too, 77 never. */
const VIEWER = 6;
const USERS = [VIEWER, 5, 1, 77];
const CHANNELS = [1, 2, 3, 404];
const THREADS = [1, 2, 3, 99];
/** Per message: 50 in the primary, 50 in the second shard, the rest in the third. */
const PER_SHARD = 50;

let whole: WaddleDatabase;
let sharded: ShardedWaddle;
let statements: (() => number)[];

/** Opens the next shard the way the switch does: its id sequence continues the newest shard's. */
async function openShard(d1: D1Database): Promise<void> {
  const fresh = await migrated(d1);
  await fresh.db.deleteFrom('threads').execute();
  await fresh.db.deleteFrom('channels').execute();
  const last = await lastHandedOutMessageId(sharded.shards.at(-1)!.waddle);
  await continueMessageIds(fresh, last);
  const { d1: countedD1, statements: count } = counted(d1);
  statements.push(count);
  sharded = shardedWaddle(sharded.primary, [
    ...sharded.shards.slice(1),
    { firstMessageId: last + 1, waddle: openWaddleDatabase(countedD1) },
  ]);
}

/**
 * Message `i`: in channel 1, or 2 for every fourth (channel 3 has none); every third in a thread
 * (2 in channel 2; 1 or 3 in channel 1); the viewer writes every eleventh. It names the viewer
 * (every fifth), user 5 (every sixth), role 7 (every seventh), everyone (every ninth), here
 * (every seventeenth), the viewer, role 7 and everyone at once (every thirteenth).
 */
async function post(i: number): Promise<void> {
  const channelId = i % 4 === 0 ? 2 : 1;
  const words = [`message ${i}`];
  if (i % 5 === 0) words.push('<@6>');
  if (i % 6 === 0) words.push('<@5>');
  if (i % 7 === 0) words.push('<@&7>');
  if (i % 9 === 0) words.push('@everyone');
  if (i % 17 === 0) words.push('@here');
  if (i % 13 === 0) words.push('<@6> <@&7> @everyone');
  const message = {
    channelId,
    threadId: i % 3 === 0 ? (channelId === 2 ? 2 : i % 2 === 0 ? 1 : 3) : null,
    authorId: i % 11 === 0 ? VIEWER : 1 + (i % 5),
    content: words.join(' '),
    createdAt: T + i,
    mentionAuthority: { memberIds: [5, 6], mayMentionEveryone: true },
  };
  const expected = await postMessage(whole, message);
  const posted = await postShardedMessage(sharded, message);
  expect(posted).toEqual({ ...expected, activityRecorded: true });
}

/** The same write to one database and to the primary (read state, follows, roles live there). */
async function inBoth(write: (waddle: WaddleDatabase) => Promise<unknown>): Promise<void> {
  await write(whole);
  await write(sharded.primary);
}

async function setMarker(userId: number, channelId: number, marker: number): Promise<void> {
  await inBoth((waddle) =>
    waddle.db
      .insertInto('read_states')
      .values({ user_id: userId, channel_id: channelId, last_read_message_id: marker, updated_at: T })
      .onConflict((c) => c.columns(['user_id', 'channel_id']).doUpdateSet({ last_read_message_id: marker }))
      .execute(),
  );
}

/** Moves a user's thread markers forward to `marker` (never back: the schema keeps them past the user's own messages). */
function moveThreadMarkers(waddle: WaddleDatabase, userId: number, marker: number) {
  return waddle.db
    .updateTable('thread_follows')
    .set((eb) => ({ last_read_message_id: eb.fn('max', [eb.ref('last_read_message_id'), eb.val(marker)]) }))
    .where('user_id', '=', userId)
    .execute();
}

const roundTrips = () => statements.map((count) => count());

beforeEach(async () => {
  await reset();
  whole = await migrated(env.WHOLE);
  const { d1, statements: count } = counted(env.DB);
  await migrated(env.DB);
  statements = [count];
  sharded = shardedWaddle(openWaddleDatabase(d1));
  await inBoth(async (waddle) => {
    await waddle.db
      .insertInto('threads')
      .values([
        { id: 2, channel_id: 2, title: 'other topic', created_by: 4, created_at: 0 },
        { id: 3, channel_id: 1, title: 'muted topic', created_by: 4, created_at: 0 },
      ])
      .execute();
    await waddle.db.insertInto('roles').values({ id: 7, name: 'krill watchers', is_mentionable: 1 }).execute();
  });
  for (let i = 1; i <= PER_SHARD; i++) await post(i);
  await openShard(env.SHARD_2);
  for (let i = PER_SHARD + 1; i <= 2 * PER_SHARD; i++) await post(i);
  await openShard(env.SHARD_3);
  for (let i = 2 * PER_SHARD + 1; i <= 3 * PER_SHARD; i++) await post(i);
  // Tombstones in every shard: their mentions are gone.
  for (const id of [26, 65, 130]) expect(await deleteShardedMessage(sharded, id)).toBe(await deleteMessage(whole, id));
  // The viewer gets role 7 after every message that mentions it; they mute thread 3; user 5 holds role 7 and reads thread 1 to 75.
  await inBoth(async (waddle) => {
    await waddle.db
      .insertInto('member_roles')
      .values([
        { user_id: VIEWER, role_id: 7, granted_by: 1, granted_at: T },
        { user_id: 5, role_id: 7, granted_by: 1, granted_at: T },
      ])
      .execute();
    await setThreadFollow(waddle, { userId: VIEWER, threadId: 3, state: 'muted' });
    await setThreadFollow(waddle, { userId: VIEWER, threadId: 2, state: 'following' });
    await waddle.db
      .updateTable('thread_follows')
      .set({ last_read_message_id: 75 })
      .where('user_id', '=', 5)
      .where('thread_id', '=', 1)
      .execute();
    await setChannelNotificationLevel(waddle, { userId: VIEWER, channelId: 2, level: 'none', at: T });
  });
  // Markers: the viewer in the second shard (channel 1) and the primary (channel 2); user 5 in the third.
  await setMarker(VIEWER, 1, 70);
  await setMarker(VIEWER, 2, 20);
  await setMarker(5, 1, 130);
});

/** Markers on both sides of every boundary, and at none and past every message. */
const MARKERS = [0, PER_SHARD, PER_SHARD + 1, 2 * PER_SHARD, 2 * PER_SHARD + 1, 999];

describe('mentions over a waddle whose messages span three shards', () => {
  it('has mentions in every shard, of every kind, and boundaries inside every channel and thread', async () => {
    expect(sharded.shards.map((shard) => shard.firstMessageId)).toEqual([1, PER_SHARD + 1, 2 * PER_SHARD + 1]);
    for (const [index, shard] of sharded.shards.entries()) {
      const kinds = await shard.waddle.db.selectFrom('message_mentions').select('kind').distinct().orderBy('kind').execute();
      expect(
        kinds.map((row) => row.kind),
        `shard ${index}`,
      ).toEqual(['everyone', 'here', 'role', 'user']);
      const places = await shard.waddle.db.selectFrom('messages').select(['channel_id', 'thread_id']).distinct().execute();
      for (const place of [
        { channel_id: 1, thread_id: 1 },
        { channel_id: 1, thread_id: 3 },
        { channel_id: 2, thread_id: 2 },
      ])
        expect(places, `shard ${index}`).toContainEqual(place);
    }
  });

  it('counts unread mentions per channel as one database does: by name, a role granted after the message, everyone, muted threads left out, at every cap and marker', async () => {
    const check = async (label: string) => {
      for (const userId of USERS) {
        for (const cap of [1, 3, 10, 100]) {
          const options = { userId, channelIds: CHANNELS, cap };
          expect(await getShardedUnreadMentionCounts(sharded, options), `${label} ${JSON.stringify(options)}`).toEqual(
            await getUnreadMentionCounts(whole, options),
          );
        }
      }
    };
    await check('as set up');
    const counts = await getUnreadMentionCounts(whole, { userId: VIEWER, channelIds: [1] });
    expect(counts[0]!.mentionCount).toBeGreaterThan(10); // the counts reach into the later shards
    for (const marker of MARKERS) {
      await setMarker(VIEWER, 1, marker);
      await setMarker(VIEWER, 2, marker);
      await check(`markers at ${marker}`);
    }
  });

  it('gives the badges of one database under each notification level and override', async () => {
    for (const waddleLevel of ['all', 'mentions', 'none'] as NotificationLevel[]) {
      for (const override of [null, 'all', 'mentions', 'none'] as (NotificationLevel | null)[]) {
        await inBoth((waddle) => setChannelNotificationLevel(waddle, { userId: VIEWER, channelId: 1, level: override, at: T }));
        for (const userId of USERS) {
          for (const cap of [2, 100]) {
            const options = { userId, channelIds: CHANNELS, waddleLevel, cap };
            expect(await getShardedChannelBadges(sharded, options), JSON.stringify({ ...options, override })).toEqual(
              await getChannelBadges(whole, options),
            );
          }
        }
      }
    }
    for (const marker of MARKERS) {
      await setMarker(VIEWER, 1, marker);
      const options = { userId: VIEWER, channelIds: CHANNELS, waddleLevel: 'mentions' as const };
      expect(await getShardedChannelBadges(sharded, options), `marker ${marker}`).toEqual(await getChannelBadges(whole, options));
    }
  });

  it('pages the inbox end to end as one database does, newest first, with cursors either one takes', async () => {
    for (const userId of USERS) {
      for (const limit of [1, 7, 23, 50, 100]) {
        for (const visibleChannelIds of [CHANNELS, [2]]) {
          const label = JSON.stringify({ userId, limit, visibleChannelIds });
          let cursor: string | undefined;
          const seen: number[] = [];
          do {
            const options = { userId, visibleChannelIds, limit, cursor };
            const page = await getShardedMentionInbox(sharded, options);
            expect(page, label).toEqual(await getMentionInbox(whole, options));
            seen.push(...page.mentions.map((mention) => mention.messageId));
            cursor = page.olderCursor ?? undefined;
          } while (cursor !== undefined);
          const all = await getMentionInbox(whole, { userId, visibleChannelIds, limit: 100 });
          expect(seen, label).toEqual(all.mentions.map((mention) => mention.messageId));
        }
      }
    }
    const inbox = await getShardedMentionInbox(sharded, { userId: VIEWER, visibleChannelIds: CHANNELS, limit: 100 });
    // Every shard and every way of reaching the viewer, role 7 granted after the messages included.
    expect(new Set(inbox.mentions.map((mention) => mention.mentionedAs))).toEqual(new Set(['user', 'role', 'everyone', 'here']));
    expect(inbox.mentions.at(0)!.messageId).toBeGreaterThan(2 * PER_SHARD);
    expect(inbox.mentions.at(-1)!.messageId).toBeLessThanOrEqual(PER_SHARD);
  });

  it('counts a thread’s unreads and mentions as one database does, muted threads and thread markers on either side of a boundary', async () => {
    const check = async (label: string) => {
      for (const userId of USERS) {
        for (const cap of [1, 4, 100]) {
          const options = { userId, threadIds: THREADS, visibleChannelIds: CHANNELS, cap };
          expect(await getShardedThreadUnreads(sharded, options), `${label} ${JSON.stringify(options)}`).toEqual(
            await getThreadUnreads(whole, options),
          );
        }
      }
    };
    await check('as set up');
    // Thread markers only move forward (as markThreadRead moves them), across every boundary; the channel marker anywhere.
    for (const marker of MARKERS) {
      await inBoth((waddle) => moveThreadMarkers(waddle, VIEWER, marker));
      await setMarker(VIEWER, 1, marker === 999 ? 0 : marker);
      await check(`thread markers at ${marker}`);
    }
    const [thread] = await getShardedThreadUnreads(sharded, { userId: VIEWER, threadIds: [3], visibleChannelIds: CHANNELS });
    expect(thread).toMatchObject({ muted: true, mentionCount: 0 });
  });

  it('lists followed threads as one database does, with and without onlyUnread, paged, across the waddle and in one channel', async () => {
    const check = async (label: string) => {
      for (const userId of USERS) {
        for (const onlyUnread of [false, true]) {
          for (const channelId of [undefined, 1, 2]) {
            for (const limit of [1, 50]) {
              for (const cap of [3, 100]) {
                let cursor: string | undefined;
                let pages = 0;
                do {
                  const options = { userId, visibleChannelIds: CHANNELS, channelId, onlyUnread, limit, cap, cursor };
                  const page = await getShardedFollowedThreads(sharded, options);
                  expect(page, `${label} ${JSON.stringify(options)}`).toEqual(await getFollowedThreads(whole, options));
                  cursor = page.nextCursor ?? undefined;
                  pages++;
                } while (cursor !== undefined && pages < 5);
              }
            }
          }
        }
      }
    };
    await check('as set up');
    const listed = await getShardedFollowedThreads(sharded, { userId: VIEWER, visibleChannelIds: CHANNELS });
    expect(listed.threads.map((thread) => thread.threadId).sort()).toEqual([1, 2]);
    expect(listed.threads.find((thread) => thread.threadId === 1)!.mentionCount).toBeGreaterThan(0);
    for (const marker of [PER_SHARD, PER_SHARD + 1, 2 * PER_SHARD + 1]) {
      for (const userId of USERS) await inBoth((waddle) => moveThreadMarkers(waddle, userId, marker));
      await check(`thread 1 read to ${marker}`);
    }
  });

  it('reads the primary once, then only the shards above the oldest marker, each once', async () => {
    await setMarker(VIEWER, 1, 2 * PER_SHARD + 1);
    const before = roundTrips();
    const since = () => roundTrips().map((n, i) => n - before[i]!);
    await getShardedUnreadMentionCounts(sharded, { userId: VIEWER, channelIds: [1] });
    expect(since()).toEqual([1, 0, 1]);
    await getShardedChannelBadges(sharded, { userId: VIEWER, channelIds: [1, 2], waddleLevel: 'all' });
    expect(since()).toEqual([3, 1, 2]);
    // The newest page of the inbox fits in the newest shard: the roles, then one shard.
    await getShardedMentionInbox(sharded, { userId: VIEWER, visibleChannelIds: CHANNELS, limit: 2 });
    expect(since()).toEqual([4, 1, 3]);
    // Two statements in parallel in the primary, then the later shards above the thread's marker.
    await getShardedThreadUnreads(sharded, { userId: VIEWER, threadIds: [1], visibleChannelIds: CHANNELS });
    expect(since()[0]).toBe(6);
  });

  it('refuses bad options before reading any shard', async () => {
    const before = roundTrips();
    await expect(getShardedUnreadMentionCounts(sharded, { userId: VIEWER, channelIds: [1], cap: 0 })).rejects.toThrow(InvalidQueryError);
    await expect(getShardedChannelBadges(sharded, { userId: VIEWER, channelIds: [1.5], waddleLevel: 'all' })).rejects.toThrow(
      InvalidQueryError,
    );
    await expect(
      getShardedChannelBadges(sharded, { userId: VIEWER, channelIds: [1], waddleLevel: 'loud' as NotificationLevel }),
    ).rejects.toThrow(InvalidQueryError);
    await expect(getShardedMentionInbox(sharded, { userId: VIEWER, visibleChannelIds: [1], limit: 101 })).rejects.toThrow(
      InvalidQueryError,
    );
    await expect(getShardedMentionInbox(sharded, { userId: VIEWER, visibleChannelIds: [1], cursor: 'nonsense' })).rejects.toThrow(
      InvalidQueryError,
    );
    await expect(getShardedFollowedThreads(sharded, { userId: VIEWER, visibleChannelIds: [1], limit: 0 })).rejects.toThrow(
      InvalidQueryError,
    );
    await expect(getShardedThreadUnreads(sharded, { userId: VIEWER, threadIds: [1], visibleChannelIds: [1], cap: 1001 })).rejects.toThrow(
      InvalidQueryError,
    );
    expect(roundTrips()).toEqual(before);
  });
});
