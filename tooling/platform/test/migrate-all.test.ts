import { Migrator } from '@waddle/migrator/migrator';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { describe, expect, it } from 'vitest';
import { migrateCommand } from '../src/commands/migrate.ts';
import { migrateAll } from '@waddle/provisioning/migrate-all';
import { statementOf } from '@waddle/registry/directory-kysely';
import { registerDatabaseQuery } from '@waddle/registry/register-database';
import { testClock } from '@waddle/clock/test-clock';
import { localTarget } from '../src/targets/local-target.ts';
import { inspect, seedRegistry, temporaryStateDirectory } from './registry-fixture.ts';

const latest = waddleMigrations.map((m) => m.name);

function captureIo() {
  const lines: string[] = [];
  return {
    lines,
    io: {
      out: (line: string) => lines.push(line),
      err: (line: string) => lines.push(line),
      progress: (text: string) => lines.push(text),
      isTerminal: false,
    },
  };
}

describe('migrate fan-out on the local target', () => {
  it('brings waddle databases at every version (from none applied to all of them) to the latest, then finds nothing to do', async () => {
    const target = localTarget(temporaryStateDirectory());
    const waddles = await seedRegistry(target, latest.length + 3);
    // Every number of applied migrations from none to all: each pending list is exercised.
    expect(new Set(waddles.map((w) => w.applied)).size).toBe(latest.length + 1);

    const first = await migrateAll({ target, concurrency: 6 });
    expect(first.failed).toEqual([]);
    for (const waddle of waddles) {
      const outcome = first.outcomes.find((o) => o.database === `waddle ${waddle.name}`)!;
      expect(outcome.migrations).toEqual(latest.slice(waddle.applied));
    }
    const { recorded, directory } = await inspect(target, waddles);
    for (const waddle of waddles) expect(recorded.get(waddle.name)).toEqual(latest);
    expect(directory.map((d) => d.schema_version)).toEqual(waddles.map(() => latest.at(-1)));

    const second = await migrateAll({ target, concurrency: 6 });
    expect(second.outcomes.every((o) => o.status === 'up-to-date' && o.migrations.length === 0)).toBe(true);
  });

  it('lets the others succeed when one fails, exits non-zero naming it, and completes after the fix with nothing applied twice', async () => {
    const target = localTarget(temporaryStateDirectory());
    const waddles = await seedRegistry(target, latest.length + 3);
    const broken = waddles.find((w) => w.applied === 1)!;
    // Someone created a table by hand that the next migration (0002_create_channels) also creates.
    const opened = await target.open([broken.d1DatabaseId]);
    await opened.get(broken.d1DatabaseId).prepare('CREATE TABLE channels (x INTEGER)').run();
    await opened.dispose();

    const { lines, io } = captureIo();
    expect(await migrateCommand(['--concurrency', '4'], io, target)).toBe(1);
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^FAILED waddle ${broken.name} \\(${broken.d1DatabaseId}\\): migration 0002_create_channels \\(up\\) failed: .*table "channels" already exists`,
        ),
      ),
    );
    const afterFailure = await inspect(target, waddles);
    for (const waddle of waddles) {
      expect(afterFailure.recorded.get(waddle.name)).toEqual(waddle === broken ? latest.slice(0, 1) : latest);
    }

    const fix = await target.open([broken.d1DatabaseId]);
    await fix.get(broken.d1DatabaseId).prepare('DROP TABLE channels').run();
    await fix.dispose();
    const rerun = await migrateAll({ target, concurrency: 4 });
    expect(rerun.failed).toEqual([]);
    expect(rerun.outcomes.filter((o) => o.status === 'migrated').map((o) => [o.database, o.migrations])).toEqual([
      [`waddle ${broken.name}`, latest.slice(1)],
    ]);
    const { recorded } = await inspect(target, waddles);
    for (const waddle of waddles) expect(recorded.get(waddle.name)).toEqual(latest);
  });

  it('applies each migration once when two runs start together', async () => {
    const target = localTarget(temporaryStateDirectory());
    const waddles = await seedRegistry(target, 12);
    const [a, b] = await Promise.all([migrateAll({ target, concurrency: 4 }), migrateAll({ target, concurrency: 4 })]);
    expect([...a.failed, ...b.failed]).toEqual([]);
    for (const waddle of waddles) {
      const applied = [a, b].flatMap((run) =>
        run.outcomes.filter((o) => o.database === `waddle ${waddle.name}`).flatMap((o) => o.migrations),
      );
      expect(applied).toEqual(latest.slice(waddle.applied));
    }
  });

  it('migrates a database registered only in the directory, and records its version in its directory row', async () => {
    const target = localTarget(temporaryStateDirectory());
    const waddles = await seedRegistry(target, 2);
    const clock = testClock();
    const opened = await target.open([target.centralDatabaseId]);
    await statementOf(
      opened.get(target.centralDatabaseId),
      registerDatabaseQuery({ role: 'waddle', d1DatabaseId: 'test-directory-only', schemaVersion: null }, clock.now()),
    ).run();
    await opened.dispose();
    clock.advance(1_000);

    const report = await migrateAll({ target, clock: clock.now });
    expect(report.failed).toEqual([]);
    expect(report.outcomes.find((o) => o.d1DatabaseId === 'test-directory-only')).toMatchObject({
      database: 'waddle test-directory-only',
      status: 'migrated',
      migrations: latest,
    });
    const { directory } = await inspect(target, waddles);
    expect(directory.at(-1)).toEqual({ d1_database_id: 'test-directory-only', schema_version: latest.at(-1) });
    const after = await target.open([target.centralDatabaseId, 'test-directory-only']);
    try {
      const row = await after
        .get(target.centralDatabaseId)
        .prepare("SELECT updated_at FROM databases WHERE d1_database_id = 'test-directory-only'")
        .first();
      expect(row).toEqual({ updated_at: clock.now() });
      const { results } = await after.get('test-directory-only').prepare('SELECT name FROM schema_migrations ORDER BY name').all();
      expect(results.map((r) => r.name)).toEqual(latest);
    } finally {
      await after.dispose();
    }
  });

  it("migrates a waddle's message shards in the directory, whatever their state, and records their versions", async () => {
    const target = localTarget(temporaryStateDirectory());
    const [waddle] = await seedRegistry(target, 1);
    const shards = ['test-shard-2', 'test-shard-3', 'test-shard-4'];
    const opened = await target.open([target.centralDatabaseId, ...shards]);
    try {
      // The second shard is half migrated (say, by a switch that died): only what it lacks is applied.
      const half = waddleMigrations.slice(0, 10);
      expect((await new Migrator({ database: opened.get(shards[1]!), migrations: half }).migrateToLatest()).error).toBeUndefined();
      await opened
        .get(target.centralDatabaseId)
        .prepare(
          `INSERT INTO databases (role, d1_database_id, shard_waddle_id, first_message_id, message_state, schema_version, created_at, updated_at)
           VALUES ('message_shard', ?, 1, 101, 'sealed', NULL, 0, 0), ('message_shard', ?, 1, 201, 'active', ?, 0, 0),
                  ('message_shard', ?, 1, 9007199254740991, 'opening', NULL, 0, 0)`,
        )
        .bind(shards[0], shards[1], half.at(-1)!.name, shards[2])
        .run();
    } finally {
      await opened.dispose();
    }

    const report = await migrateAll({ target });
    expect(report.failed).toEqual([]);
    expect(shards.map((id) => report.outcomes.find((o) => o.d1DatabaseId === id))).toEqual([
      expect.objectContaining({ database: 'message_shard test-shard-2', status: 'migrated', migrations: latest }),
      expect.objectContaining({ database: 'message_shard test-shard-3', status: 'migrated', migrations: latest.slice(10) }),
      expect.objectContaining({ database: 'message_shard test-shard-4', status: 'migrated', migrations: latest }),
    ]);
    const { directory } = await inspect(target, [waddle!]);
    expect(directory.slice(-3)).toEqual(shards.map((id) => ({ d1_database_id: id, schema_version: latest.at(-1) })));
    const after = await target.open(shards);
    try {
      for (const id of shards) {
        const { results } = await after.get(id).prepare('SELECT name FROM schema_migrations ORDER BY name').all();
        expect(results.map((r) => r.name)).toEqual(latest);
      }
    } finally {
      await after.dispose();
    }
    // A second run finds them current.
    const again = await migrateAll({ target });
    expect(shards.map((id) => again.outcomes.find((o) => o.d1DatabaseId === id)?.status)).toEqual([
      'up-to-date',
      'up-to-date',
      'up-to-date',
    ]);
  });

  it('reports a database the directory knows but that is empty as missing, and does not recreate it', async () => {
    const target = localTarget(temporaryStateDirectory());
    await seedRegistry(target, 3);
    const opened = await target.open([target.centralDatabaseId]);
    await opened
      .get(target.centralDatabaseId)
      .prepare("UPDATE databases SET d1_database_id = 'test-waddle-vanished' WHERE d1_database_id = 'test-waddle-2'")
      .run();
    await opened.dispose();
    const report = await migrateAll({ target });
    expect(report.failed.map((f) => [f.database, f.error])).toEqual([['waddle w2', expect.stringMatching(/missing or was replaced/)]]);
  });

  it('shows each database and what is pending without changing anything (status, --dry-run)', async () => {
    const target = localTarget(temporaryStateDirectory());
    const waddles = await seedRegistry(target, 5);
    const { lines, io } = captureIo();
    expect(await migrateCommand(['status'], io, target)).toBe(0);
    const table = lines.find((l) => l.startsWith('database'))!;
    expect(table).toContain('pending');
    expect(lines.join('\n')).toMatch(
      new RegExp(`waddle w1 +test-waddle-1 +0001_create_categories +0001_create_categories +behind +${latest.length - 1} `),
    );
    const { recorded } = await inspect(target, waddles);
    expect(recorded.get('w1')).toEqual(latest.slice(0, 1));
    expect(await migrateCommand(['--concurrency', '0'], io, target)).toBe(2);
  });
});
