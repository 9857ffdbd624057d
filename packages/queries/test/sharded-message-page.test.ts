import { env, reset } from 'cloudflare:test';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { Migrator } from '@waddle/migrator/migrator';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { beforeEach, describe, expect, it } from 'vitest';
import { testClock } from '@waddle/clock/test-clock';
import { InvalidQueryError } from '../src/invalid-query-error.ts';
import { deleteMessage } from '../src/messages/delete-message.ts';
import { postMessage } from '../src/messages/post-message.ts';
import { getMessagePage, type MessagePage, type MessageScope, type PageOptions } from '../src/pagination/message-page.ts';
import { addReaction } from '../src/reactions/add-reaction.ts';
import { continueMessageIds } from '../src/shards/continue-message-ids.ts';
import { getShardedMessagePage } from '../src/shards/sharded-message-page.ts';
import { type ShardedWaddle, shardedWaddle, shardIndexOf } from '../src/shards/sharded-waddle.ts';
import { openWaddleDatabase, type WaddleDatabase } from '../src/waddle-database.ts';

const VIEWER = 9;
/** Ids 1 to 100 in the primary, 101 to 180 in the second shard, 181 on in the third. */
const SECOND = 101;
const THIRD = 181;
const COUNT = 260;

/** A D1 database that counts the statements sent to it (each one round trip). */
function counted(d1: D1Database): { d1: D1DatabaseLike; statements: () => number } {
  let statements = 0;
  return {
    d1: { prepare: (query) => (statements++, d1.prepare(query)), batch: (list) => (statements++, d1.batch(list as D1PreparedStatement[])) },
    statements: () => statements,
  };
}

let whole: WaddleDatabase;
let sharded: ShardedWaddle;
let roundTrips: () => number[];

async function migrated(d1: D1Database): Promise<WaddleDatabase> {
  const { error } = await new Migrator({ database: d1, migrations: waddleMigrations }).migrateToLatest();
  if (error) throw error;
  const waddle = openWaddleDatabase(d1);
  // Every shard has skeleton rows of the channels and threads its messages are in.
  await waddle.db
    .insertInto('channels')
    .values([1, 2, 3].map((id) => ({ id, name: `channel-${id}`, created_by: 1 })))
    .execute();
  await waddle.db.insertInto('threads').values({ id: 1, channel_id: 1, title: 'topic', created_by: 1 }).execute();
  return waddle;
}

/**
 * The same 260 messages in `WHOLE` and spread over three shards. Channel 2 has no message in the
 * second shard; channel 3 none at all. Some are in thread 1, some are the viewer's own, some
 * have reactions, some are tombstones; the viewer has read channel 1 up to id 150.
 */
beforeEach(async () => {
  await reset();
  whole = await migrated(env.WHOLE);
  const counters = [counted(env.DB), counted(env.SHARD_2), counted(env.SHARD_3)];
  const [primary, second, third] = await Promise.all(
    counters.map(async (c, i) => (await migrated([env.DB, env.SHARD_2, env.SHARD_3][i]!), openWaddleDatabase(c.d1))),
  );
  await continueMessageIds(second!, SECOND - 1);
  await continueMessageIds(third!, THIRD - 1);
  sharded = shardedWaddle(primary!, [
    { firstMessageId: SECOND, waddle: second! },
    { firstMessageId: THIRD, waddle: third! },
  ]);
  const T = testClock().now();
  for (let i = 1; i <= COUNT; i++) {
    const shard = sharded.shards[shardIndexOf(sharded, i)]!.waddle;
    const inSecond = i >= SECOND && i < THIRD;
    const message = {
      channelId: i % 5 === 0 && !inSecond ? 2 : 1,
      threadId: i % 7 === 0 && !(i % 5 === 0 && !inSecond) ? 1 : null,
      authorId: i % 11 === 0 ? VIEWER : 1 + (i % 3),
      content: `message ${i}`,
      createdAt: T + i,
    };
    const ids = [(await postMessage(whole, message)).id, (await postMessage(shard, message)).id];
    expect(ids).toEqual([i, i]);
    for (const waddle of [whole, shard]) {
      if (i % 9 === 0) await addReaction(waddle, { messageId: i, emoji: '🐧', userId: i % 2 === 0 ? VIEWER : 2, createdAt: T + i });
      if (i % 13 === 0) await deleteMessage(waddle, i);
    }
  }
  for (const waddle of [whole, primary!])
    await waddle.db
      .insertInto('read_states')
      .values({ user_id: VIEWER, channel_id: 1, last_read_message_id: 150, updated_at: T })
      .execute();
  const base = counters.map((c) => c.statements());
  roundTrips = () => counters.map((c, i) => c.statements() - base[i]!);
});

