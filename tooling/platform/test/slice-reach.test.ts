import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signAccessToken } from '@waddle/auth-token/access-token';
import { DEFAULT_KEY_ID } from '@waddle/auth-token/token-keys';
import { centralMigrations } from '@waddle/central-schema/migrations';
import { testClock } from '@waddle/clock/test-clock';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { type CloudflareApi, cloudflareRequest } from '@waddle/d1/rest';
import { Migrator } from '@waddle/migrator/migrator';
import { createWaddle, type ProvisionedWaddle } from '@waddle/provisioning/create-waddle';
import { runFanOut } from '@waddle/provisioning/migrate-all';
import { remoteTarget } from '@waddle/provisioning/remote-target';
import type { SliceNamespace } from '@waddle/provisioning/slice-namespace';
import { statementOf } from '@waddle/registry/directory-kysely';
import { listAllDatabases } from '@waddle/registry/list-databases';
import { registerDatabaseQuery } from '@waddle/registry/register-database';
import { httpSliceDispatcher } from '@waddle/slice-worker/http-slice-dispatcher';
import { sliceBindingName } from '@waddle/slice-worker/slice-binding-name';
import { sliceD1Database } from '@waddle/slice-worker/slice-d1-database';
import { uploadSlice } from '@waddle/slice-worker/upload-slice';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ACCOUNT_ID, LOCAL_DISPATCH_NAMESPACE, type LocalD1Api, startLocalD1Api } from '../src/local/local-d1-api.ts';
import { openLocalDatabases } from '../src/local/local-databases.ts';
import { localSliceNamespace } from '../src/local/local-slice-namespace.ts';
import { LOCAL_CENTRAL_DATABASE_ID } from '../src/local/local-state-directory.ts';
import { REPOSITORY_ROOT } from '../src/local/repository-root.ts';
import { type RunningWorker, startWorker } from '../src/local/worker-processes.ts';
import { localTarget } from '../src/targets/local-target.ts';

/**
 * The data path through binding slices, end to end on the local platform: waddles provisioned
 * into three slices of the local API (capacity 2), the api and monitor Workers under `wrangler
 * dev` reaching them through `SLICES_DISPATCH_URL` (with the D1 REST API configured too, so a
 * REST call would be possible and counted), then reads, posts, searches, a size sample, an export
 * and an erasure through the Workers, and a migrate fan-out through the slices' jobs: the local
 * API, with Cloudflare's rate limit on, counts no REST query or batch call.
 */
const TOKEN = 'slice-reach-token';
const AUTH_SECRET = 'slice-reach-secret-at-least-thirty-two-chars';
const MONITOR_TOKEN = 'slice-reach-operator-token';
const USERS = { ada: 1, bob: 2 } as const;
const WADDLES = 5;
const CAPACITY = 2;
const LATEST = waddleMigrations.at(-1)!.name;
const clock = testClock();

let root: string;
let stateDirectory: string;
let localApi: LocalD1Api;
let cf: CloudflareApi;
let slices: SliceNamespace;
let apiWorker: RunningWorker | undefined;
let monitorWorker: RunningWorker | undefined;
let created: ProvisionedWaddle[];
const channelOf = new Map<number, number>();

