import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorker } from '@waddle/platform/bundle-worker';
import { startLocalMiniflare } from '@waddle/platform/local-miniflare';
import type { BenchCase, BenchParameters } from './bench-cases.ts';
import type { BenchAnswer, BenchRequest } from './bench-worker.ts';

const DATABASE_ID = 'bench-waddle';

/** Local D1 (Miniflare, workerd) serving a prepared SQLite file, with the benchmark Worker bound to it. */
export interface D1BenchRunner {
  /**
   * Mean milliseconds per call of each case over `calls` sequential calls each, made inside the
   * Worker after a warm-up, the cases in alternation (one call of each per round).
   */
  means<Name extends BenchCase>(names: readonly Name[], calls: number, parameters: BenchParameters): Promise<Record<Name, number>>;
  dispose(): Promise<void>;
}

/**
 * Puts `sqliteFile` in place of a local D1 database (Miniflare stores each database as one SQLite
 * file; the file is swapped while no runtime holds it), bundles the benchmark Worker with esbuild,
 * and starts it in workerd with that database bound as `DB`.
 */
export async function startD1BenchRunner(stateDirectory: string, placeDatabase: (path: string) => void): Promise<D1BenchRunner> {
  const script = await bundleWorker(join(import.meta.dirname, 'bench-worker.ts'));
  const start = () => startLocalMiniflare({ DB: DATABASE_ID }, stateDirectory, script);

  rmSync(stateDirectory, { recursive: true, force: true });
  const creating = await start();
  await (await creating.getD1Database('DB')).prepare('SELECT 1').all();
  await creating.dispose();
  const folder = join(stateDirectory, 'd1', 'miniflare-D1DatabaseObject');
  const file = readdirSync(folder).find((name) => name.endsWith('.sqlite') && name !== 'metadata.sqlite');
  if (!file) throw new Error(`no D1 database file in ${folder}`);
  for (const suffix of ['', '-wal', '-shm']) rmSync(join(folder, `${file}${suffix}`), { force: true });
  placeDatabase(join(folder, file));

  const miniflare = await start();
  await miniflare.ready;
  return {
    async means(names, calls, parameters) {
      const response = await miniflare.dispatchFetch('http://bench/', {
        method: 'POST',
        body: JSON.stringify({ names, calls, parameters } satisfies BenchRequest),
      });
      if (!response.ok) throw new Error(`${names.join(', ')}: ${response.status} ${await response.text()}`);
      const { totalMs } = (await response.json()) as BenchAnswer;
      return Object.fromEntries(names.map((name) => [name, (totalMs[name] ?? Number.NaN) / calls])) as Record<
        (typeof names)[number],
        number
      >;
    },
    dispose: () => miniflare.dispose(),
  };
}
