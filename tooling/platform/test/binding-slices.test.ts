import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testClock } from '@waddle/clock/test-clock';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { type CloudflareApi, cloudflareRequest } from '@waddle/d1/rest';
import { Migrator } from '@waddle/migrator/migrator';
import { postMessage } from '@waddle/queries/messages/post-message';
import { getMessagePage } from '@waddle/queries/pagination/message-page';
import { searchMessages } from '@waddle/queries/search/search-messages';
import { getActiveThreads } from '@waddle/queries/threads/active-threads';
import { markRead } from '@waddle/queries/unreads/mark-read';
import { getUnreadCounts } from '@waddle/queries/unreads/unread-counts';
import { openWaddleDatabase, type WaddleDatabase } from '@waddle/queries/waddle-database';
import { callSlice } from '@waddle/slice-worker/call-slice';
import { httpSliceDispatcher } from '@waddle/slice-worker/http-slice-dispatcher';
import { sliceD1Database } from '@waddle/slice-worker/slice-d1-database';
import type { SliceDispatcher } from '@waddle/slice-worker/slice-dispatcher';
import { DatabaseNotInSliceError, SliceStatementError, SliceUnavailableError } from '@waddle/slice-worker/slice-errors';
import { migrateThroughSlice, sampleThroughSlice } from '@waddle/slice-worker/slice-jobs';
import { SlicePath } from '@waddle/slice-worker/slice-protocol';
import { uploadSlice } from '@waddle/slice-worker/upload-slice';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { bundleWorker } from '../src/local/bundle-worker.ts';
import { LOCAL_ACCOUNT_ID, LOCAL_DISPATCH_NAMESPACE, type LocalD1Api, startLocalD1Api } from '../src/local/local-d1-api.ts';
import { startLocalMiniflare } from '../src/local/local-miniflare.ts';

const apiToken = 'slices-test-token';
const clock = testClock();
const LATEST = waddleMigrations.at(-1)!.name;
const SLICE_SCRIPT = join(import.meta.dirname, '../../../packages/slice-worker/src/slice-worker.ts');

let stateDirectory: string;
let directStateDirectory: string;
let api: LocalD1Api;
let cf: CloudflareApi;
let script: string;
let direct: Miniflare;
let directDb: D1DatabaseLike;
/** Four databases created through the control plane; the slice starts with the first three. */
let ids: string[];
const slices = () => httpSliceDispatcher(api.dispatchUrl);
const throughSlice = (database: string, slice = 'slice-a') => sliceD1Database(slices(), { slice, database });
const upload = (slice: string, databases: string[]) => uploadSlice(cf, { namespace: LOCAL_DISPATCH_NAMESPACE, slice, script, databases });

beforeAll(async () => {
  stateDirectory = mkdtempSync(join(tmpdir(), 'waddle-slices-'));
  directStateDirectory = mkdtempSync(join(tmpdir(), 'waddle-slices-direct-'));
  api = await startLocalD1Api({ stateDirectory, accountId: LOCAL_ACCOUNT_ID, apiToken, databaseIds: [], now: clock.now });
  cf = { baseUrl: api.baseUrl, accountId: LOCAL_ACCOUNT_ID, apiToken };
  ids = [];
  for (const name of ['w0', 'w1', 'w2', 'w3'])
    ids.push((await cloudflareRequest<{ uuid: string }>(cf, 'POST', '/d1/database', { name })).uuid);
  script = await bundleWorker(SLICE_SCRIPT);
  await upload('slice-a', ids.slice(0, 3));
  direct = await startLocalMiniflare({ DB: 'direct' }, directStateDirectory);
  directDb = (await direct.getD1Database('DB')) as unknown as D1DatabaseLike;
  const { error } = await new Migrator({ database: directDb, migrations: waddleMigrations, now: clock.now }).migrateToLatest();
  if (error) throw error;
});

afterAll(async () => {
  await api?.close();
  await direct?.dispose();
  rmSync(stateDirectory, { recursive: true, force: true });
  rmSync(directStateDirectory, { recursive: true, force: true });
});

