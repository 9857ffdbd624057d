import { existsSync } from 'node:fs';
import { restD1Database } from '@waddle/d1/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalD1Api, startLocalD1Api } from '../src/local/local-d1-api.ts';
import { localDatabaseFile } from '../src/local/local-database-file.ts';
import { openLocalDatabases } from '../src/local/local-databases.ts';
import { temporaryStateDirectory } from './registry-fixture.ts';

const ACCOUNT = 'acc-local-test';
const TOKEN = 'secret-token';
const stateDirectory = temporaryStateDirectory();
let api: LocalD1Api;

beforeAll(async () => {
  api = await startLocalD1Api({ stateDirectory, accountId: ACCOUNT, apiToken: TOKEN, databaseIds: ['db-one'] });
});
afterAll(() => api.close());

/** A raw request to the API, answered as status and parsed JSON body. */
async function call(method: string, path: string, body?: string, token = TOKEN) {
  const response = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { success: boolean; errors: { code: number; message: string }[]; messages: unknown[]; result: any },
  };
}
const query = (databaseId: string, body: unknown) =>
  call('POST', `/accounts/${ACCOUNT}/d1/database/${databaseId}/query`, JSON.stringify(body));
/** A failed answer as the API gives it: the status, and one error with its code. */
const failure = (status: number, code: number) => ({
  status,
  body: { success: false, result: null, messages: [], errors: [{ code, message: expect.any(String) }] },
});