const SCOPES: MessageScope[] = [{ channelId: 1 }, { channelId: 2 }, { channelId: 3 }, { threadId: 1 }];
const ids = (page: MessagePage) => page.messages.map((m) => m.id);

async function expectSamePage(scope: MessageScope, options: PageOptions): Promise<MessagePage> {
  const [expected, actual] = [await getMessagePage(whole, scope, options), await getShardedMessagePage(sharded, scope, options)];
  expect(actual, JSON.stringify({ scope, options })).toEqual(expected);
  return actual;
}

describe('a page of a waddle whose messages span three shards', () => {
  it('is the page one database gives, for every anchor, every side and every scope', { timeout: 120_000 }, async () => {
    for (const scope of SCOPES) {
      await expectSamePage(scope, { anchor: 'newest', before: 50, viewerId: VIEWER });
      await expectSamePage(scope, { anchor: 'oldest', after: 50, viewerId: VIEWER });
      for (const [before, after] of [
        [10, 10],
        [0, 30],
        [30, 0],
        [100, 100],
      ] as const) {
        await expectSamePage(scope, { anchor: 'first_unread', before, after, viewerId: VIEWER });
        for (const anchor of [1, 99, 100, 101, 150, 180, 181, 260, 261])
          await expectSamePage(scope, { anchor, before, after, viewerId: VIEWER });
      }
    }
  });

  it('pages every scope end to end both ways through the boundaries: each message once, in order, cursors interchangeable', {
    timeout: 120_000,
  }, async () => {
    for (const scope of SCOPES) {
      const backward: number[] = [];
      let page = await expectSamePage(scope, { anchor: 'newest', before: 7, viewerId: VIEWER });
      backward.unshift(...ids(page));
      while (page.olderCursor) {
        page = await expectSamePage(scope, { cursor: page.olderCursor, before: 7, viewerId: VIEWER });
        backward.unshift(...ids(page));
      }
      const forward: number[] = [];
      page = await expectSamePage(scope, { anchor: 'oldest', after: 7, viewerId: VIEWER });
      forward.push(...ids(page));
      while (!page.foundNewest) {
        page = await expectSamePage(scope, { cursor: page.newerCursor, after: 7, viewerId: VIEWER });
        forward.push(...ids(page));
      }
      const everyId = (
        await whole.db
          .selectFrom('messages')
          .select('id')
          .where('channelId' in scope ? 'channel_id' : 'thread_id', '=', 'channelId' in scope ? scope.channelId : scope.threadId)
          .orderBy('id')
          .execute()
      ).map((m) => m.id);
      expect(backward).toEqual(everyId);
      expect(forward).toEqual(everyId);
      // Polling past the newest message finds nothing and keeps its place.
      const poll = await expectSamePage(scope, { cursor: page.newerCursor, after: 7, viewerId: VIEWER });
      expect([poll.messages, poll.newerCursor]).toEqual([[], page.newerCursor]);
    }
  });

  it('costs one statement inside a shard, and one more round trip per side that crosses into a neighbour', async () => {
    await getShardedMessagePage(sharded, { channelId: 1 }, { anchor: 150, before: 5, after: 5, viewerId: VIEWER });
    expect(roundTrips()).toEqual([0, 1, 0]);
    const across = await getShardedMessagePage(sharded, { channelId: 1 }, { anchor: 180, before: 5, after: 5, viewerId: VIEWER });
    expect(ids(across).some((id) => id < THIRD) && ids(across).some((id) => id >= THIRD)).toBe(true);
    expect(roundTrips()).toEqual([0, 2, 1]);
    const both = await getShardedMessagePage(sharded, { channelId: 1 }, { anchor: 150, before: 60, after: 60, viewerId: VIEWER });
    expect(ids(both).some((id) => id < SECOND) && ids(both).some((id) => id >= THIRD)).toBe(true);
    expect(roundTrips()).toEqual([1, 3, 2]);
  });

  it('refuses bad options before reading any shard', async () => {
    await expect(getShardedMessagePage(sharded, { channelId: 1 }, { anchor: 'newest', before: 101, viewerId: VIEWER })).rejects.toThrow(
      InvalidQueryError,
    );
    await expect(getShardedMessagePage(sharded, { channelId: 1 }, { cursor: 'nonsense', before: 5, viewerId: VIEWER })).rejects.toThrow(
      InvalidQueryError,
    );
    expect(roundTrips()).toEqual([0, 0, 0]);
    expect(() => shardedWaddle(sharded.primary, [{ firstMessageId: 1, waddle: sharded.primary }])).toThrow(InvalidQueryError);
  });
});
