import { env, reset } from 'cloudflare:test';
import { Migrator } from '@waddle/migrator/migrator';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidQueryError } from '../src/invalid-query-error.ts';
import { deleteMessage } from '../src/messages/delete-message.ts';
import { postMessage } from '../src/messages/post-message.ts';
import { continueMessageIds, lastHandedOutMessageId } from '../src/shards/continue-message-ids.ts';
import { openWaddleDatabase, type WaddleDatabase } from '../src/waddle-database.ts';

let shard: WaddleDatabase;
beforeEach(async () => {
  await reset();
  const { error } = await new Migrator({ database: env.SHARD_2, migrations: waddleMigrations }).migrateToLatest();
  if (error) throw error;
  shard = openWaddleDatabase(env.SHARD_2);
  await shard.db.insertInto('channels').values({ id: 1, name: 'general', created_by: 1 }).execute();
});

const post = async (content: string) => (await postMessage(shard, { channelId: 1, authorId: 1, content, createdAt: 0 })).id;
const sequenceRows = () => env.SHARD_2.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'messages'").raw<[number]>();

describe('continuing the message id sequence in a new database (local D1)', () => {
  it('D1 takes a written sqlite_sequence: a fresh shard’s first message gets the id after it, the next one after that', async () => {
    expect(await lastHandedOutMessageId(shard)).toBe(0);
    expect(await continueMessageIds(shard, 1_000_000)).toBe(1_000_001);
    expect(await post('first')).toBe(1_000_001);
    expect(await post('second')).toBe(1_000_002);
    expect(await lastHandedOutMessageId(shard)).toBe(1_000_002);
  });

  it('is idempotent and never moves back: run again, or with a smaller id, it keeps one row and the ids handed out', async () => {
    await continueMessageIds(shard, 500);
    await continueMessageIds(shard, 500);
    expect(await post('a')).toBe(501);
    expect(await continueMessageIds(shard, 10)).toBe(502);
    expect(await sequenceRows()).toEqual([[501]]);
    expect(await post('b')).toBe(502);
  });

  it('an id is never handed out twice, even after the newest message is hard-deleted', async () => {
    await continueMessageIds(shard, 41);
    const id = await post('gone');
    await env.SHARD_2.prepare('DELETE FROM messages WHERE id = ?').bind(id).run();
    expect(await post('next')).toBe(id + 1);
    await deleteMessage(shard, id + 1);
    expect(await post('after a tombstone')).toBe(id + 2);
  });

  it('refuses an id that is not a non-negative integer before touching the database', async () => {
    await expect(continueMessageIds(shard, -1)).rejects.toThrow(InvalidQueryError);
    await expect(continueMessageIds(shard, 2 ** 53)).rejects.toThrow(InvalidQueryError);
    expect(await sequenceRows()).toEqual([]);
  });
});