describe('the local D1 REST API', () => {
  it("answers a query in the documented envelope, with D1's own meta", async () => {
    expect((await query('db-one', { sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT' })).status).toBe(200);
    const inserted = await query('db-one', { sql: 'INSERT INTO notes (body) VALUES (?), (?) RETURNING id', params: ['a', 'b'] });
    expect(inserted.status).toBe(200);
    expect(inserted.body).toMatchObject({
      success: true,
      errors: [],
      messages: [],
      result: [{ success: true, results: [{ id: 1 }, { id: 2 }], meta: { changes: 2, last_row_id: 2 } }],
    });
    const { meta } = inserted.body.result[0];
    expect(meta.size_after).toBeGreaterThan(0);
    expect(meta.size_after % 4096).toBe(0);
    expect(meta).toHaveProperty('rows_written');
    expect(meta).toHaveProperty('duration');

    const selected = await query('db-one', { sql: 'SELECT id, body FROM notes WHERE id > ? ORDER BY id', params: [0] });
    expect(selected.body.result).toHaveLength(1);
    expect(selected.body.result[0].results).toEqual([
      { id: 1, body: 'a' },
      { id: 2, body: 'b' },
    ]);
  });

  it("answers raw with the rows as arrays in column order, as the REST client's raw() reads them", async () => {
    await query('db-one', { sql: 'CREATE TABLE pairs ("2" TEXT, "1" TEXT, name TEXT)' });
    await query('db-one', { sql: "INSERT INTO pairs VALUES ('two', 'one', 'n')" });
    const raw = await call(
      'POST',
      `/accounts/${ACCOUNT}/d1/database/db-one/raw`,
      JSON.stringify({ sql: 'SELECT "2", "1", name FROM pairs WHERE name = ?', params: ['n'] }),
    );
    expect(raw.body).toMatchObject({
      success: true,
      result: [{ success: true, results: { columns: ['2', '1', 'name'], rows: [['two', 'one', 'n']] } }],
    });
    const db = restD1Database({ baseUrl: api.baseUrl, accountId: ACCOUNT, apiToken: TOKEN }, 'db-one');
    expect(await db.prepare('SELECT "2", "1", name FROM pairs WHERE name = ?').bind('n').raw()).toEqual([['two', 'one', 'n']]);
    expect(
      (
        await call(
          'POST',
          `/accounts/${ACCOUNT}/d1/database/db-one/raw`,
          JSON.stringify({ batch: [{ sql: 'SELECT 1' }, { sql: 'SELECT 2' }] }),
        )
      ).status,
    ).toBe(400);
  });

  it('runs a batch atomically: one failing statement leaves nothing of the others', async () => {
    await query('db-one', { sql: 'CREATE TABLE ledger (amount INTEGER NOT NULL)' });
    const failed = await query('db-one', {
      batch: [
        { sql: 'INSERT INTO ledger VALUES (?)', params: [10] },
        { sql: 'INSERT INTO ledger VALUES (?)', params: [20] },
        { sql: 'INSERT INTO ledger VALUES (NULL)' },
      ],
    });
    expect(failed.status).toBe(400);
    expect(failed.body).toMatchObject({
      success: false,
      result: null,
      errors: [{ code: 7500, message: expect.stringContaining('NOT NULL constraint failed') }],
    });
    expect((await query('db-one', { sql: 'SELECT count(*) AS n FROM ledger' })).body.result[0].results).toEqual([{ n: 0 }]);

    const applied = await query('db-one', {
      batch: [{ sql: 'INSERT INTO ledger VALUES (?)', params: [10] }, { sql: 'SELECT sum(amount) AS total FROM ledger' }],
    });
    expect(applied.body.result.map((r: { results: unknown[] }) => r.results)).toEqual([[], [{ total: 10 }]]);
  });

  it('creates a database that can be queried at once, and describes it', async () => {
    const created = await call('POST', `/accounts/${ACCOUNT}/d1/database`, JSON.stringify({ name: 'waddle-fresh' }));
    expect(created.status).toBe(200);
    const { uuid } = created.body.result;
    expect(created.body.result).toMatchObject({
      name: 'waddle-fresh',
      version: 'production',
      num_tables: 0,
      created_at: expect.any(String),
    });
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(api.databaseIds()).toContain(uuid);

    const db = restD1Database({ baseUrl: api.baseUrl, accountId: ACCOUNT, apiToken: TOKEN }, uuid);
    await db.batch([
      db.prepare('CREATE TABLE a (x)'),
      db.prepare('CREATE TABLE b (y)'),
      db.prepare('INSERT INTO a VALUES (?)').bind('kept'),
    ]);
    expect(await db.prepare('SELECT x FROM a').first()).toEqual({ x: 'kept' });
    const described = await call('GET', `/accounts/${ACCOUNT}/d1/database/${uuid}`);
    expect(described.body.result).toMatchObject({ uuid, name: 'waddle-fresh', num_tables: 2 });
    expect(described.body.result.file_size).toBeGreaterThan(0);

    // The database is a real local D1 database under the state directory.
    await api.close();
    const local = await openLocalDatabases([uuid], stateDirectory);
    try {
      expect(await local.get(uuid).prepare('SELECT x FROM a').first()).toEqual({ x: 'kept' });
    } finally {
      await local.dispose();
      api = await startLocalD1Api({ stateDirectory, accountId: ACCOUNT, apiToken: TOKEN, databaseIds: ['db-one'] });
    }
  });

  it('creates a database without a restart, then loses no request while its first statement restarts workerd to bind it', async () => {
    await query('db-one', { sql: 'CREATE TABLE hits (n INTEGER NOT NULL)' });
    const created = await Promise.all(
      ['first', 'second'].map((name) => call('POST', `/accounts/${ACCOUNT}/d1/database`, JSON.stringify({ name }))),
    );
    const ids = created.map((a) => a.body.result.uuid as string);
    expect(new Set(ids).size).toBe(2);
    const writes = Array.from({ length: 60 }, (_, n) => query('db-one', { sql: 'INSERT INTO hits VALUES (?)', params: [n] }));
    const firsts = ids.map((id) => query(id, { sql: 'SELECT 1 AS one' }));
    const answers = await Promise.all([...writes, ...firsts]);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(answers.slice(60).map((a) => a.body.result[0].results)).toEqual([[{ one: 1 }], [{ one: 1 }]]);
    expect((await query('db-one', { sql: 'SELECT count(*) AS n, count(DISTINCT n) AS d FROM hits' })).body.result[0].results).toEqual([
      { n: 60, d: 60 },
    ]);
  });

  it('lists the databases it serves', async () => {
    const listed = await call('GET', `/accounts/${ACCOUNT}/d1/database`);
    expect(listed.status).toBe(200);
    expect(listed.body.result.map((database: { uuid: string }) => database.uuid).toSorted()).toEqual(api.databaseIds().toSorted());
    expect((listed.body as { result_info?: unknown }).result_info).toMatchObject({ page: 1, count: api.databaseIds().length });
    expect(listed.body.result.find((database: { name: string }) => database.name === 'first')).toMatchObject({
      version: 'production',
      created_at: expect.any(String),
    });
  });

  it('deletes a database: no longer served, its files gone, the others still answering from their own', async () => {
    const create = async (name: string) =>
      (await call('POST', `/accounts/${ACCOUNT}/d1/database`, JSON.stringify({ name }))).body.result.uuid as string;
    const tables = async (id: string) =>
      (await query(id, { sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'" })).body
        .result[0].results;
    const doomed = await create('doomed');
    const survivor = await create('survivor');
    await query(doomed, { sql: 'CREATE TABLE doomed (x)' });
    await query(survivor, { sql: 'CREATE TABLE survivor (x)' });
    expect(existsSync(localDatabaseFile(stateDirectory, doomed))).toBe(true);

    const path = `/accounts/${ACCOUNT}/d1/database/${doomed}`;
    expect(await call('DELETE', path)).toEqual({ status: 200, body: { success: true, errors: [], messages: [], result: null } });
    expect(api.databaseIds()).not.toContain(doomed);
    expect(await call('GET', path)).toEqual(failure(404, 7404));
    expect(await query(doomed, { sql: 'SELECT 1' })).toEqual(failure(404, 7404));
    expect(await call('DELETE', path)).toEqual(failure(404, 7404));
    expect(['', '-wal', '-shm'].filter((suffix) => existsSync(`${localDatabaseFile(stateDirectory, doomed)}${suffix}`))).toEqual([]);

    // A database created after the deletion gets a binding of its own, not the survivor's.
    const newcomer = await create('newcomer');
    await query(newcomer, { sql: 'CREATE TABLE newcomer (x)' });
    expect(await tables(survivor)).toEqual([{ name: 'survivor' }]);
    expect(await tables(newcomer)).toEqual([{ name: 'newcomer' }]);
  });

  it('answers errors as the real API does: 401, 404, 400, each with success false and errors', async () => {
    expect(await call('POST', `/accounts/${ACCOUNT}/d1/database/db-one/query`, '{"sql":"SELECT 1"}', 'wrong-token')).toEqual(
      failure(401, 10000),
    );
    expect(await call('POST', '/accounts/someone-else/d1/database/db-one/query', '{"sql":"SELECT 1"}')).toEqual(failure(404, 7003));
    expect(await query('no-such-db', { sql: 'SELECT 1' })).toEqual(failure(404, 7404));
    expect(await call('GET', `/accounts/${ACCOUNT}/d1/database/no-such-db`)).toEqual(failure(404, 7404));
    expect(await call('DELETE', `/accounts/${ACCOUNT}/d1/database/no-such-db`)).toEqual(failure(404, 7404));
    expect(await call('DELETE', `/accounts/${ACCOUNT}/d1/database/db-one`, undefined, 'wrong-token')).toEqual(failure(401, 10000));
    expect(await call('DELETE', `/accounts/${ACCOUNT}/d1/database/db-one/query`)).toEqual(failure(404, 7003));
    expect(await call('POST', `/accounts/${ACCOUNT}/d1/database/db-one/query`, '{"sql": "SELECT 1",')).toEqual(failure(400, 7400));
    expect(await call('POST', `/accounts/${ACCOUNT}/d1/database`, '{"name": ')).toEqual(failure(400, 7400));
    expect(await query('db-one', { batch: [] })).toEqual(failure(400, 7400));
    const missingTable = await query('db-one', { sql: 'SELECT * FROM nowhere' });
    expect(missingTable).toEqual(failure(400, 7500));
    expect(missingTable.body.errors[0]!.message).toMatch(/^no such table: nowhere/);
  });
});