/** Messages, a thread, reads and searches through `waddle`, answered as the query library answers them. */
async function conversation(waddle: WaddleDatabase) {
  const at = clock.now();
  await waddle.db
    .insertInto('channels')
    .values([1, 2].map((id) => ({ id, name: `channel-${id}`, created_by: 1 })))
    .execute();
  await waddle.db.insertInto('threads').values({ id: 1, channel_id: 1, title: 'penguins', created_by: 1, created_at: at }).execute();
  const posted = [];
  for (const [index, content] of ['hello penguins', 'bonjour les manchots', 'ペンギン', 'more penguins here', 'off topic'].entries())
    posted.push(
      await postMessage(waddle, {
        channelId: 1,
        threadId: index % 2 === 0 ? 1 : null,
        authorId: 1 + (index % 3),
        content,
        createdAt: at + index,
      }),
    );
  await markRead(waddle, { userId: 2, channelId: 1, messageId: posted[1]!.id, at: at + 10 });
  return {
    posted,
    page: await getMessagePage(waddle, { channelId: 1 }, { anchor: 'newest', before: 50, viewerId: 2 }),
    search: await searchMessages(waddle, { query: 'penguins', visibleChannelIds: [1, 2] }),
    threads: await getActiveThreads(waddle, { channelId: 1, now: at + 20 }),
    unreads: await getUnreadCounts(waddle, { userId: 2, channelIds: [1, 2] }),
  };
}

let expectedConversation: Awaited<ReturnType<typeof conversation>>;

/** A D1 result without what differs between two runs of the same statement (its timings). */
function comparable(result: { meta?: Record<string, unknown> } & Record<string, unknown>) {
  const { duration, timings, served_by, served_by_region, served_by_primary, ...meta } = result.meta ?? {};
  return { ...result, meta };
}

