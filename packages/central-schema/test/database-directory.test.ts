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
  (await env.DB.prepare('SELECT id, d1_database_id, primary_database_id FROM waddles ORDER BY id').all()).results;

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
    // Every migration after the directory first, then the directory itself.
    for (let step = centralMigrations.length - 1; step >= DIRECTORY; step--) expect((await migrator.migrateDown()).error).toBeUndefined();
    expect((await env.DB.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'databases'").first())?.n).toBe(0);
    const { results } = await env.DB.prepare('SELECT d1_database_id FROM waddles ORDER BY id').all();
    expect(results).toEqual([{ d1_database_id: 'db-penguins' }, { d1_database_id: 'db-puffins' }]);
    expect((await env.DB.prepare("SELECT after_waddle_id FROM monitor_cursors WHERE name = 'optimize'").first())?.after_waddle_id).toBe(0);
  });
});

describe('0021_drop_registry_mirrors on an installation whose waddles still have the mirrored columns', () => {
  const MIRRORS = centralMigrations.findIndex((m) => m.name === '0021_drop_registry_mirrors');
  const mirroredColumns = async () =>
    (await env.DB.prepare('SELECT id, d1_binding, schema_version, database_size_mb, size_sampled_at FROM waddles ORDER BY id').all())
      .results;

  beforeEach(async () => {
    await reset();
    const { error } = await new Migrator({ database: env.DB, migrations: centralMigrations.slice(0, MIRRORS) }).migrateToLatest();
    expect(error).toBeUndefined();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO users (id, username) VALUES (1, 'ada')"),
      // Registered the old way: the waddle row's binding and version made the directory rows.
      env.DB.prepare(
        `INSERT INTO waddles (id, name, display_name, owner_id, d1_database_id, d1_binding, schema_version, created_at, updated_at) VALUES
           (3, 'penguins', 'P', 1, 'db-penguins', 'WADDLE_PENGUINS', '0020_x', 100, 100),
           (7, 'puffins', 'P', 1, 'db-puffins', NULL, '0019_y', 200, 200)`,
      ),
      env.DB.prepare("UPDATE databases SET size_bytes = 12345678, size_measured_at = 900 WHERE d1_database_id = 'db-penguins'"),
      env.DB.prepare("UPDATE databases SET slice = 'slice-0', binding = 'DB_7' WHERE d1_database_id = 'db-puffins'"),
    ]);
  });

  it('drops the mirrored columns and their triggers, and keeps every directory row as it was', async () => {
    const before = await directory();
    const { error } = await new Migrator({ database: env.DB, migrations: centralMigrations }).migrateToLatest();
    expect(error).toBeUndefined();
    expect(await directory()).toEqual(before);
    expect(await registry()).toEqual([
      { id: 3, d1_database_id: 'db-penguins', primary_database_id: 1 },
      { id: 7, d1_database_id: 'db-puffins', primary_database_id: 2 },
    ]);
    const triggers = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name GLOB 'databases_mirror_*'").all();
    expect(triggers.results).toEqual([]);
    await expect(env.DB.prepare('SELECT d1_binding FROM waddles').all()).rejects.toThrow(/no such column/);
  });

  it('reverts cleanly (for development): the columns come back with the directory values, and are mirrored again', async () => {
    const migrator = new Migrator({ database: env.DB, migrations: centralMigrations });
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    for (let step = centralMigrations.length - 1; step >= MIRRORS; step--) expect((await migrator.migrateDown()).error).toBeUndefined();
    expect(await mirroredColumns()).toEqual([
      { id: 3, d1_binding: 'WADDLE_PENGUINS', schema_version: '0020_x', database_size_mb: 12, size_sampled_at: 900 },
      // Reached through a slice: no static binding of the platform's Workers names it.
      { id: 7, d1_binding: null, schema_version: '0019_y', database_size_mb: 0, size_sampled_at: null },
    ]);
    await env.DB.prepare("UPDATE databases SET schema_version = '0021_z' WHERE d1_database_id = 'db-puffins'").run();
    expect((await mirroredColumns())[1]).toMatchObject({ schema_version: '0021_z' });
  });
});

