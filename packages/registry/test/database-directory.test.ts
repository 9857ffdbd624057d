import { env, reset } from 'cloudflare:test';
import { centralMigrations } from '@waddle/central-schema/migrations';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { explainQueryPlan, planProblems } from '@waddle/d1/query-plan';
import { Migrator } from '@waddle/migrator/migrator';
import { beforeEach, describe, expect, it } from 'vitest';
import { assignReach } from '../src/assign-reach.ts';
import { locationOf } from '../src/database-directory-row.ts';
import { statementOf } from '../src/directory-kysely.ts';
import { directoryPageQuery, listAllDatabases, listDatabases } from '../src/list-databases.ts';
import { recordDatabaseSizes } from '../src/record-database-size.ts';
import { recordSchemaVersions } from '../src/record-schema-version.ts';
import { registerDatabaseQuery } from '../src/register-database.ts';
import { createWaddleDatabaseResolver } from '../src/waddle-database-resolver.ts';

/** A stamp compared only with itself: nothing here reads the real now. */
const NOW = 5_000;

beforeEach(async () => {
  await reset();
  const { error } = await new Migrator({ database: env.DB, migrations: centralMigrations }).migrateToLatest();
  if (error) throw error;
  await env.DB.prepare("INSERT INTO users (id, username) VALUES (1, 'ada')").run();
});

/** Waddles inserted the way provisioning does: directory row first, then the waddle pointing at it. */
async function waddles(...names: string[]): Promise<void> {
  for (const name of names) {
    const central: D1DatabaseLike = env.DB;
    await central.batch([
      statementOf(central, registerDatabaseQuery({ role: 'waddle', d1DatabaseId: `db-${name}`, schemaVersion: '0001_a' }, NOW)),
      env.DB.prepare(
        'INSERT INTO waddles (name, display_name, owner_id, d1_database_id, primary_database_id) VALUES (?, ?, 1, ?, (SELECT id FROM databases WHERE d1_database_id = ?))',
      ).bind(name, name, `db-${name}`, `db-${name}`),
    ]);
  }
}

/** Sealed message shards of the first waddle (a waddle `colony` is made when there is none yet), with increasing ranges. */
async function shards(...ids: string[]): Promise<void> {
  if (!(await env.DB.prepare('SELECT 1 FROM waddles LIMIT 1').first())) await waddles('colony');
  for (const id of ids)
    await env.DB.prepare(
      `INSERT INTO databases (role, d1_database_id, shard_waddle_id, first_message_id, message_state, created_at, updated_at)
       VALUES ('message_shard', ?, (SELECT min(id) FROM waddles), (SELECT coalesce(max(first_message_id), 1) + 1 FROM databases WHERE role = 'message_shard'), 'sealed', ?, ?)`,
    )
      .bind(id, NOW, NOW)
      .run();
}

describe('listDatabases', () => {
  it('pages through every database in id order, with the waddle each is the primary of', async () => {
    await waddles('penguins', 'puffins');
    await shards('shard-1');
    await waddles('krill');
    const first = await listDatabases(env.DB, { limit: 3 });
    expect(first.databases.map((d) => [d.id, d.role, d.d1_database_id, d.waddle_name])).toEqual([
      [1, 'waddle', 'db-penguins', 'penguins'],
      [2, 'waddle', 'db-puffins', 'puffins'],
      [3, 'message_shard', 'shard-1', null],
    ]);
    expect(first.nextAfter).toBe(3);
    const second = await listDatabases(env.DB, { after: first.nextAfter!, limit: 3 });
    expect(second.databases.map((d) => d.d1_database_id)).toEqual(['db-krill']);
    expect(second.databases[0]).toMatchObject({ waddle_id: 3, schema_version: '0001_a', created_at: NOW, slice: null, binding: null });
    expect(second.nextAfter).toBeNull();
  });

  it('filters by role', async () => {
    await waddles('penguins');
    await shards('shard-1', 'shard-2');
    await waddles('puffins');
    expect((await listAllDatabases(env.DB, { role: 'waddle', pageSize: 1 })).map((d) => d.d1_database_id)).toEqual([
      'db-penguins',
      'db-puffins',
    ]);
    expect((await listAllDatabases(env.DB, { role: 'message_shard' })).map((d) => d.d1_database_id)).toEqual(['shard-1', 'shard-2']);
  });

  it('is stable while databases are added and removed during a walk: each database present throughout is seen exactly once', async () => {
    await shards('s1', 's2', 's3', 's4', 's5', 's6', 's7');
    const seen: string[] = [];
    let after: number | null = 0;
    let page = 0;
    while (after !== null) {
      const result = await listDatabases(env.DB, { role: 'message_shard', after, limit: 2 });
      seen.push(...result.databases.map((d) => d.d1_database_id));
      after = result.nextAfter;
      page += 1;
      if (page === 1) {
        // Between pages: one seen database and one not yet seen leave; two arrive.
        await env.DB.prepare("DELETE FROM databases WHERE d1_database_id IN ('s1', 's4')").run();
        await shards('s8', 's9');
      }
    }
    expect(seen).toEqual(['s1', 's2', 's3', 's5', 's6', 's7', 's8', 's9']);
    // A removed id is never handed out again, so a cursor can never land on a different database.
    await shards('s10');
    // Ids 1 (the shards' waddle `colony`) to 10 were handed out before it.
    expect((await listAllDatabases(env.DB)).at(-1)).toMatchObject({ id: 11, d1_database_id: 's10' });
  });

  it('refuses a page size outside 1 to 1,000', async () => {
    await expect(listDatabases(env.DB, { limit: 0 })).rejects.toThrow(RangeError);
    await expect(listDatabases(env.DB, { limit: 1001 })).rejects.toThrow(RangeError);
  });

  it.each([
    ['every database', {}, 'INTEGER PRIMARY KEY'],
    ['one role', { role: 'waddle' as const }, 'databases_by_role'],
  ])('plans a page of %s without a full scan or a temporary B-tree', async (_, filter, index) => {
    const plan = await explainQueryPlan(env.DB, directoryPageQuery({ ...filter, after: 10, limit: 500 }).compile());
    expect(planProblems(plan)).toEqual([]);
    const details = plan.map((step) => step.detail).join('\n');
    expect(details).toContain(index);
    expect(details).toContain('waddles_by_primary_database');
  });
});