describe('a slice uploaded with three bindings', () => {
  it('is reached in production through the dispatch namespace binding itself', () => {
    // A type-level check (tsc runs it): the binding's get() is a SliceDispatcher as it is.
    expectTypeOf<DispatchNamespace>().toExtend<SliceDispatcher>();
    expectTypeOf(httpSliceDispatcher('http://127.0.0.1:8789/dispatch/waddle-slices')).toExtend<SliceDispatcher>();
  });

  it('migrates its databases with the migrate job, and a second run finds them current', async () => {
    const outcomes = await migrateThroughSlice(slices(), 'slice-a', ids.slice(0, 3));
    expect(outcomes.map((outcome) => [outcome.database, outcome.status, outcome.version])).toEqual(
      ids.slice(0, 3).map((id) => [id, 'migrated', LATEST]),
    );
    expect(outcomes[0]!.applied).toEqual(waddleMigrations.map((migration) => migration.name));
    const status = await new Migrator({ database: throughSlice(ids[1]!), migrations: waddleMigrations }).getStatus();
    expect(status.pending).toEqual([]);
    expect((await migrateThroughSlice(slices(), 'slice-a', ids.slice(0, 3))).map((outcome) => outcome.status)).toEqual([
      'current',
      'current',
      'current',
    ]);
  });

  it('serves the query library with the same answers as a direct binding, on each of its databases', async () => {
    expectedConversation = await conversation(openWaddleDatabase(directDb));
    expect(expectedConversation.page.messages).toHaveLength(5);
    expect(expectedConversation.search.hits.length).toBeGreaterThan(0);
    for (const id of ids.slice(0, 3)) expect(await conversation(openWaddleDatabase(throughSlice(id)))).toEqual(expectedConversation);
  });

  it('answers every D1 call with the binding’s result shape, parameters round-tripping exactly', async () => {
    const sql = 'SELECT ? AS i, ? AS f, ? AS s, ? AS n, ? AS b, ? AS t, typeof(?) AS blob_type';
    const params = [2 ** 53 - 1, 0.1 + 0.2, 'é😀 \u0000 x', null, new Uint8Array([0, 1, 255]), true, new Uint8Array([7]).buffer];
    const sliced = throughSlice(ids[0]!);
    const compare = async (run: (db: D1DatabaseLike) => Promise<unknown>) => {
      const [fromSlice, fromBinding] = [await run(sliced as unknown as D1DatabaseLike), await run(directDb)];
      expect(fromSlice).toEqual(fromBinding);
      return fromSlice;
    };
    const all = (await compare(async (db) =>
      comparable(
        (await db
          .prepare(sql)
          .bind(...params)
          .all()) as never,
      ),
    )) as { results: unknown[] };
    expect(all.results).toEqual([{ i: 2 ** 53 - 1, f: 0.1 + 0.2, s: 'é😀 \u0000 x', n: null, b: [0, 1, 255], t: 1, blob_type: 'blob' }]);
    await compare((db) =>
      db
        .prepare(sql)
        .bind(...params)
        .raw(),
    );
    await compare((db) => (db.prepare(sql).bind(...params) as unknown as D1PreparedStatement).raw({ columnNames: true }));
    await compare((db) =>
      db
        .prepare(sql)
        .bind(...params)
        .first(),
    );
    await compare((db) => (db.prepare(sql).bind(...params) as unknown as D1PreparedStatement).first('s'));
    await compare((db) => db.prepare('SELECT 1 AS one WHERE 0').first());
    // `all` travels as columns and rows: no row, then several, come back as the binding's objects.
    await compare(async (db) => comparable((await db.prepare('SELECT 1 AS one WHERE 0').all()) as never));
    await compare(async (db) => comparable((await db.prepare('SELECT id, name, NULL AS none FROM channels ORDER BY id').all()) as never));
    const run = (await compare(async (db) =>
      comparable((await db.prepare("UPDATE channels SET name = name || '!' WHERE id = ?").bind(1).run()) as never),
    )) as { meta: Record<string, unknown> };
    expect(run.meta).toMatchObject({ changes: 1, changed_db: true });
    expect(typeof run.meta.size_after).toBe('number');
    await compare(async (db) =>
      (
        await db.batch([
          db.prepare("INSERT INTO channels (id, name, created_by) VALUES (9, 'nine', 1)"),
          db.prepare('SELECT id, name FROM channels ORDER BY id'),
        ])
      ).map((result) => comparable(result as never)),
    );
    await compare(async (db) => {
      const { count } = await (db as unknown as D1Database).exec(
        "UPDATE channels SET name = 'x' WHERE id = 9; DELETE FROM channels WHERE id = 9",
      );
      return count;
    });
  });

  it('still reads a slice uploaded before slices answered in columns (rows as objects), until its next upload', async () => {
    // Such a slice answered `all` and `batch` with the binding's results as they were: this one
    // does so over the same database, so that a deploy of the callers never waits for every slice.
    const before: SliceDispatcher = {
      get: () => ({
        fetch: async (_input, init) => {
          const { mode, statements } = JSON.parse(String(init?.body)) as { mode: string; statements: { sql: string }[] };
          const prepared = statements.map(({ sql }) => directDb.prepare(sql));
          return Response.json({ result: mode === 'batch' ? await directDb.batch(prepared) : await prepared[0]!.all() });
        },
      }),
    };
    const oldSlice = sliceD1Database(before, { slice: 'slice-a', database: ids[0]! });
    const sql = 'SELECT id, name FROM channels ORDER BY id';
    expect((await oldSlice.prepare(sql).all()).results).toEqual((await directDb.prepare(sql).all()).results);
    const [fromOld] = await oldSlice.batch([oldSlice.prepare(sql)]);
    expect(fromOld!.results).toEqual((await directDb.prepare(sql).all()).results);
    expect(fromOld!.results.length).toBeGreaterThan(0);
  });

  it('passes D1’s errors back as D1 words them, and a failed batch leaves nothing behind', async () => {
    const duplicate = "INSERT INTO channels (id, name, created_by) VALUES (1, 'again', 1)";
    const viaBinding = await directDb
      .prepare(duplicate)
      .run()
      .catch((error: Error) => error);
    const viaSlice = await throughSlice(ids[0]!)
      .prepare(duplicate)
      .run()
      .catch((error: Error) => error);
    expect(viaSlice).toBeInstanceOf(SliceStatementError);
    expect((viaSlice as Error).message).toBe((viaBinding as Error).message);
    expect((viaSlice as Error).message).toMatch(/SQLITE_CONSTRAINT/);

    const sliced = throughSlice(ids[0]!);
    const count = async () => (await sliced.prepare('SELECT count(*) AS n FROM channels').first<{ n: number }>())!.n;
    const before = await count();
    const failed = await sliced
      .batch([sliced.prepare("INSERT INTO channels (id, name, created_by) VALUES (50, 'fifty', 1)"), sliced.prepare(duplicate)])
      .catch((error: Error) => error);
    expect((failed as Error).message).toMatch(/SQLITE_CONSTRAINT/);
    expect(await count()).toBe(before);
    await expect(sliced.prepare('SELECT * FROM no_such_table').all()).rejects.toThrow(/no such table: no_such_table/);
  });

  it('reaches only the databases it was uploaded with, and a slice that does not exist is unavailable', async () => {
    await expect(throughSlice(ids[3]!).prepare('SELECT 1').all()).rejects.toBeInstanceOf(DatabaseNotInSliceError);
    await expect(throughSlice('not-a-database').prepare('SELECT 1').all()).rejects.toBeInstanceOf(DatabaseNotInSliceError);
    const missing = await throughSlice(ids[0]!, 'slice-nope')
      .prepare('SELECT 1')
      .all()
      .catch((error: Error) => error);
    expect(missing).toBeInstanceOf(SliceUnavailableError);
    expect((missing as Error).message).toMatch(/Worker not found/);
    const [outcome] = await migrateThroughSlice(slices(), 'slice-a', [ids[3]!]);
    expect(outcome).toMatchObject({ status: 'failed', error: `database ${ids[3]} is not in this slice` });
  });

  it('refuses an upload that binds a database the account does not have, and keeps serving the slice it had', async () => {
    await expect(upload('slice-a', [...ids.slice(0, 3), '00000000-0000-0000-0000-000000000000'])).rejects.toThrow(
      /D1 REST API 400: .*not found/,
    );
    expect(api.slices()['slice-a']).toEqual(ids.slice(0, 3));
    expect((await throughSlice(ids[0]!).prepare('SELECT count(*) AS n FROM messages').first<{ n: number }>())!.n).toBe(5);
  });

  it('keeps serving its databases after a re-upload with one more binding, and serves the new one', async () => {
    await upload('slice-a', ids);
    expect(api.slices()['slice-a']).toEqual(ids);
    for (const id of ids.slice(0, 3))
      expect((await throughSlice(id).prepare('SELECT count(*) AS n FROM messages').first<{ n: number }>())!.n).toBe(5);
    const [migrated] = await migrateThroughSlice(slices(), 'slice-a', [ids[3]!]);
    expect(migrated).toMatchObject({ status: 'migrated', version: LATEST });
    // The clock has not moved: the same conversation on a fresh database answers what the direct binding answered.
    expect(await conversation(openWaddleDatabase(throughSlice(ids[3]!)))).toEqual(expectedConversation);
  });

  it('samples the size of its databases with the sample job', async () => {
    const outcomes = await sampleThroughSlice(slices(), 'slice-a', ids);
    const details = await Promise.all(
      ids.map((id) => cloudflareRequest<{ file_size: number; num_tables: number }>(cf, 'GET', `/d1/database/${id}`)),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['sampled', 'sampled', 'sampled', 'sampled']);
    expect(outcomes.map((outcome) => [outcome.sizeBytes, outcome.numTables])).toEqual(details.map((d) => [d.file_size, d.num_tables]));
    expect(outcomes[0]!.sizeBytes).toBeGreaterThan(0);
  });

  it('made no REST query or batch call on the data path: only control-plane calls', () => {
    expect(api.restCalls()).toMatchObject({ query: 0, refused: 0 });
    // 4 creations, 3 uploads (one refused with 400), 4 reads of database details.
    expect(api.restCalls().controlPlane).toBe(11);
  });
});

