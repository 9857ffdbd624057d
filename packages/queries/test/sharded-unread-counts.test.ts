import { beforeEach, describe, expect, it } from 'vitest';
import { testClock } from '@waddle/clock/test-clock';
import { InvalidQueryError } from '../src/invalid-query-error.ts';
import { getShardedUnreadCounts } from '../src/shards/sharded-unread-counts.ts';
import { getUnreadCounts } from '../src/unreads/unread-counts.ts';
import { type ThreeShards, threeShards, VIEWER } from './three-shards.ts';

let whole: ThreeShards['whole'];
let sharded: ThreeShards['sharded'];
let roundTrips: ThreeShards['roundTrips'];
beforeEach(async () => {
  const shards = await threeShards();
  ({ whole, sharded } = shards);
  // More markers: one in the newest shard, one in the primary, one past every message.
  const T = testClock().now();
  for (const waddle of [whole, sharded.primary]) {
    await waddle.db
      .insertInto('read_states')
      .values([
        { user_id: 2, channel_id: 1, last_read_message_id: 230, updated_at: T },
        { user_id: 2, channel_id: 2, last_read_message_id: 40, updated_at: T },
        { user_id: 3, channel_id: 1, last_read_message_id: 999, updated_at: T },
      ])
      .execute();
  }
  const written = shards.roundTrips();
  roundTrips = () => shards.roundTrips().map((n, i) => n - written[i]!);
});

describe('unread counts of a waddle whose messages span three shards', () => {
  it('equal one database’s, with caps and first unread messages, for markers in every shard', async () => {
    for (const userId of [VIEWER, 1, 2, 3, 77]) {
      for (const cap of [1, 5, 30, 100]) {
        const options = { userId, channelIds: [1, 2, 3, 404], cap };
        expect(await getShardedUnreadCounts(sharded, options), JSON.stringify(options)).toEqual(await getUnreadCounts(whole, options));
      }
    }
  });

  it('reads the primary for the markers, then only the shards after the oldest marker, each once', async () => {
    await getShardedUnreadCounts(sharded, { userId: 2, channelIds: [1] });
    expect(roundTrips()).toEqual([1, 0, 1]);
    await getShardedUnreadCounts(sharded, { userId: VIEWER, channelIds: [1, 2] });
    expect(roundTrips()).toEqual([3, 1, 2]);
  });

  it('refuses bad options before reading any shard', async () => {
    await expect(getShardedUnreadCounts(sharded, { userId: VIEWER, channelIds: [1], cap: 0 })).rejects.toThrow(InvalidQueryError);
    await expect(getShardedUnreadCounts(sharded, { userId: VIEWER, channelIds: [1.5] })).rejects.toThrow(InvalidQueryError);
    expect(roundTrips()).toEqual([0, 0, 0]);
  });
});
