import { existsSync } from 'node:fs';
import { testClock } from '@waddle/clock/test-clock';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { type CloudflareApi, cloudflareRequest, D1RestError } from '@waddle/d1/rest';
import { createWaddle, type ProvisionedWaddle, WaddleProvisioningError } from '@waddle/provisioning/create-waddle';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import type { SliceNamespace } from '@waddle/provisioning/slice-namespace';
import { postMessage } from '@waddle/queries/messages/post-message';
import { getMessagePage } from '@waddle/queries/pagination/message-page';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import { sliceBindingName } from '@waddle/slice-worker/slice-binding-name';
import { sliceD1Database } from '@waddle/slice-worker/slice-d1-database';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDatabaseFile } from '../src/local/local-database-file.ts';
import type { LocalD1Api } from '../src/local/local-d1-api.ts';
import { type SlicePlacementPlatform, startSlicePlacementPlatform } from './slice-platform-fixture.ts';

const TOKEN = 'placement-token';
const OWNER = 7;
/** A slice holds 3 databases here, so that filling one takes three waddles, not 250. */
const CAPACITY = 3;
const LATEST = waddleMigrations.at(-1)?.name ?? null;
const clock = testClock();

let platform: SlicePlacementPlatform;
/** The local API serves the waddle databases only (and those it creates), with Cloudflare's rate limit on (its default). */
let localApi: LocalD1Api;
let api: CloudflareApi;
let slices: SliceNamespace;
/** The remote target through the local API, placing into its dispatch namespace. */
let target: DatabaseTarget;
/** The central database, through a Miniflare of the test's own: not a REST call. */
let central: D1DatabaseLike;

beforeAll(async () => {
  platform = await startSlicePlacementPlatform({ token: TOKEN, users: { [OWNER]: 'founder' }, clock: clock.now, capacity: CAPACITY });
  ({ localApi, cf: api, slices, target, central } = platform);
});

afterAll(async () => {
  await platform?.close();
});

const provision = (name: string, on: DatabaseTarget = target) =>
  createWaddle(central, on, { name, displayName: name, ownerId: OWNER }, { clock: clock.now });

/** Each waddle's directory row: where the data path reaches its database. */
async function directory() {
  const { results } = await central
    .prepare(
      'SELECT w.name, d.d1_database_id, d.slice, d.binding, d.schema_version FROM waddles w JOIN databases d ON d.id = w.primary_database_id ORDER BY w.id',
    )
    .all<{ name: string; d1_database_id: string; slice: string | null; binding: string | null; schema_version: string | null }>();
  return results;
}

/** Each slice's databases, sorted (a slice binds them in binding-name order, the directory lists them by waddle). */
const sortedSlices = (slices: Record<string, string[]>) =>
  Object.fromEntries(Object.entries(slices).map(([slice, ids]) => [slice, ids.toSorted()]));

/** What the directory places in each slice, as `api.slices()` reports the namespace (sorted). */
async function slicesByDirectory(): Promise<Record<string, string[]>> {
  const bySlice: Record<string, string[]> = {};
  for (const row of await directory()) if (row.slice) (bySlice[row.slice] ??= []).push(row.d1_database_id);
  return sortedSlices(bySlice);
}

/** Posts a message in a waddle's database through its slice and reads the channel's page back: the data path, no REST. */
async function servesThroughSlice(waddle: { slice: string | null; d1DatabaseId: string }, content: string): Promise<string[]> {
  if (!waddle.slice) throw new Error(`${waddle.d1DatabaseId} is in no slice`);
  const database = openWaddleDatabase(sliceD1Database(slices.dispatcher, { slice: waddle.slice, database: waddle.d1DatabaseId }));
  await database.db
    .insertInto('channels')
    .values({ id: 1, name: 'general', created_by: OWNER })
    .onConflict((c) => c.doNothing())
    .execute();
  await postMessage(database, { channelId: 1, threadId: null, authorId: OWNER, content, createdAt: clock.now() });
  const page = await getMessagePage(database, { channelId: 1 }, { anchor: 'newest', before: 50, viewerId: OWNER });
  return page.messages.map((message) => message.content ?? '');
}

/** Whether the API still serves the database, and whether its file is still there. */
const existence = async (databaseId: string) => ({
  served: await cloudflareRequest(api, 'GET', `/d1/database/${databaseId}`).then(
    () => true,
    (error: unknown) => (error instanceof D1RestError && error.status === 404 ? false : Promise.reject(error)),
  ),
  files: existsSync(localDatabaseFile(platform.stateDirectory, databaseId)),
});

/** The target, recording the databases it creates; each creation waits until `count` were asked for (racing provisionings). */
function recordingTarget(base: DatabaseTarget, count = 1): DatabaseTarget & { readonly created: string[] } {
  const created: string[] = [];
  let arrived = 0;
  let release = () => {};
  const allArrived = new Promise<void>((resolve) => (release = resolve));
  return {
    ...base,
    created,
    createDatabase: async (name) => {
      arrived += 1;
      if (arrived >= count) release();
      await allArrived;
      const id = await base.createDatabase(name);
      created.push(id);
      return id;
    },
  };
}