describe('recording in the directory', () => {
  it('records schema versions in the directory rows', async () => {
    await waddles('penguins', 'puffins');
    await recordSchemaVersions(
      env.DB,
      [
        { d1DatabaseId: 'db-penguins', schemaVersion: '0002_b' },
        { d1DatabaseId: 'db-puffins', schemaVersion: '0003_c' },
      ],
      NOW + 5,
    );
    expect((await listAllDatabases(env.DB)).map((d) => [d.schema_version, d.updated_at])).toEqual([
      ['0002_b', NOW + 5],
      ['0003_c', NOW + 5],
    ]);
  });

  it('records the sizes of more databases than fit in one statement', async () => {
    const ids = Array.from({ length: 70 }, (_, i) => `s${i}`);
    await shards(...ids);
    await recordDatabaseSizes(
      env.DB,
      ids.map((d1DatabaseId, i) => ({ d1DatabaseId, sizeBytes: 1000 * i })),
      NOW + 9,
    );
    const all = await listAllDatabases(env.DB, { role: 'message_shard' });
    expect(all.map((d) => d.size_bytes)).toEqual(ids.map((_, i) => 1000 * i));
    expect(new Set(all.map((d) => d.size_measured_at))).toEqual(new Set([NOW + 9]));
  });

  it("assigns a database's reach, and a slice without a binding is refused", async () => {
    await waddles('penguins');
    expect(await assignReach(env.DB, 'db-penguins', { slice: 'slice-0001', binding: 'DB_7' }, NOW + 1)).toBe(true);
    expect(await assignReach(env.DB, 'db-nowhere', { slice: 'slice-0001', binding: 'DB_8' }, NOW + 1)).toBe(false);
    await expect(assignReach(env.DB, 'db-penguins', { slice: 'slice-0001', binding: null }, NOW + 2)).rejects.toThrow(
      /CHECK constraint failed/,
    );
    const [row] = await listAllDatabases(env.DB);
    expect(row).toMatchObject({ slice: 'slice-0001', binding: 'DB_7', updated_at: NOW + 1 });
    // A slice's binding is not a binding of the caller's own Worker.
    expect(locationOf(row!)).toEqual({ d1DatabaseId: 'db-penguins', d1Binding: null, slice: 'slice-0001' });
    expect(locationOf({ ...row!, slice: null, binding: 'WADDLE_PENGUINS' })).toEqual({
      d1DatabaseId: 'db-penguins',
      d1Binding: 'WADDLE_PENGUINS',
      slice: null,
    });
  });
});

describe('createWaddleDatabaseResolver', () => {
  it("finds a waddle's database through its directory row", async () => {
    await waddles('penguins');
    await assignReach(env.DB, 'db-penguins', { slice: null, binding: 'WADDLE_PENGUINS' }, NOW);
    const asked: unknown[] = [];
    const resolver = createWaddleDatabaseResolver(env.DB, [
      (location) => {
        asked.push(location);
        return env.DB;
      },
    ]);
    expect(await resolver.resolve(1)).toBe(env.DB);
    expect(asked).toEqual([{ d1DatabaseId: 'db-penguins', d1Binding: 'WADDLE_PENGUINS', slice: null }]);
  });
});