describe('the local API’s REST rate limit', () => {
  it('refuses call 1,201 of five minutes with 429, keeps refusing for five minutes, then admits again', async () => {
    const before = api.restCalls();
    const call = () =>
      fetch(`${api.baseUrl}/accounts/${LOCAL_ACCOUNT_ID}/d1/database/does-not-exist`, { headers: { authorization: `Bearer ${apiToken}` } });
    const admitted = 1200 - (before.query + before.controlPlane);
    for (let index = 0; index < admitted; index += 1) expect((await call()).status).toBe(404);
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('300');
    expect(await refused.json()).toMatchObject({ success: false, result: null, errors: [{ code: 971 }] });
    // Every REST call is refused, a statement included, and nothing goes through to the data.
    await expect(cloudflareRequest(cf, 'POST', `/d1/database/${ids[0]}/query`, { sql: 'SELECT 1' })).rejects.toThrow(/D1 REST API 429/);
    clock.advance(5 * 60_000 - 1);
    const stillRefused = await call();
    expect(stillRefused.status).toBe(429);
    expect(stillRefused.headers.get('retry-after')).toBe('1');
    // The slices are not the REST API: the data path keeps working through the penalty.
    expect((await throughSlice(ids[0]!).prepare('SELECT 1 AS one').first<{ one: number }>())!.one).toBe(1);
    clock.advance(1);
    expect((await call()).status).toBe(404);
    expect(api.restCalls()).toEqual({ query: before.query, controlPlane: 1201, refused: 3 });
  });
});

