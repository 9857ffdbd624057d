import { centralMigrations } from '@waddle/central-schema/migrations';
import { testClock } from '@waddle/clock/test-clock';
import { Migrator } from '@waddle/migrator/migrator';
import { createWaddle } from '@waddle/provisioning/create-waddle';
import { postMessage } from '@waddle/queries/messages/post-message';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import { readMessageShardMap } from '@waddle/registry/message-shard-map';
import { describe, expect, it } from 'vitest';
import type { CommandIo } from '../src/commands/command-io.ts';
import { shardCommand } from '../src/commands/shard.ts';
import { localTarget } from '../src/targets/local-target.ts';
import { temporaryStateDirectory } from './registry-fixture.ts';

function capture(): CommandIo & { lines: string[]; errors: string[]; steps: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  const steps: string[] = [];
  return {
    lines,
    errors,
    steps,
    out: (line) => lines.push(line),
    err: (line) => errors.push(line),
    progress: (text) => steps.push(text.trim()),
    isTerminal: false,
  };
}

describe('waddle shard open', () => {
  it("opens a waddle's next message shard on the local target, each time sealing the newest, and refuses an unknown waddle", async () => {
    const target = localTarget(temporaryStateDirectory());
    const setup = await target.open([target.centralDatabaseId]);
    const central = setup.get(target.centralDatabaseId);
    try {
      expect((await new Migrator({ database: central, migrations: centralMigrations }).migrateToLatest()).error).toBeUndefined();
      await central.prepare("INSERT INTO users (id, username) VALUES (7, 'founder')").run();
    } finally {
      await setup.dispose();
    }
    const ownCentral = await target.open([target.centralDatabaseId]);
    const created = await createWaddle(
      ownCentral.get(target.centralDatabaseId),
      target,
      { name: 'colony', displayName: 'Colony', ownerId: 7 },
      { clock: testClock().now },
    );
    await ownCentral.dispose();
    const primary = await target.open([created.d1DatabaseId]);
    try {
      const waddle = openWaddleDatabase(primary.get(created.d1DatabaseId));
      await waddle.db.insertInto('channels').values({ id: 1, name: 'general', created_by: 7 }).execute();
      for (let i = 0; i < 3; i++) await postMessage(waddle, { channelId: 1, authorId: 7, content: `m${i}`, createdAt: testClock().now() });
    } finally {
      await primary.dispose();
    }

    const first = capture();
    expect([await shardCommand(['open', String(created.waddleId)], first, target), first.errors]).toEqual([0, []]);
    expect(first.steps).toEqual(['created', 'migrated', 'sealed', 'continued', 'activated']);
    expect(first.lines.at(-1)).toBe(`waddle ${created.waddleId}: local-waddle-${created.waddleId}-shard-2 takes new messages from id 4`);
    // The second shard took no message: the third starts one id above it.
    const second = capture();
    expect(await shardCommand(['open', String(created.waddleId)], second, target)).toBe(0);
    expect(second.lines.at(-1)).toBe(`waddle ${created.waddleId}: local-waddle-${created.waddleId}-shard-3 takes new messages from id 5`);

    const after = await target.open([target.centralDatabaseId]);
    try {
      const map = await readMessageShardMap(after.get(target.centralDatabaseId), created.waddleId);
      expect(map!.shards.map((s) => [s.d1DatabaseId, s.firstMessageId, s.state])).toEqual([
        [created.d1DatabaseId, 1, 'sealed'],
        [`local-waddle-${created.waddleId}-shard-2`, 4, 'sealed'],
        [`local-waddle-${created.waddleId}-shard-3`, 5, 'active'],
      ]);
    } finally {
      await after.dispose();
    }

    const unknown = capture();
    expect(await shardCommand(['open', '99'], unknown, target)).toBe(1);
    expect(unknown.errors).toEqual(['waddle shard: there is no waddle 99']);
    expect(await shardCommand(['open', 'x'], capture(), target)).toBe(2);
    expect(await shardCommand(['close', '1'], capture(), target)).toBe(2);
  });
});
