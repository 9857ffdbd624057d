import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { isBusyError, retryWhenBusy } from '@waddle/d1/retry-when-busy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalMiniflare } from '../src/local/local-miniflare.ts';

/** Two workerd processes over one database file, as the api's and the monitor's `wrangler dev` are over central. */
let first: ReturnType<typeof startLocalMiniflare>;
let second: ReturnType<typeof startLocalMiniflare>;
let databases: [D1DatabaseLike, D1DatabaseLike];

beforeAll(async () => {
  const state = mkdtempSync(join(tmpdir(), 'waddle-busy-'));
  // One after the other: workerd opens its storage at startup without waiting for a lock, so two
  // processes starting at the same moment over one directory can fail with SQLITE_BUSY (as
  // `waddle up` starts its Workers one after the other).
  first = startLocalMiniflare({ DB: 'shared-central' }, state);
  const firstDatabase = (await first.getD1Database('DB')) as unknown as D1DatabaseLike;
  await firstDatabase.prepare('CREATE TABLE writes (id INTEGER PRIMARY KEY, process INTEGER NOT NULL, n INTEGER NOT NULL)').run();
  second = startLocalMiniflare({ DB: 'shared-central' }, state);
  databases = [firstDatabase, (await second.getD1Database('DB')) as unknown as D1DatabaseLike];
});

afterAll(async () => {
  await Promise.all([first.dispose(), second.dispose()]);
});

/** `count` batches (an insert and an update each) from both processes at once. */
function hammer(wrap: (database: D1DatabaseLike) => D1DatabaseLike, round: number, count: number) {
  return Promise.allSettled(
    Array.from({ length: count }, (_, i) => {
      const database = wrap(databases[i % 2]!);
      return database.batch([
        database.prepare('INSERT INTO writes (process, n) VALUES (?, ?)').bind(i % 2, round * 10_000 + i),
        database.prepare('UPDATE writes SET n = n WHERE id = last_insert_rowid()'),
      ]);
    }),
  );
}

describe('retryWhenBusy, with two workerd processes writing one database file', () => {
  it('sends a write refused with SQLITE_BUSY again until it lands: every write lands once', async () => {
    const raw = await hammer((database) => database, 1, 200);
    const refused = raw.filter((outcome) => outcome.status === "rejected");
    // What the wrapper is for: without it, some writes are refused (and leave nothing).
    expect(refused.map((outcome) => String((outcome as PromiseRejectedResult).reason)).filter((reason) => !isBusyError(reason))).toEqual([]);
    const landedRaw = await databases[0].prepare('SELECT count(*) AS n FROM writes WHERE n BETWEEN 10000 AND 19999').first<{ n: number }>();
    expect(landedRaw?.n).toBe(200 - refused.length);

    const retried = await hammer((database) => retryWhenBusy(database), 2, 200);
    expect(retried.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    const { results } = await databases[1].prepare('SELECT n FROM writes WHERE n BETWEEN 20000 AND 29999 ORDER BY n').all<{ n: number }>();
    expect(results.map((row) => row.n)).toEqual(Array.from({ length: 200 }, (_, i) => 20_000 + i));
  });

  it('lets reads in one process through while the other writes', async () => {
    const reader = retryWhenBusy(databases[1]);
    const writer = retryWhenBusy(databases[0]);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        i % 2 === 0 ? writer.prepare('INSERT INTO writes (process, n) VALUES (0, ?)').bind(30_000 + i).run() : reader.prepare('SELECT count(*) AS n FROM writes').first(),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
  });

  it('does not retry other errors', async () => {
    // A stand-in database: the point is which errors are sent again, not D1.
    let calls = 0;
    const failing: D1DatabaseLike = {
      prepare: () => ({ bind: () => failing.prepare(''), all: async () => { calls++; throw new Error('D1_ERROR: no such table: nope'); }, run: async () => ({ results: [], success: true, meta: {} }), first: async () => null }),
      batch: async () => [],
    };
    await expect(retryWhenBusy(failing).prepare('SELECT * FROM nope').all()).rejects.toThrow(/no such table/);
    expect(calls).toBe(1);
  });
});