describe('provisioning into binding slices (local API with its rate limit on, real workerd)', () => {
  const provisioned: ProvisionedWaddle[] = [];

  it('fills a slice to its capacity, then opens the next one; both keep serving', async () => {
    for (const name of ['alpha', 'bravo', 'charlie', 'delta']) provisioned.push(await provision(name));
    expect(provisioned.map((waddle) => waddle.slice)).toEqual(['slice-0001', 'slice-0001', 'slice-0001', 'slice-0002']);
    expect(provisioned.map((waddle) => waddle.schemaVersion)).toEqual([LATEST, LATEST, LATEST, LATEST]);
    const ids = provisioned.map((waddle) => waddle.d1DatabaseId);
    expect(sortedSlices(localApi.slices())).toEqual(sortedSlices({ 'slice-0001': ids.slice(0, 3), 'slice-0002': ids.slice(3) }));
    expect(await slicesByDirectory()).toEqual(sortedSlices(localApi.slices()));
    expect(await directory()).toEqual(
      provisioned.map((waddle, index) => ({
        name: ['alpha', 'bravo', 'charlie', 'delta'][index],
        d1_database_id: waddle.d1DatabaseId,
        slice: waddle.slice,
        binding: sliceBindingName(waddle.d1DatabaseId),
        schema_version: LATEST,
      })),
    );
    // The full slice's databases and the new slice's are all served, each its own data.
    for (const [index, waddle] of provisioned.entries())
      expect(await servesThroughSlice(waddle, `hello ${index}`)).toEqual([`hello ${index}`]);
    expect(localApi.restCalls()).toMatchObject({ query: 0, refused: 0 });
  });

  it('two provisionings at once into one slice: the lease serializes the uploads and both end up bound', async () => {
    const racing = recordingTarget(target, 2);
    const [echo, foxtrot] = await Promise.all([provision('echo', racing), provision('foxtrot', racing)]);
    expect([echo?.slice, foxtrot?.slice]).toEqual(['slice-0002', 'slice-0002']);
    expect(racing.created).toHaveLength(2);
    const bound = localApi.slices()['slice-0002'] ?? [];
    expect(bound.toSorted()).toEqual([provisioned[3]?.d1DatabaseId, ...racing.created].toSorted());
    expect(await slicesByDirectory()).toEqual(sortedSlices(localApi.slices()));
    for (const waddle of [provisioned[3], echo, foxtrot])
      if (waddle) expect(await servesThroughSlice(waddle, 'still here')).toContain('still here');
    // The lease is given back: nothing holds slice-0002 now.
    expect(await central.prepare("SELECT count(*) AS n FROM migration_leases WHERE name LIKE 'slice:%'").first()).toEqual({ n: 0 });
  });

  it('a slice that refuses its upload (its Worker fails to start): the waddle is unregistered, its database deleted, the slice keeps serving', async () => {
    const golf = await provision('golf');
    expect(golf.slice).toBe('slice-0003');
    const before = { slices: localApi.slices(), directory: await directory() };
    const broken = recordingTarget({ ...target, slices: { ...slices, script: "throw new Error('no start'); export default {};" } });
    const failure = await provision('hotel', broken).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WaddleProvisioningError);
    expect(failure).toMatchObject({ reason: 'slice-failed', message: expect.stringContaining('Uncaught error at startup') });
    expect(broken.created).toHaveLength(1);
    const doomed = broken.created[0] ?? '';
    expect(await existence(doomed)).toEqual({ served: false, files: false });
    expect(await directory()).toEqual(before.directory);
    expect(await central.prepare("SELECT count(*) AS n FROM waddles WHERE name = 'hotel'").first()).toEqual({ n: 0 });
    expect(sortedSlices(localApi.slices())).toEqual(sortedSlices(before.slices));
    expect(await servesThroughSlice(golf, 'after the failed upload')).toEqual(['after the failed upload']);
  });

  it('a database that fails to migrate through its slice: unregistered, deleted, and its binding taken out of the slice again', async () => {
    const before = { slices: localApi.slices(), directory: await directory() };
    // Every database it creates already holds a `categories` table, on which the first waddle migration fails.
    const created: string[] = [];
    const occupied: DatabaseTarget = {
      ...target,
      createDatabase: async (name) => {
        const id = await target.createDatabase(name);
        created.push(id);
        const fresh = await target.open([id]);
        await fresh.get(id).prepare('CREATE TABLE categories (id INTEGER PRIMARY KEY)').run();
        await fresh.dispose();
        return id;
      },
    };
    await expect(provision('india', occupied)).rejects.toMatchObject({ reason: 'migration-failed' });
    expect(await existence(created[0] ?? '')).toEqual({ served: false, files: false });
    expect(await directory()).toEqual(before.directory);
    expect(sortedSlices(localApi.slices())).toEqual(sortedSlices(before.slices));
  });

  it('provisioning costs two control-plane REST calls per waddle (create the database, upload its slice) and no REST query', async () => {
    const before = localApi.restCalls();
    const names = ['juliet', 'kilo', 'lima', 'mike', 'november'];
    const created = [];
    for (const name of names) created.push(await provision(name));
    const after = localApi.restCalls();
    expect({
      controlPlane: after.controlPlane - before.controlPlane,
      query: after.query - before.query,
      refused: after.refused - before.refused,
    }).toEqual({ controlPlane: 2 * names.length, query: 0, refused: 0 });
    expect(created.map((waddle) => waddle.slice)).toEqual(['slice-0003', 'slice-0003', 'slice-0004', 'slice-0004', 'slice-0004']);
    expect(await slicesByDirectory()).toEqual(sortedSlices(localApi.slices()));
  });
});
