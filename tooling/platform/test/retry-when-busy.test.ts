import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { isBusyError, retryWhenBusy } from '@waddle/d1/retry-when-busy';
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorker } from '../src/local/bundle-worker.ts';
import { startLocalMiniflare } from '../src/local/local-miniflare.ts';
import type { HammerRequest } from './busy-hammer-worker.ts';

/** Two workerd processes over one database file, as the api's and the monitor's `wrangler dev` are over central. */
let processes: [Miniflare, Miniflare];
let database: D1DatabaseLike;

beforeAll(async () => {
  const state = mkdtempSync(join(tmpdir(), 'waddle-busy-'));
  const script = await bundleWorker(join(import.meta.dirname, 'busy-hammer-worker.ts'));
  processes = await Promise.all([
    startLocalMiniflare({ DB: 'shared-central' }, state, script),
    startLocalMiniflare({ DB: 'shared-central' }, state, script),
  ]);
  database = (await processes[0].getD1Database('DB')) as unknown as D1DatabaseLike;
  await database.prepare('CREATE TABLE writes (id INTEGER PRIMARY KEY, process INTEGER NOT NULL, n INTEGER NOT NULL)').run();
});

afterAll(async () => {
  await Promise.all(processes.map((process) => process.dispose()));
});

/** Sends `requests[i]` to process `i`, all at once; each answers one outcome per statement (`null`: landed). */
async function hammer(requests: [Omit<HammerRequest, 'process'>, Omit<HammerRequest, 'process'>]): Promise<(string | null)[]> {
  const answers = await Promise.all(
    requests.map(async (request, process) => {
      const response = await processes[process]!.dispatchFetch('http://hammer/', {
        method: 'POST',
        body: JSON.stringify({ ...request, process }),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as (string | null)[];
    }),
  );
  return answers.flat();
}

/** 100 write batches for each process, their `n` from `start`: evens to the first, odds to the second. */
function writes(start: number, retry: boolean): [Omit<HammerRequest, 'process'>, Omit<HammerRequest, 'process'>] {
  const values = (parity: number) => Array.from({ length: 100 }, (_, i) => start + 2 * i + parity);
  return [
    { kind: 'write', values: values(0), retry },
    { kind: 'write', values: values(1), retry },
  ];
}

async function written(from: number, to: number): Promise<number[]> {
  const { results } = await database.prepare('SELECT n FROM writes WHERE n BETWEEN ? AND ? ORDER BY n').bind(from, to).all<{ n: number }>();
  return results.map((row) => row.n);
}

describe('retryWhenBusy, with two workerd processes writing one database file', () => {
  it('sends a write refused with SQLITE_BUSY again until it lands: every write lands once', async () => {
    // What the wrapper is for: without it, writes can be refused with SQLITE_BUSY (and leave nothing).
    const raw = await hammer(writes(10_000, false));
    const refused = raw.filter((outcome) => outcome !== null);
    expect(refused.filter((reason) => !isBusyError(reason))).toEqual([]);
    expect(await written(10_000, 19_999)).toHaveLength(200 - refused.length);

    const retried = await hammer(writes(20_000, true));
    expect(retried.filter((outcome) => outcome !== null)).toEqual([]);
    expect(await written(20_000, 29_999)).toEqual(Array.from({ length: 200 }, (_, i) => 20_000 + i));
  });

  it('lets reads in one process through while the other writes', async () => {
    const outcomes = await hammer([
      { kind: 'write', values: Array.from({ length: 100 }, (_, i) => 30_000 + i), retry: true },
      { kind: 'read', values: Array.from({ length: 100 }, (_, i) => i), retry: true },
    ]);
    expect(outcomes.filter((outcome) => outcome !== null)).toEqual([]);
    expect(await written(30_000, 39_999)).toHaveLength(100);
  });

  it("starts several workerd processes at once over one state directory (a startup that meets another one's lock is tried again)", async () => {
    const state = mkdtempSync(join(tmpdir(), 'waddle-startup-'));
    const started = await Promise.allSettled(Array.from({ length: 4 }, () => startLocalMiniflare({ DB: 'startup' }, state)));
    const running = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    try {
      expect(started.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
      for (const miniflare of running)
        expect(await (await miniflare.getD1Database('DB')).prepare('SELECT 1 AS one').first()).toEqual({ one: 1 });
    } finally {
      await Promise.all(running.map((miniflare) => miniflare.dispose()));
    }
  });

  it('does not retry other errors', async () => {
    // A stand-in database: the point is which errors are sent again, not D1.
    let calls = 0;
    const failing: D1DatabaseLike = {
      prepare: () => ({
        bind: () => failing.prepare(''),
        all: async () => {
          calls++;
          throw new Error('D1_ERROR: no such table: nope');
        },
        run: async () => ({ results: [], success: true, meta: {} }),
        first: async () => null,
        raw: async () => [],
      }),
      batch: async () => [],
    };
    await expect(retryWhenBusy(failing).prepare('SELECT * FROM nope').all()).rejects.toThrow(/no such table/);
    expect(calls).toBe(1);
  });
});
