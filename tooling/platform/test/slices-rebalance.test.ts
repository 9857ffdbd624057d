import { testClock } from '@waddle/clock/test-clock';
import type { D1DatabaseLike } from '@waddle/d1/database';
import type { CloudflareApi } from '@waddle/d1/rest';
import { createWaddle } from '@waddle/provisioning/create-waddle';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import { remoteTarget } from '@waddle/provisioning/remote-target';
import type { SliceNamespace } from '@waddle/provisioning/slice-namespace';
import { postMessage } from '@waddle/queries/messages/post-message';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import { sliceBindingName } from '@waddle/slice-worker/slice-binding-name';
import { sliceD1Database } from '@waddle/slice-worker/slice-d1-database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandIo } from '../src/commands/command-io.ts';
import { slicesCommand } from '../src/commands/slices.ts';
import type { LocalD1Api } from '../src/local/local-d1-api.ts';
import { localTarget } from '../src/targets/local-target.ts';
import { type SlicePlacementPlatform, startSlicePlacementPlatform } from './slice-platform-fixture.ts';

const TOKEN = 'rebalance-token';
const OWNER = 7;
const NAMES = ['old-a', 'old-b', 'old-c', 'old-d', 'old-e'];
const clock = testClock();

let platform: SlicePlacementPlatform;
let localApi: LocalD1Api;
let api: CloudflareApi;
let slices: SliceNamespace;
let centralTarget: DatabaseTarget;
let central: D1DatabaseLike;
/** What the command opens the central database through: the test's own Miniflare (one process per local database file). */
let commandTarget: DatabaseTarget;

beforeAll(async () => {
  platform = await startSlicePlacementPlatform({ token: TOKEN, users: { [OWNER]: 'founder' }, clock: clock.now, capacity: 3 });
  ({ localApi, cf: api, slices, central } = platform);
  centralTarget = localTarget(platform.stateDirectory);
  commandTarget = { ...centralTarget, open: async () => ({ get: () => central, dispose: async () => {} }) };
  // An installation from before slices: waddles provisioned on the remote target without a namespace, served by REST only.
  const restOnly = remoteTarget(api, centralTarget.centralDatabaseId);
  for (const name of NAMES) {
    const created = await createWaddle(central, restOnly, { name, displayName: name, ownerId: OWNER }, { clock: clock.now });
    const database = openWaddleDatabase((await restOnly.open([created.d1DatabaseId])).get(created.d1DatabaseId));
    await database.db.insertInto('channels').values({ id: 1, name: 'general', created_by: OWNER }).execute();
    await postMessage(database, { channelId: 1, threadId: null, authorId: OWNER, content: `in ${name}`, createdAt: clock.now() });
  }
});

afterAll(async () => {
  await platform?.close();
});

/** A command's output, by stream. */
function capture(): CommandIo & { readonly lines: { out: string[]; err: string[]; progress: string[] } } {
  const lines = { out: [] as string[], err: [] as string[], progress: [] as string[] };
  return {
    lines,
    out: (line) => lines.out.push(line),
    err: (line) => lines.err.push(line),
    progress: (text) => lines.progress.push(text),
    isTerminal: false,
  };
}

/** Every directory row: where each database is reached, and what the rebalance must leave alone. */
async function directory() {
  const { results } = await central
    .prepare('SELECT d1_database_id, slice, binding, schema_version, size_bytes, created_at FROM databases ORDER BY id')
    .all<{ d1_database_id: string; slice: string | null; binding: string | null; schema_version: string | null }>();
  return results;
}

/** Each database's messages, read through `read`. */
async function messagesOf<Row extends { readonly d1_database_id: string }>(rows: readonly Row[], read: (row: Row) => D1DatabaseLike) {
  const contents: Record<string, unknown[]> = {};
  for (const row of rows) contents[row.d1_database_id] = (await read(row).prepare('SELECT * FROM messages ORDER BY id').all()).results;
  return contents;
}

describe('waddle slices rebalance', () => {
  it('moves every database no slice reaches into slices, resumes a run stopped between an upload and its rows, then has nothing to do', async () => {
    const before = await directory();
    expect(before.map((row) => row.slice)).toEqual([null, null, null, null, null]);
    const rest = remoteTarget(api, centralTarget.centralDatabaseId);
    const restOpened = await rest.open(before.map((row) => row.d1_database_id));
    const contents = await messagesOf(before, (row) => restOpened.get(row.d1_database_id));
    expect(Object.values(contents).map((rows) => rows.length)).toEqual([1, 1, 1, 1, 1]);

    // The first run is stopped once its second upload went through, before that chunk's rows are written.
    let uploads = 0;
    const stopped = {
      ...slices,
      api: {
        ...slices.api,
        fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
          const response = await fetch(input, init);
          if (init?.method === 'PUT' && ++uploads === 2) throw new Error('killed after the upload');
          return response;
        },
      },
    };
    const first = capture();
    expect(await slicesCommand(['rebalance', '--chunk', '2'], first, { target: commandTarget, slices: stopped, clock: clock.now })).toBe(1);
    expect(first.lines.progress).toEqual(['2/5 moved 2 databases into slice-0001\n']);
    expect(first.lines.out.at(-1)).toMatch(/^FAILED: killed after the upload/);
    expect((await directory()).map((row) => row.slice)).toEqual(['slice-0001', 'slice-0001', null, null, null]);

    const second = capture();
    expect(await slicesCommand(['rebalance', '--chunk', '2'], second, { target: commandTarget, slices, clock: clock.now })).toBe(0);
    expect(second.lines.progress).toEqual(['1/3 moved 1 databases into slice-0001\n', '3/3 moved 2 databases into slice-0002\n']);
    expect(second.lines.out.at(-1)).toMatch(/^3 of 3 databases moved into slices with 2 uploads in /);

    const after = await directory();
    const ids = before.map((row) => row.d1_database_id);
    expect(after).toEqual(
      before.map((row, index) => ({
        ...row,
        slice: index < 3 ? 'slice-0001' : 'slice-0002',
        binding: sliceBindingName(row.d1_database_id),
      })),
    );
    const sorted = (slices: Record<string, string[]>) =>
      Object.fromEntries(Object.entries(slices).map(([name, bound]) => [name, bound.toSorted()]));
    expect(sorted(localApi.slices())).toEqual(sorted({ 'slice-0001': ids.slice(0, 3), 'slice-0002': ids.slice(3) }));
    // No data changed: every database answers through its slice what it answered over REST before.
    const throughSlices = await messagesOf(after, (row) =>
      sliceD1Database(slices.dispatcher, { slice: row.slice ?? 'none', database: row.d1_database_id }),
    );
    expect(throughSlices).toEqual(contents);

    const callsBefore = localApi.restCalls();
    const third = capture();
    expect(await slicesCommand(['rebalance'], third, { target: commandTarget, slices, clock: clock.now })).toBe(0);
    expect(third.lines.out.at(-1)).toMatch(/^every database is in a slice already/);
    expect(third.lines.progress).toEqual([]);
    expect(localApi.restCalls()).toEqual(callsBefore);
    expect(await directory()).toEqual(after);
  });

  it('refuses a bad chunk size or action as usage errors (exit 2), changing nothing', async () => {
    const before = await directory();
    for (const argv of [['rebalance', '--chunk', '0'], ['rebalance', '--chunk', '251'], ['shuffle']]) {
      const io = capture();
      expect(await slicesCommand(argv, io, { target: commandTarget, slices })).toBe(2);
      expect(io.lines.err[0]).toMatch(/^waddle slices: /);
    }
    expect(await directory()).toEqual(before);
  });
});
