import { env, reset } from 'cloudflare:test';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { Migrator } from '@waddle/migrator/migrator';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { expect } from 'vitest';
import { testClock } from '@waddle/clock/test-clock';
import { deleteMessage } from '../src/messages/delete-message.ts';
import { postMessage } from '../src/messages/post-message.ts';
import { addReaction } from '../src/reactions/add-reaction.ts';
import { continueMessageIds } from '../src/shards/continue-message-ids.ts';
import { type ShardedWaddle, shardedWaddle, shardIndexOf } from '../src/shards/sharded-waddle.ts';
import { openWaddleDatabase, type WaddleDatabase } from '../src/waddle-database.ts';

export const VIEWER = 9;
/** Ids 1 to 100 in the primary, 101 to 180 in the second shard, 181 on in the third. */
export const SECOND = 101;
export const THIRD = 181;
const COUNT = 260;

/** A D1 database that counts the statements sent to it (each one round trip). */
export function counted(d1: D1Database): { d1: D1DatabaseLike; statements: () => number } {
  let statements = 0;
  return {
    d1: { prepare: (query) => (statements++, d1.prepare(query)), batch: (list) => (statements++, d1.batch(list as D1PreparedStatement[])) },
    statements: () => statements,
  };
}

/** A fresh database of the latest waddle schema with channels 1 to 3 and thread 1 (in channel 1). */
export async function migrated(d1: D1Database): Promise<WaddleDatabase> {
  const { error } = await new Migrator({ database: d1, migrations: waddleMigrations }).migrateToLatest();
  if (error) throw error;
  const waddle = openWaddleDatabase(d1);
  // Every shard has skeleton rows of the channels and threads its messages are in.
  await waddle.db
    .insertInto('channels')
    .values([1, 2, 3].map((id) => ({ id, name: `channel-${id}`, created_by: 1, created_at: 0 })))
    .execute();
  await waddle.db.insertInto('threads').values({ id: 1, channel_id: 1, title: 'topic', created_by: 1, created_at: 0 }).execute();
  return waddle;
}

export interface ThreeShards {
  /** All the messages in one database (`WHOLE`), the reference. */
  readonly whole: WaddleDatabase;
  /** The same messages over `DB` (the primary), `SHARD_2` and `SHARD_3`. */
  readonly sharded: ShardedWaddle;
  /** Statements sent to each shard since the messages were written. */
  readonly roundTrips: () => number[];
}

/**
 * The same 260 messages in `WHOLE` and spread over three shards. Channel 2 has no message in the
 * second shard; channel 3 none at all. Some are in thread 1, some are the viewer's own, some
 * have reactions, some are tombstones, some mention krill, a blue whale or 企鹅 (penguins); the
 * viewer has read channel 1 up to id 150.
 */
export async function threeShards(): Promise<ThreeShards> {
  await reset();
  const whole = await migrated(env.WHOLE);
  const counters = [counted(env.DB), counted(env.SHARD_2), counted(env.SHARD_3)];
  const [primary, second, third] = await Promise.all(
    counters.map(async (c, i) => (await migrated([env.DB, env.SHARD_2, env.SHARD_3][i]!), openWaddleDatabase(c.d1))),
  );
  await continueMessageIds(second!, SECOND - 1);
  await continueMessageIds(third!, THIRD - 1);
  const sharded = shardedWaddle(primary!, [
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
      content: `message ${i}${i % 4 === 0 ? ' krill' : ''}${i % 6 === 0 ? ' 企鹅在冰上' : ''}${i % 10 === 0 ? ' blue whale' : ''}`,
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
  return { whole, sharded, roundTrips: () => counters.map((c, i) => c.statements() - base[i]!) };
}