/** Runs `work` on the central database through a Miniflare of the test's own (not a REST call), closed again after. */
async function withCentral<T>(work: (central: D1DatabaseLike) => Promise<T>): Promise<T> {
  const opened = await openLocalDatabases([LOCAL_CENTRAL_DATABASE_ID], stateDirectory);
  try {
    return await work(opened.get(LOCAL_CENTRAL_DATABASE_ID));
  } finally {
    await opened.dispose();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function call(who: keyof typeof USERS, method: string, path: string, body?: unknown) {
  const token = await signAccessToken({ kid: DEFAULT_KEY_ID, secret: AUTH_SECRET }, { userId: USERS[who], now: clock.now() });
  const response = await fetch(`${apiWorker!.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'waddle-slice-reach-'));
  stateDirectory = join(root, 'v3');
  await withCentral(async (central) => {
    const { error } = await new Migrator({ database: central, migrations: centralMigrations, now: clock.now }).migrateToLatest();
    if (error) throw error;
    await central.prepare("INSERT INTO users (id, username) VALUES (1, 'ada'), (2, 'bob')").run();
  });
  // Cloudflare's rate limit (1,200 calls per five minutes per token) is on: the local API's default.
  localApi = await startLocalD1Api({ stateDirectory, accountId: LOCAL_ACCOUNT_ID, apiToken: TOKEN, databaseIds: [], now: clock.now });
  cf = { baseUrl: localApi.baseUrl, accountId: LOCAL_ACCOUNT_ID, apiToken: TOKEN };
  slices = await localSliceNamespace(
    { ...cf, dispatchUrl: localApi.dispatchUrl, namespace: LOCAL_DISPATCH_NAMESPACE },
    { capacity: CAPACITY },
  );
  created = await withCentral(async (central) => {
    const target = remoteTarget(cf, LOCAL_CENTRAL_DATABASE_ID, { slices });
    const waddles: ProvisionedWaddle[] = [];
    for (let i = 0; i < WADDLES; i += 1)
      waddles.push(
        await createWaddle(
          central,
          target,
          { name: `reach-${i}`, displayName: `Reach ${i}`, ownerId: USERS.ada, isPublic: true },
          { clock: clock.now },
        ),
      );
    return waddles;
  });
  const [apiPort, monitorPort] = [await freePort(), await freePort()];
  const reach = {
    SLICES_DISPATCH_URL: localApi.dispatchUrl,
    CLOUDFLARE_API_BASE_URL: localApi.baseUrl,
    CLOUDFLARE_ACCOUNT_ID: LOCAL_ACCOUNT_ID,
    CLOUDFLARE_API_TOKEN: TOKEN,
  };
  // One after the other, as `waddle up` starts them; their logs stay in .wrangler (gitignored).
  const logFile = (app: string) => join(REPOSITORY_ROOT, '.wrangler', `slice-reach-${app}-dev.log`);
  apiWorker = await startWorker('api', apiPort, { persistTo: root, vars: { ...reach, AUTH_SECRET }, logFile: logFile('api') });
  monitorWorker = await startWorker('monitor', monitorPort, {
    persistTo: root,
    vars: { ...reach, MONITOR_TOKEN },
    logFile: logFile('monitor'),
  });
}, 300_000);

afterAll(async () => {
  await apiWorker?.stop();
  await monitorWorker?.stop();
  await localApi?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('waddles in several slices, reached by the Workers through the slices', () => {
  it('are placed two to a slice', async () => {
    expect(created.map((waddle) => waddle.slice)).toEqual(['slice-0001', 'slice-0001', 'slice-0002', 'slice-0002', 'slice-0003']);
    expect(localApi.slices()).toEqual({
      'slice-0001': [created[0]!.d1DatabaseId, created[1]!.d1DatabaseId],
      'slice-0002': [created[2]!.d1DatabaseId, created[3]!.d1DatabaseId],
      'slice-0003': [created[4]!.d1DatabaseId],
    });
  });

  it('serve joins, posts, pages and searches in every waddle through the api Worker', async () => {
    for (const [i, { waddleId }] of created.entries()) {
      const w = `/v1/waddles/${waddleId}`;
      expect((await call('bob', 'POST', `${w}/members`)).status).toBe(201);
      const channel = await call('ada', 'POST', `${w}/channels`, { name: 'general' });
      expect(channel.status).toBe(201);
      channelOf.set(waddleId, channel.body.id);
      expect((await call('ada', 'POST', `${w}/channels/${channel.body.id}/messages`, { content: `penguins of waddle ${i}` })).status).toBe(
        201,
      );
      expect((await call('bob', 'POST', `${w}/channels/${channel.body.id}/messages`, { content: `krill report ${i}` })).status).toBe(201);
      const page = await call('bob', 'GET', `${w}/channels/${channel.body.id}/messages`);
      expect(page.status).toBe(200);
      expect(page.body.messages.map((m: { content: string }) => m.content).toSorted()).toEqual([
        `krill report ${i}`,
        `penguins of waddle ${i}`,
      ]);
      const found = await call('ada', 'GET', `${w}/search?q=krill`);
      expect(found.status).toBe(200);
      expect(JSON.stringify(found.body)).toContain(`krill report ${i}`);
      expect(JSON.stringify(found.body)).not.toContain('penguins of waddle');
    }
  });

  it('are sampled by the monitor Worker through their slices', async () => {
    const response = await fetch(`${monitorWorker!.url}/api/sample`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MONITOR_TOKEN}` },
    });
    expect(response.status).toBe(200);
    // The central database and the five waddle databases.
    expect(await response.json()).toMatchObject({ measured: WADDLES + 1, failed: [] });
  });

  it("export a member's messages from every waddle, then erase them", async () => {
    let job = await call('bob', 'POST', '/v1/me/export');
    expect(job.status).toBe(202);
    for (let steps = 0; job.status === 202 && steps < 20; steps += 1)
      job = await call('bob', 'POST', `/v1/me/export/${job.body.id}/advance`);
    expect(job.status).toBe(200);
    const archive = await call('bob', 'GET', `/v1/me/export/${job.body.id}`);
    expect(archive.status).toBe(200);
    for (let i = 0; i < WADDLES; i += 1) expect(JSON.stringify(archive.body)).toContain(`krill report ${i}`);

    const erased = await call('bob', 'DELETE', '/v1/me');
    expect(erased.status).toBe(200);
    expect(erased.body.databases.every((part: { status: string }) => part.status === 'done')).toBe(true);
    for (const { waddleId } of created) {
      const page = await call('ada', 'GET', `/v1/waddles/${waddleId}/channels/${channelOf.get(waddleId)}/messages`);
      expect(page.status).toBe(200);
      expect(JSON.stringify(page.body)).not.toContain('krill report');
      expect(JSON.stringify(page.body)).toContain('penguins of waddle');
    }
  });

  it('are migrated by their slices, a message shard among them, with an empty database the directory calls migrated left alone', async () => {
    // The Workers are done: the fan-out's workerd opens the central database alone.
    await apiWorker?.stop();
    await monitorWorker?.stop();
    const bare: string[] = [];
    for (const name of ['bare-a', 'bare-b', 'bare-c'])
      bare.push((await cloudflareRequest<{ uuid: string }>(cf, 'POST', '/d1/database', { name })).uuid);
    await uploadSlice(cf, { namespace: LOCAL_DISPATCH_NAMESPACE, slice: 'slice-0004', script: slices.script, databases: bare });
    await withCentral((central) =>
      central.batch(
        bare.map((d1DatabaseId, i) =>
          statementOf(
            central,
            registerDatabaseQuery(
              // The third one's row says it is migrated: its database is empty, as if it had been replaced.
              {
                role: 'waddle',
                d1DatabaseId,
                slice: 'slice-0004',
                binding: sliceBindingName(d1DatabaseId),
                schemaVersion: i === 2 ? LATEST : null,
              },
              clock.now(),
            ),
          ),
        ),
      ),
    );
    // The second one is a sealed message shard of the first waddle: migrated through its slice like a waddle's database.
    await withCentral((central) =>
      central
        .prepare(
          "UPDATE databases SET role = 'message_shard', shard_waddle_id = ?, first_message_id = 1000, message_state = 'sealed' WHERE d1_database_id = ?",
        )
        .bind(created[0]!.waddleId, bare[1])
        .run(),
    );
    const report = await runFanOut({ target: localTarget(stateDirectory, { sliceDispatchUrl: localApi.dispatchUrl }), clock: clock.now });
    const status = new Map(report.outcomes.map((outcome) => [outcome.d1DatabaseId, outcome]));
    expect(status.get(LOCAL_CENTRAL_DATABASE_ID)?.status).toBe('up-to-date');
    for (const { d1DatabaseId } of created) expect(status.get(d1DatabaseId)).toMatchObject({ status: 'up-to-date', toVersion: LATEST });
    for (const d1DatabaseId of bare.slice(0, 2))
      expect(status.get(d1DatabaseId)).toMatchObject({
        status: 'migrated',
        fromVersion: null,
        toVersion: LATEST,
        migrations: waddleMigrations.map((m) => m.name),
      });
    expect(status.get(bare[2]!)).toMatchObject({ status: 'failed', error: expect.stringContaining('missing or was replaced') });
    const empty = sliceD1Database(httpSliceDispatcher(localApi.dispatchUrl), { slice: 'slice-0004', database: bare[2]! });
    expect(
      await empty
        .prepare("SELECT count(*) AS tables FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'")
        .first(),
    ).toEqual({ tables: 0 });
    const directory = await withCentral((central) => listAllDatabases(central));
    expect(directory.filter((row) => bare.slice(0, 2).includes(row.d1_database_id)).map((row) => row.schema_version)).toEqual([
      LATEST,
      LATEST,
    ]);
  });

  it('made no REST query or batch call, and two control-plane calls per waddle', () => {
    // Per waddle: create its database, upload its slice; then the three bare databases and their slice.
    expect(localApi.restCalls()).toEqual({ query: 0, controlPlane: 2 * WADDLES + 4, refused: 0 });
  });
});
