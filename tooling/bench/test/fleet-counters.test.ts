import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testClock } from '@waddle/clock/test-clock';
import { freePort } from '@waddle/platform/free-port';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureApiLoad } from '../src/api-load.ts';
import { startD1BenchRunner } from '../src/d1-bench-runner.ts';
import { timeMigrateFanOut } from '../src/migrate-fanout.ts';
import { measureProvisioningRestCalls } from '../src/provisioning-rest-calls.ts';
import { buildSyntheticWaddle, DEFAULT_SHAPE } from '../src/synthetic-waddle.ts';

/**
 * The bench's fleet figures at a small size, against the real local D1 API (Cloudflare's rate
 * limit on), real slices in workerd and the api Worker under `wrangler dev`: the data path's REST
 * counter is 0 through slices and counts the calls when the waddle is left to the REST API, a
 * waddle provisioned into a slice costs two control-plane calls, and the page is read through the
 * slice beside the bench Worker.
 */
let root: string;
const noLog = () => undefined;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'waddle-bench-fleet-'));
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('fleet.rest_calls_data_path', () => {
  it('is 0 for the api Worker serving lists and posts through the waddle’s slice, without errors', async () => {
    const load = await measureApiLoad(join(root, 'api-slice'), noLog, {
      messages: 100,
      requests: 16,
      concurrency: 4,
      port: await freePort(),
    });
    expect(load.restQueryCalls).toBe(0);
    expect(load.list.errors + load.post.errors).toBe(0);
  });

  it('counts every REST query when the directory leaves the waddle to the REST API', async () => {
    const load = await measureApiLoad(join(root, 'api-rest'), noLog, {
      messages: 100,
      requests: 16,
      concurrency: 4,
      port: await freePort(),
      reach: 'rest',
    });
    expect(load.list.errors + load.post.errors).toBe(0);
    // At least one statement or batch over REST per list and per post.
    expect(load.restQueryCalls).toBeGreaterThanOrEqual(32);
  });

  it('is 0 for a migrate fan-out through the slices, which migrates every database', async () => {
    const fanOut = await timeMigrateFanOut(join(root, 'fanout'), 12, noLog);
    expect(fanOut).toMatchObject({ slices: 1, restQueryCalls: 0 });
  });
});

describe('fleet.rest_calls_per_waddle_provisioned', () => {
  it('is 2 (create the database, upload its slice), with no REST query and nothing refused', async () => {
    expect(await measureProvisioningRestCalls(join(root, 'provisioning'), 3)).toEqual({
      waddles: 3,
      slices: 1,
      controlPlanePerWaddle: 2,
      queryCalls: 0,
      refused: 0,
    });
  });
});

describe('fleet.slice_hop_ms', () => {
  it('times the newest page through the slice and through the binding of the same database', async () => {
    const source = join(root, 'hop.sqlite');
    const now = testClock().now();
    await buildSyntheticWaddle(
      source,
      { ...DEFAULT_SHAPE, messages: 1000, channels: 4, threads: 20, authors: 10, threadsInBusiestChannel: 10, now },
      noLog,
    );
    const runner = await startD1BenchRunner(join(root, 'hop-state'), (path) => copyFileSync(source, path));
    try {
      const parameters = { channelId: 1, depth90AnchorId: 1, depth90Offset: 0, now, visibleChannelIds: [1], viewerId: 1 };
      const hop = await runner.sliceHop(5, parameters);
      expect(hop.directMs).toBeGreaterThan(0);
      expect(hop.sliceMs).toBeGreaterThan(0);
      expect(Number.isFinite(hop.hopMs)).toBe(true);
    } finally {
      await runner.dispose();
    }
  });
});