describe('a slice’s failures', () => {
  it('refuses an upload whose Worker fails to start, and keeps serving the version it had', async () => {
    const broken = uploadSlice(cf, {
      namespace: LOCAL_DISPATCH_NAMESPACE,
      slice: 'slice-a',
      script: "throw new Error('boom at startup'); export default {};",
      databases: ids,
    });
    await expect(broken).rejects.toThrow(/D1 REST API 400: Uncaught error at startup/);
    expect((await throughSlice(ids[0]!).prepare('SELECT count(*) AS n FROM messages').first<{ n: number }>())!.n).toBe(5);
  });

  it('stops reaching a database once it is deleted: the slice answers that it is not its own', async () => {
    const { uuid } = await cloudflareRequest<{ uuid: string }>(cf, 'POST', '/d1/database', { name: 'doomed' });
    await upload('slice-b', [uuid]);
    await throughSlice(uuid, 'slice-b').exec('CREATE TABLE t (x INTEGER)');
    await cloudflareRequest(cf, 'DELETE', `/d1/database/${uuid}`);
    expect(api.slices()['slice-b']).toEqual([]);
    await expect(throughSlice(uuid, 'slice-b').prepare('SELECT * FROM t').all()).rejects.toBeInstanceOf(DatabaseNotInSliceError);
  });

  it('refuses a parameter JSON cannot carry exactly before sending anything', () => {
    const statement = throughSlice(ids[0]!).prepare('SELECT ?');
    expect(() => statement.bind(1n)).toThrow(TypeError);
    expect(() => statement.bind(Number.NaN)).toThrow(TypeError);
    expect(() => statement.bind({ id: 1 })).toThrow(TypeError);
  });

  it('bounds a job: with no budget left it starts nothing and says so', async () => {
    const outcomes = await callSlice<{ status: string }[]>(slices(), 'slice-a', SlicePath.migrate, { databases: ids, budgetMs: 0 });
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['not_started', 'not_started', 'not_started', 'not_started']);
    await expect(migrateThroughSlice(slices(), 'slice-a', ids, { budgetMs: 0 })).rejects.toThrow(/made no progress/);
  });

  it('refuses a malformed request without running anything', async () => {
    const post = (body: unknown) =>
      slices()
        .get('slice-a')
        .fetch('https://slice/statements', { method: 'POST', body: JSON.stringify(body) });
    const first = await post({
      database: ids[0],
      mode: 'first',
      statements: [
        { sql: 'SELECT 1', params: [] },
        { sql: 'SELECT 2', params: [] },
      ],
    });
    expect(first.status).toBe(400);
    expect(await first.json()).toEqual({ error: { kind: 'bad_request', message: 'first takes exactly one statement' } });
    const blob = await post({ database: ids[0], mode: 'all', statements: [{ sql: 'SELECT ?', params: [{ blob: [256] }] }] });
    expect(blob.status).toBe(400);
    expect((await slices().get('slice-a').fetch('https://slice/nowhere')).status).toBe(404);
  });
});
