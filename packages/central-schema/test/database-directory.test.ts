import { env, reset } from 'cloudflare:test';
import { Migrator } from '@waddle/migrator/migrator';
import { beforeEach, describe, expect, it } from 'vitest';
import { centralMigrations } from '../src/migrations/index.ts';
import { freshCentralDatabase } from './migrated-database.ts';

const DIRECTORY = centralMigrations.findIndex((m) => m.name === '0017_create_databases');

const directory = async () =>
  (
    await env.DB.prepare(
      'SELECT id, role, d1_database_id, slice, binding, schema_version, size_bytes, size_measured_at, created_at, updated_at FROM databases ORDER BY id',
    ).all()
  ).results;

const registry = async () =>
  (
    await env.DB.prepare(
      'SELECT id, d1_database_id, d1_binding, primary_database_id, schema_version, database_size_mb, size_sampled_at FROM waddles ORDER BY id',
    ).all()
  ).results;

describe('0017_create_databases on an installation that has waddles', () => {
  beforeEach(async () => {
    await reset();
    const { error } = await new Migrator({ database: env.DB, migrations: centralMigrations.slice(0, DIRECTORY) }).migrateToLatest();
    expect(error).toBeUndefined();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO users (id, username) VALUES (1, 'ada')"),
      // Ids with a gap, one static binding, one measured by the monitor, one never sampled.
      env.DB.prepare(
        `INSERT INTO waddles (id, name, display_name, owner_id, d1_database_id, d1_binding, schema_version, database_size_mb, size_sampled_at, created_at, updated_at) VALUES
           (3, 'penguins', 'P', 1, 'db-penguins', 'WADDLE_PENGUINS', '0020_x', 12, 900, 100, 150),
           (7, 'puffins', 'P', 1, 'db-puffins', NULL, '0019_y', 0, NULL, 200, 200)`,
      ),
      env.DB.prepare(
        `INSERT INTO monitored_databases (d1_database_id, waddle_id, name, size_bytes, sampled_at, sample_attempted_at) VALUES
           ('db-penguins', 3, 'penguins', 12345678, 900, 900), ('central', NULL, 'central', 5000, 900, 900)`,
      ),
      env.DB.prepare(
        "INSERT INTO monitor_cursors (name, after_waddle_id, updated_at) VALUES ('size-sampling', 7, 900), ('optimize', 3, 900)",
      ),
    ]);
    const { error: latest } = await new Migrator({ database: env.DB, migrations: centralMigrations }).migrateToLatest();
    expect(latest).toBeUndefined();
  });

  it('registers every existing waddle database in the directory, in id order, and points each waddle at its row', async () => {
    expect(await directory()).toEqual([
      {
        id: 1,
        role: 'waddle',
        d1_database_id: 'db-penguins',
        slice: null,
        binding: 'WADDLE_PENGUINS',
        schema_version: '0020_x',
        size_bytes: 12345678,
        size_measured_at: 900,
        created_at: 100,
        updated_at: 150,
      },
      {
        id: 2,
        role: 'waddle',
        d1_database_id: 'db-puffins',
        slice: null,
        binding: null,
        schema_version: '0019_y',
        size_bytes: null,
        size_measured_at: null,
        created_at: 200,
        updated_at: 200,
      },
    ]);
    expect((await registry()).map((w) => [w.id, w.primary_database_id])).toEqual([
      [3, 1],
      [7, 2],
    ]);
  });

  it("starts the monitor's walks over from the beginning of the directory", async () => {
    expect((await env.DB.prepare('SELECT name, after_database_id FROM monitor_cursors ORDER BY name').all()).results).toEqual([
      { name: 'optimize', after_database_id: 0 },
      { name: 'size-sampling', after_database_id: 0 },
    ]);
  });

  it('reverts cleanly (for development)', async () => {
    const migrator = new Migrator({ database: env.DB, migrations: centralMigrations });
    // The migrations after 0017 are reverted first, then 0017 itself.
    for (let i = centralMigrations.length - 1; i >= DIRECTORY; i--) expect((await migrator.migrateDown()).error).toBeUndefined();
    expect((await env.DB.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'databases'").first())?.n).toBe(0);
    const { results } = await env.DB.prepare('SELECT d1_database_id FROM waddles ORDER BY id').all();
    expect(results).toEqual([{ d1_database_id: 'db-penguins' }, { d1_database_id: 'db-puffins' }]);
    expect((await env.DB.prepare("SELECT after_waddle_id FROM monitor_cursors WHERE name = 'optimize'").first())?.after_waddle_id).toBe(0);
  });
});

