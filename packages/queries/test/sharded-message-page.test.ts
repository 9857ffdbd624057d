import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidQueryError } from '../src/invalid-query-error.ts';
import { getMessagePage, type MessagePage, type MessageScope, type PageOptions } from '../src/pagination/message-page.ts';
import { getShardedMessagePage } from '../src/shards/sharded-message-page.ts';
import { shardedWaddle } from '../src/shards/sharded-waddle.ts';
import { SECOND, THIRD, type ThreeShards, threeShards, VIEWER } from './three-shards.ts';

let whole: ThreeShards['whole'];
let sharded: ThreeShards['sharded'];
let roundTrips: ThreeShards['roundTrips'];
beforeEach(async () => {
  ({ whole, sharded, roundTrips } = await threeShards());
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