describe('the directory and the registry that points at it', () => {
  /** Waddle 5 as provisioning registers it: its database's directory row first (id 1), then the waddle pointing at it. */
  const krill = () =>
    env.DB.batch([
      env.DB.prepare("INSERT INTO databases (role, d1_database_id, created_at, updated_at) VALUES ('waddle', 'db-krill', 40, 40)"),
      env.DB.prepare(
        "INSERT INTO waddles (id, name, display_name, owner_id, d1_database_id, primary_database_id, created_at, updated_at) VALUES (5, 'krill', 'K', 1, 'db-krill', (SELECT id FROM databases WHERE d1_database_id = 'db-krill'), 40, 40)",
      ),
    ]);

  beforeEach(async () => {
    await freshCentralDatabase();
    await env.DB.prepare("INSERT INTO users (id, username) VALUES (1, 'ada')").run();
  });

  it('refuses a waddle without its directory row, and taking the row from a waddle, leaving both tables as they were', async () => {
    await expect(
      env.DB.prepare(
        "INSERT INTO waddles (id, name, display_name, owner_id, d1_database_id) VALUES (5, 'krill', 'K', 1, 'db-krill')",
      ).run(),
    ).rejects.toThrow(/primary_database_id is required: insert the database into databases first/);
    expect(await directory()).toEqual([]);
    expect(await registry()).toEqual([]);
    await krill();
    await expect(env.DB.prepare('UPDATE waddles SET primary_database_id = NULL WHERE id = 5').run()).rejects.toThrow(
      /primary_database_id is required: a waddle keeps its primary database/,
    );
    expect(await registry()).toEqual([{ id: 5, d1_database_id: 'db-krill', primary_database_id: 1 }]);
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
    expect(await directory()).toMatchObject([{ d1_database_id: 'db-krill', slice: 'slice-0', binding: 'DB_3' }]);
    expect(await registry()).toMatchObject([{ id: 5, primary_database_id: 1 }]);
  });

  it("writes nothing to the waddle row when its database's version, size or reach changes: the directory row alone holds them", async () => {
    await krill();
    const before = await env.DB.prepare('SELECT * FROM waddles').all();
    const updates = [
      "UPDATE databases SET schema_version = '0021_z' WHERE id = 1",
      'UPDATE databases SET size_bytes = 7654321, size_measured_at = 1000 WHERE id = 1',
      "UPDATE databases SET slice = 'slice-0', binding = 'DB_0' WHERE id = 1",
    ];
    for (const update of updates) await env.DB.prepare(update).run();
    expect((await env.DB.prepare('SELECT * FROM waddles').all()).results).toEqual(before.results);
    expect(await directory()).toMatchObject([{ schema_version: '0021_z', size_bytes: 7654321, slice: 'slice-0', binding: 'DB_0' }]);
  });

  it('keeps a directory row when its waddle is deleted: the database itself is still there until the control plane deletes it', async () => {
    await krill();
    await env.DB.prepare('DELETE FROM waddles WHERE id = 5').run();
    expect((await directory()).map((d) => d.d1_database_id)).toEqual(['db-krill']);
  });

  it('refuses to forget a directory row that a waddle still points at', async () => {
    await krill();
    await expect(env.DB.prepare('DELETE FROM databases WHERE id = 1').run()).rejects.toThrow(/FOREIGN KEY constraint failed/);
  });
});

describe('0022_require_primary_database', () => {
  it('reverts cleanly (for development): a waddle inserted without a directory row gets one by its D1 id again', async () => {
    await freshCentralDatabase();
    const migrator = new Migrator({ database: env.DB, migrations: centralMigrations });
    const later = centralMigrations.length - 1 - centralMigrations.findIndex((m) => m.name === '0022_require_primary_database');
    for (let step = 0; step <= later; step++) expect((await migrator.migrateDown()).error).toBeUndefined();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO users (id, username) VALUES (1, 'ada')"),
      env.DB.prepare("INSERT INTO waddles (id, name, display_name, owner_id, d1_database_id) VALUES (5, 'krill', 'K', 1, 'db-krill')"),
    ]);
    expect(await directory()).toMatchObject([{ id: 1, d1_database_id: 'db-krill', binding: null }]);
    expect(await registry()).toEqual([{ id: 5, d1_database_id: 'db-krill', primary_database_id: 1 }]);
  });
});
