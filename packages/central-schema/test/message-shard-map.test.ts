import { env } from 'cloudflare:test';
import { Migrator } from '@waddle/migrator/migrator';
import { beforeEach, describe, expect, it } from 'vitest';
import { centralMigrations } from '../src/migrations/index.ts';
import { freshCentralDatabase } from './migrated-database.ts';

const run = (statement: string) => env.DB.prepare(statement).run();
const shardRow = (d1: string, waddle: number | null, first: number | null, state: string | null, role = 'message_shard') =>
  `INSERT INTO databases (role, d1_database_id, shard_waddle_id, first_message_id, message_state, created_at, updated_at)
   VALUES ('${role}', '${d1}', ${waddle ?? 'NULL'}, ${first ?? 'NULL'}, ${state === null ? 'NULL' : `'${state}'`}, 1, 1)`;

beforeEach(async () => {
  await freshCentralDatabase();
  await env.DB.batch([
    env.DB.prepare("INSERT INTO users (id, username) VALUES (1, 'ada')"),
    env.DB.prepare(
      "INSERT INTO databases (role, d1_database_id, created_at, updated_at) VALUES ('waddle', 'db-penguins', 1, 1), ('waddle', 'db-puffins', 1, 1)",
    ),
    env.DB.prepare(
      "INSERT INTO waddles (id, name, display_name, owner_id, d1_database_id, primary_database_id) VALUES (1, 'penguins', 'P', 1, 'db-penguins', 1), (2, 'puffins', 'F', 1, 'db-puffins', 2)",
    ),
  ]);
});

describe('the shard map (0019_add_message_shard_map)', () => {
  it('takes a waddle growing through shards: the primary sealed, one shard active, the next opening above every id', async () => {
    await run("UPDATE databases SET message_state = 'sealed' WHERE d1_database_id = 'db-penguins'");
    await run(shardRow('db-penguins-2', 1, 1_000_001, 'sealed'));
    await run(shardRow('db-penguins-3', 1, 2_000_001, 'active'));
    await run(shardRow('db-penguins-4', 1, Number.MAX_SAFE_INTEGER, 'opening'));
    const { results } = await env.DB.prepare(
      'SELECT d1_database_id, first_message_id, message_state FROM databases WHERE shard_waddle_id = 1 ORDER BY first_message_id',
    ).all();
    expect(results).toEqual([
      { d1_database_id: 'db-penguins-2', first_message_id: 1_000_001, message_state: 'sealed' },
      { d1_database_id: 'db-penguins-3', first_message_id: 2_000_001, message_state: 'active' },
      { d1_database_id: 'db-penguins-4', first_message_id: Number.MAX_SAFE_INTEGER, message_state: 'opening' },
    ]);
  });

  it.each([
    ['a shard without its waddle', shardRow('db-x', null, 10, 'active'), /CHECK constraint failed/],
    ['a shard without its range', shardRow('db-x', 1, null, 'active'), /CHECK constraint failed/],
    ['a shard without its state', shardRow('db-x', 1, 10, null), /CHECK constraint failed/],
    ['a shard in an unknown state', shardRow('db-x', 1, 10, 'frozen'), /CHECK constraint failed/],
    ['a shard starting at id 1 (the primary’s range)', shardRow('db-x', 1, 1, 'active'), /CHECK constraint failed/],
    ['a shard starting past the safe integers', shardRow('db-x', 1, 2 ** 53, 'active'), /CHECK constraint failed/],
    ['a shard of an unknown waddle', shardRow('db-x', 99, 10, 'active'), /FOREIGN KEY constraint failed/],
    ['a primary with a shard’s columns', shardRow('db-x', 1, 10, 'sealed', 'waddle'), /CHECK constraint failed/],
    ['a primary that is active or opening', shardRow('db-x', null, null, 'active', 'waddle'), /CHECK constraint failed/],
  ])('refuses %s', async (_, statement, error) => {
    await expect(run(statement)).rejects.toThrow(error);
  });

  it('lets a waddle have one active shard and one shard per first id, however many other waddles have', async () => {
    await run(shardRow('db-penguins-2', 1, 100, 'active'));
    await run(shardRow('db-puffins-2', 2, 100, 'active'));
    await expect(run(shardRow('db-penguins-3', 1, 200, 'active'))).rejects.toThrow(/UNIQUE constraint failed/);
    await expect(run(shardRow('db-penguins-3', 1, 100, 'opening'))).rejects.toThrow(/UNIQUE constraint failed/);
  });

  it('finds the shard of a message id with one probe of its index', async () => {
    const lookup = `SELECT d1_database_id FROM databases WHERE shard_waddle_id = ? AND first_message_id <= ? ORDER BY first_message_id DESC LIMIT 1`;
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${lookup}`).bind(1, 150).all<{ detail: string }>();
    expect(plan.results.map((row) => row.detail)).toEqual([
      'SEARCH databases USING INDEX databases_message_shards (shard_waddle_id=? AND first_message_id<?)',
    ]);
    await run(shardRow('db-penguins-2', 1, 100, 'sealed'));
    await run(shardRow('db-penguins-3', 1, 200, 'active'));
    const shardOf = async (id: number) => (await env.DB.prepare(lookup).bind(1, id).first<{ d1_database_id: string }>())?.d1_database_id;
    expect([await shardOf(99), await shardOf(100), await shardOf(199), await shardOf(200), await shardOf(10 ** 9)]).toEqual([
      undefined,
      'db-penguins-2',
      'db-penguins-2',
      'db-penguins-3',
      'db-penguins-3',
    ]);
  });

  it('reverts cleanly (for development)', async () => {
    await run(shardRow('db-penguins-2', 1, 100, 'active'));
    await run("DELETE FROM databases WHERE role = 'message_shard'");
    // Down through every later migration, then 0019 itself.
    const migrator = new Migrator({ database: env.DB, migrations: centralMigrations });
    const later = centralMigrations.length - centralMigrations.findIndex((m) => m.name === '0019_add_message_shard_map');
    for (let step = 0; step < later; step++) expect((await migrator.migrateDown()).error).toBeUndefined();
    const columns = await env.DB.prepare(
      "SELECT name FROM pragma_table_info('databases') WHERE name IN ('shard_waddle_id', 'first_message_id', 'message_state')",
    ).all();
    expect(columns.results).toEqual([]);
  });
});
