import { centralMigrations } from '@waddle/central-schema/migrations';
import { testClock } from '@waddle/clock/test-clock';
import { Migrator } from '@waddle/migrator/migrator';
import { createWaddle } from '@waddle/provisioning/create-waddle';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import { openMessageShard } from '@waddle/provisioning/open-message-shard';
import { searchMessages } from '@waddle/queries/search/search-messages';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { describe, expect, it } from 'vitest';
import type { CommandIo } from '../src/commands/command-io.ts';
import { reindexSearchCommand } from '../src/commands/reindex-search.ts';
import { localTarget } from '../src/targets/local-target.ts';
import { temporaryStateDirectory } from './registry-fixture.ts';
import { registerDatabaseQuery } from '@waddle/registry/register-database';
import { statementOf } from '@waddle/registry/directory-kysely';

function capture(): CommandIo & { lines: string[]; progressed: string[] } {
  const lines: string[] = [];
  const progressed: string[] = [];
  return {
    lines,
    progressed,
    out: (line) => lines.push(line),
    err: (line) => lines.push(line),
    progress: (text) => progressed.push(text),
    isTerminal: false,
  };
}

describe('waddle reindex-search', () => {
  it('makes emoji findable in messages indexed before emoji had tokens, in every waddle database, and a rerun finds the same', async () => {
    const target = localTarget(temporaryStateDirectory());
    const ids = ['local-waddle-one', 'local-waddle-two'];
    const opened = await target.open([target.centralDatabaseId, ...ids]);
    const found = async () =>
      Promise.all(
        ids.map(async (id) =>
          (await searchMessages(openWaddleDatabase(opened.get(id)), { query: '🐧', visibleChannelIds: [1] })).hits.map((hit) => hit.id),
        ),
      );
    try {
      const central = opened.get(target.centralDatabaseId);
      expect((await new Migrator({ database: central, migrations: centralMigrations }).migrateToLatest()).error).toBeUndefined();
      await central.batch([
        central.prepare("INSERT INTO users (id, username) VALUES (1, 'owner')"),
        ...ids.map((id) => statementOf(central, registerDatabaseQuery({ role: 'waddle', d1DatabaseId: id, schemaVersion: null }, 0))),
        central
          .prepare(
            "INSERT INTO waddles (id, name, display_name, owner_id, d1_database_id, primary_database_id) VALUES (1, 'one', 'One', 1, ?1, (SELECT id FROM databases WHERE d1_database_id = ?1)), (2, 'two', 'Two', 1, ?2, (SELECT id FROM databases WHERE d1_database_id = ?2))",
          )
          .bind(...ids),
      ]);
      for (const id of ids) {
        const d1 = opened.get(id);
        expect((await new Migrator({ database: d1, migrations: waddleMigrations }).migrateToLatest()).error).toBeUndefined();
        // Messages as the earlier version indexed them: the content itself, where unicode61 drops emoji.
        await d1.batch([
          d1.prepare("INSERT INTO channels (id, name, created_by) VALUES (1, 'general', 1)"),
          d1.prepare(
            "INSERT INTO messages (id, channel_id, user_id, content, created_at) VALUES (1, 1, 1, 'penguin 🐧 parade', 1000), (2, 1, 1, 'no emoji here', 1001), (3, 1, 1, '🐧🐧', 1002)",
          ),
          d1.prepare('INSERT INTO messages_fts (rowid, body) SELECT id, content FROM messages'),
        ]);
      }
      expect(await found()).toEqual([[], []]);

      const io = capture();
      expect(await reindexSearchCommand([], io, target)).toBe(0);
      expect(await found()).toEqual([
        [3, 1],
        [3, 1],
      ]);
      expect(io.lines.at(-1)).toBe('2 waddle databases and message shards, 4 index entries rewritten, 0 failed, on the local target');
      expect(io.progressed).toEqual([
        '1/2 waddle one: 3 messages scanned, 2 rewritten\n',
        '2/2 waddle two: 3 messages scanned, 2 rewritten\n',
      ]);
      // The words of the rewritten messages are still found, and the others' entries are untouched.
      const words = await searchMessages(openWaddleDatabase(opened.get(ids[0]!)), { query: 'parade', visibleChannelIds: [1] });
      expect(words.hits.map((hit) => hit.id)).toEqual([1]);

      expect(await reindexSearchCommand([], capture(), target)).toBe(0);
      expect(await found()).toEqual([
        [3, 1],
        [3, 1],
      ]);
    } finally {
      await opened.dispose();
    }
  });

  it('rewrites the index of every message shard of a waddle of three shards, with a line of progress per shard', async () => {
    const clock = testClock();
    const local = localTarget(temporaryStateDirectory());
    const databases = ['local-waddle-colony', 'local-waddle-1-shard-2', 'local-waddle-1-shard-3'];
    const setup = await local.open([local.centralDatabaseId]);
    const central0 = setup.get(local.centralDatabaseId);
    expect((await new Migrator({ database: central0, migrations: centralMigrations }).migrateToLatest()).error).toBeUndefined();
    await central0.prepare("INSERT INTO users (id, username) VALUES (1, 'owner')").run();
    await setup.dispose();
    const own = await local.open([local.centralDatabaseId]);
    await createWaddle(
      own.get(local.centralDatabaseId),
      local,
      { name: 'colony', displayName: 'Colony', ownerId: 1 },
      { clock: clock.now },
    );
    await own.dispose();

    const opened = await local.open([local.centralDatabaseId, ...databases]);
    const shared: DatabaseTarget = {
      ...local,
      createDatabase: async (name) => `local-${name}`,
      open: async () => ({ get: (id) => opened.get(id), dispose: async () => {} }),
    };
    const found = () =>
      Promise.all(
        databases.map(async (id) =>
          (await searchMessages(openWaddleDatabase(opened.get(id)), { query: '🐧', visibleChannelIds: [1] })).hits.map((hit) => hit.id),
        ),
      );
    try {
      const central = opened.get(local.centralDatabaseId);
      // Each shard's messages as the earlier version indexed them (the content itself); the next
      // shard continues the ids, so shard 2 holds 4 to 6 and shard 3 holds 7 to 9.
      for (const [i, id] of databases.entries()) {
        if (i > 0) await openMessageShard(central, shared, 1, databases[i - 1]!, { clock: clock.now, holder: 'test' });
        const d1 = opened.get(id);
        const first = 3 * i + 1;
        await d1.batch([
          d1.prepare("INSERT INTO channels (id, name, created_by) VALUES (1, 'general', 1) ON CONFLICT DO NOTHING"),
          d1
            .prepare(
              "INSERT INTO messages (id, channel_id, user_id, content, created_at) VALUES (?, 1, 1, 'penguin 🐧 parade', 1000), (?, 1, 1, 'no emoji here', 1001), (?, 1, 1, '🐧🐧', 1002)",
            )
            .bind(first, first + 1, first + 2),
          d1.prepare('INSERT INTO messages_fts (rowid, body) SELECT id, content FROM messages'),
        ]);
      }
      expect(await found()).toEqual([[], [], []]);

      const io = capture();
      expect(await reindexSearchCommand([], io, local)).toBe(0);
      expect(await found()).toEqual([
        [3, 1],
        [6, 4],
        [9, 7],
      ]);
      expect(io.lines.at(-1)).toBe('3 waddle databases and message shards, 6 index entries rewritten, 0 failed, on the local target');
      expect(io.progressed).toEqual([
        '1/3 waddle colony: 3 messages scanned, 2 rewritten\n',
        '2/3 message_shard local-waddle-1-shard-2: 3 messages scanned, 2 rewritten\n',
        '3/3 message_shard local-waddle-1-shard-3: 3 messages scanned, 2 rewritten\n',
      ]);

      // Run again (as after an interruption): the same entries, nothing lost.
      expect(await reindexSearchCommand([], capture(), local)).toBe(0);
      expect(await found()).toEqual([
        [3, 1],
        [6, 4],
        [9, 7],
      ]);
    } finally {
      await opened.dispose();
    }
  });
});