describe('the directory and the columns of the registry it supersedes', () => {
  beforeEach(async () => {
    await freshCentralDatabase();
    await env.DB.prepare("INSERT INTO users (id, username) VALUES (1, 'ada')").run();
  });

  it('gives a waddle inserted the old way (no directory row) its directory row', async () => {
    await env.DB.prepare(
      "INSERT INTO waddles (id, name, display_name, owner_id, d1_database_id, d1_binding, schema_version, created_at, updated_at) VALUES (5, 'krill', 'K', 1, 'db-krill', 'WADDLE_KRILL', '0001_a', 40, 40)",
    ).run();
    expect(await directory()).toMatchObject([
      { id: 1, role: 'waddle', d1_database_id: 'db-krill', binding: 'WADDLE_KRILL', schema_version: '0001_a', created_at: 40 },
    ]);
    expect(await registry()).toMatchObject([{ id: 5, primary_database_id: 1 }]);
  });

  it('leaves a waddle inserted with its directory row as it is', async () => {
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO databases (role, d1_database_id, slice, binding, created_at, updated_at) VALUES ('waddle', 'db-krill', 'slice-0', 'DB_3', 40, 40)",
      ),
      env.DB.prepare(
        "INSERT INTO waddles (id, name, display_name, owner_id, d1_database_id, primary_database_id) VALUES (5, 'krill', 'K', 1, 'db-krill', (SELECT id FROM databases WHERE d1_database_id = 'db-krill'))",
      ),
    ]);
    expect((await directory()).map((d) => d.d1_database_id)).toEqual(['db-krill']);
    expect(await registry()).toMatchObject([{ id: 5, primary_database_id: 1 }]);
  });

  it("keeps the registry's schema version, size and static binding equal to its primary database's directory row", async () => {
    await env.DB.prepare(
      "INSERT INTO waddles (id, name, display_name, owner_id, d1_database_id, d1_binding) VALUES (5, 'krill', 'K', 1, 'db-krill', 'WADDLE_KRILL')",
    ).run();
    await env.DB.prepare(
      "UPDATE databases SET schema_version = '0021_z', size_bytes = 7654321, size_measured_at = 1000 WHERE id = 1",
    ).run();
    expect(await registry()).toMatchObject([
      { schema_version: '0021_z', database_size_mb: 7, size_sampled_at: 1000, d1_binding: 'WADDLE_KRILL' },
    ]);
    // Reached through a slice: no static binding of the platform's Workers names it any more.
    await env.DB.prepare("UPDATE databases SET slice = 'slice-0', binding = 'DB_0' WHERE id = 1").run();
    expect(await registry()).toMatchObject([{ d1_binding: null }]);
    await env.DB.prepare("UPDATE databases SET slice = NULL, binding = 'WADDLE_BACK' WHERE id = 1").run();
    expect(await registry()).toMatchObject([{ d1_binding: 'WADDLE_BACK' }]);
  });

  it('keeps a directory row when its waddle is deleted: the database itself is still there until the control plane deletes it', async () => {
    await env.DB.prepare(
      "INSERT INTO waddles (id, name, display_name, owner_id, d1_database_id) VALUES (5, 'krill', 'K', 1, 'db-krill')",
    ).run();
    await env.DB.prepare('DELETE FROM waddles WHERE id = 5').run();
    expect((await directory()).map((d) => d.d1_database_id)).toEqual(['db-krill']);
  });

  it('refuses to forget a directory row that a waddle still points at', async () => {
    await env.DB.prepare(
      "INSERT INTO waddles (id, name, display_name, owner_id, d1_database_id) VALUES (5, 'krill', 'K', 1, 'db-krill')",
    ).run();
    await expect(env.DB.prepare('DELETE FROM databases WHERE id = 1').run()).rejects.toThrow(/FOREIGN KEY constraint failed/);
  });
});
