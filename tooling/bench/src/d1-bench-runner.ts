import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorker } from '@waddle/platform/bundle-worker';
import { startLocalMiniflare } from '@waddle/platform/local-miniflare';
import type { BenchCase, BenchParameters } from './bench-cases.ts';

const DATABASE_ID = 'bench-waddle';

/** Local D1 (Miniflare, workerd) serving a prepared SQLite file, with the benchmark Worker bound to it. */
export interface D1BenchRunner {
  /** Mean milliseconds per call over `calls` sequential calls made inside the Worker. */
  mean(name: BenchCase, calls: number, parameters: BenchParameters): Promise<number>;
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
    async mean(name, calls, parameters) {
      const response = await miniflare.dispatchFetch('http://bench/', {
        method: 'POST',
        body: JSON.stringify({ name, calls, parameters }),
      });
      if (!response.ok) throw new Error(`${name}: ${response.status} ${await response.text()}`);
      const { totalMs } = (await response.json()) as { totalMs: number };
      return totalMs / calls;
    },
    dispose: () => miniflare.dispose(),
  };
}
