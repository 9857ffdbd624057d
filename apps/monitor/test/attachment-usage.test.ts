import { env, exports } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { runAttachmentUsageTick } from '../src/attachments/attachment-usage-tick.ts';
import { openCentralDatabase } from '../src/central/central-database.ts';
import { runSamplingTick } from '../src/sampling/sampling-tick.ts';
import { configWith, freshPlatform, registerWaddle, testDependencies } from './monitored-platform.ts';

const bearer = { headers: { authorization: 'Bearer test-operator-token' } };

/** Stores `count` objects of `size` bytes under a waddle's prefix in the attachment bucket. */
async function store(waddleId: number, count: number, size: number): Promise<void> {
  for (let i = 0; i < count; i++) await env.ATTACHMENTS.put(`waddles/${waddleId}/users/9/file-${i}`, 'x'.repeat(size));
}

async function usage(): Promise<unknown[]> {
  return (await env.CENTRAL_DB.prepare('SELECT waddle_id, bytes, objects FROM attachment_usage ORDER BY waddle_id').all()).results;
}

let waddles: { penguins: number; puffins: number; krill: number };
beforeEach(async () => {
  const central = await freshPlatform();
  waddles = {
    penguins: await registerWaddle(central, 'penguins', 'test-penguins', 'WADDLE_PENGUINS'),
    puffins: await registerWaddle(central, 'puffins', 'test-puffins', 'WADDLE_PUFFINS'),
    krill: await registerWaddle(central, 'krill', 'test-krill', 'WADDLE_KRILL'),
  };
  await store(waddles.penguins, 3, 100);
  await store(waddles.puffins, 1, 7);
  // A prefix that only starts like penguins' (waddle 11 for waddle 1) is not theirs.
  await env.ATTACHMENTS.put(`waddles/${waddles.penguins}1/users/9/other`, 'y'.repeat(50));
});

describe("the monitor's count of attachment bytes", () => {
  it('counts each waddle’s objects in the bucket apart from its database, shown by the API and the sampling tick', async () => {
    const { dependencies, clock } = testDependencies();
    const central = openCentralDatabase(env.CENTRAL_DB);
    const report = await runAttachmentUsageTick(central, env.ATTACHMENTS, { now: clock.now(), maxListCalls: 10 });
    expect(report).toEqual({
      counted: [
        { waddleId: waddles.penguins, bytes: 300, objects: 3 },
        { waddleId: waddles.puffins, bytes: 7, objects: 1 },
        { waddleId: waddles.krill, bytes: 0, objects: 0 },
      ],
      listCalls: 3,
      nextWaddleId: 0,
    });
    expect(await usage()).toEqual([
      { waddle_id: waddles.penguins, bytes: 300, objects: 3 },
      { waddle_id: waddles.puffins, bytes: 7, objects: 1 },
      { waddle_id: waddles.krill, bytes: 0, objects: 0 },
    ]);

    await runSamplingTick(env.CENTRAL_DB, dependencies, configWith({}));
    const listing = await (await exports.default.fetch('http://monitor/api/databases', bearer)).json<{
      databases: { name: string; sizeBytes: number; attachments: { bytes: number; objects: number } | null }[];
    }>();
    const penguins = listing.databases.find((d) => d.name === 'penguins')!;
    expect(penguins.attachments).toEqual({ bytes: 300, objects: 3, countedAt: clock.now() });
    expect(penguins.sizeBytes).toBeGreaterThan(0);
    expect(listing.databases.find((d) => d.name === 'central')!.attachments).toBeNull();
  });

  it('resumes a waddle with more objects than one pass lists where the last pass stopped, then starts a new round', async () => {
    const { clock } = testDependencies();
    const central = openCentralDatabase(env.CENTRAL_DB);
    const pass = () => runAttachmentUsageTick(central, env.ATTACHMENTS, { now: clock.now(), maxListCalls: 2, listLimit: 2 });
    // Penguins' three objects take two lists of two: the first pass spends both on them.
    expect(await pass()).toEqual({
      counted: [{ waddleId: waddles.penguins, bytes: 300, objects: 3 }],
      listCalls: 2,
      nextWaddleId: waddles.puffins,
    });
    expect(await pass()).toEqual({
      counted: [
        { waddleId: waddles.puffins, bytes: 7, objects: 1 },
        { waddleId: waddles.krill, bytes: 0, objects: 0 },
      ],
      listCalls: 2,
      nextWaddleId: 0,
    });
    await store(waddles.krill, 2, 10);
    await env.ATTACHMENTS.delete(`waddles/${waddles.penguins}/users/9/file-0`);
    const single = () => runAttachmentUsageTick(central, env.ATTACHMENTS, { now: clock.now(), maxListCalls: 1, listLimit: 1 });
    expect(await single()).toEqual({ counted: [], listCalls: 1, nextWaddleId: waddles.penguins });
    expect(await single()).toEqual({
      counted: [{ waddleId: waddles.penguins, bytes: 200, objects: 2 }],
      listCalls: 1,
      nextWaddleId: waddles.puffins,
    });
    expect(await single()).toEqual({
      counted: [{ waddleId: waddles.puffins, bytes: 7, objects: 1 }],
      listCalls: 1,
      nextWaddleId: waddles.krill,
    });
    await single();
    expect(await single()).toEqual({ counted: [{ waddleId: waddles.krill, bytes: 20, objects: 2 }], listCalls: 1, nextWaddleId: 0 });
    expect(await usage()).toEqual([
      { waddle_id: waddles.penguins, bytes: 200, objects: 2 },
      { waddle_id: waddles.puffins, bytes: 7, objects: 1 },
      { waddle_id: waddles.krill, bytes: 20, objects: 2 },
    ]);
  });

  it('counts on POST /api/sample too, with the bucket the Worker binds', async () => {
    const response = await exports.default.fetch('http://monitor/api/sample', {
      method: 'POST',
      headers: { ...bearer.headers, origin: 'http://monitor' },
    });
    expect(await response.json()).toMatchObject({ attachmentWaddlesCounted: 3 });
    expect(await usage()).toHaveLength(3);
  });
});
