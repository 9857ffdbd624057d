import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorker } from '@waddle/platform/bundle-worker';
import { type LocalSliceWorker, localMiniflareOptionsWithSlices, startLocalMiniflareWith } from '@waddle/platform/local-miniflare';
import { parseScriptUpload } from '@waddle/platform/parse-script-upload';
import { sliceScript } from '@waddle/platform/slice-script';
import { sliceUploadForm } from '@waddle/slice-worker/upload-slice';
import type { BenchCase, BenchParameters } from './bench-cases.ts';
import type {
  AgainstRoundTripAnswer,
  AgainstRoundTripRequest,
  BenchAnswer,
  BenchRequest,
  SliceHopAnswer,
  SliceHopRequest,
} from './bench-worker.ts';
import type { MentionCase } from './mention-cases.ts';

const DATABASE_ID = 'bench-waddle';
/** The slice the bench database is placed in, as provisioning names slices. */
const SLICE_NAME = 'slice-0001';

/** Local D1 (Miniflare, workerd) serving a prepared SQLite file, with the benchmark Worker bound to it. */
export interface D1BenchRunner {
  /**
   * Mean milliseconds per call of each case over `calls` sequential calls each, made inside the
   * Worker after a warm-up, the cases in alternation (one call of each per round).
   */
  means<Name extends BenchCase>(names: readonly Name[], calls: number, parameters: BenchParameters): Promise<Record<Name, number>>;
  /** The newest page through the Worker's binding and through the slice, `blocks` timed blocks each (`timeSliceHop`). */
  sliceHop(blocks: number, parameters: BenchParameters): Promise<SliceHopAnswer>;
  /** Each case beside the round trip, `rounds` paired rounds each (`timeAgainstRoundTrip`): the mention and follow budgets. */
  againstRoundTrip(names: readonly MentionCase[], rounds: number, parameters: BenchParameters): Promise<AgainstRoundTripAnswer>;
  dispose(): Promise<void>;
}

/**
 * Puts `sqliteFile` in place of a local D1 database (Miniflare stores each database as one SQLite
 * file; the file is swapped while no runtime holds it), bundles the benchmark Worker with esbuild,
 * and starts it in workerd with that database bound as `DB`. Beside it runs a slice holding the
 * same database: the slice Worker's real upload (`sliceUploadForm`, read back by the local API's
 * `parseScriptUpload`) run the way the local API runs uploaded slices
 * (`localMiniflareOptionsWithSlices`: its own Worker in the same workerd, exactly the uploaded
 * bindings, reached through a service binding, here `SLICE`), so one process opens the file.
 */
export async function startD1BenchRunner(stateDirectory: string, placeDatabase: (path: string) => void): Promise<D1BenchRunner> {
  const script = await bundleWorker(join(import.meta.dirname, 'bench-worker.ts'));
  const slice = await benchSlice();
  const start = () => startLocalMiniflareWith(localMiniflareOptionsWithSlices({ DB: DATABASE_ID }, stateDirectory, script, [slice]));

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
  const post = async <T>(path: string, body: unknown, what: string): Promise<T> => {
    const response = await miniflare.dispatchFetch(`http://bench${path}`, { method: 'POST', body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${what}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  return {
    async means(names, calls, parameters) {
      const { totalMs } = await post<BenchAnswer>('/', { names, calls, parameters } satisfies BenchRequest, names.join(', '));
      return Object.fromEntries(names.map((name) => [name, (totalMs[name] ?? Number.NaN) / calls])) as Record<
        (typeof names)[number],
        number
      >;
    },
    sliceHop: (blocks, parameters) =>
      post<SliceHopAnswer>(
        '/slice-hop',
        { blocks, parameters, slice: SLICE_NAME, database: DATABASE_ID } satisfies SliceHopRequest,
        'slice_hop',
      ),
    againstRoundTrip: (names, rounds, parameters) =>
      post<AgainstRoundTripAnswer>(
        '/against-round-trip',
        { names, rounds, parameters } satisfies AgainstRoundTripRequest,
        `${names.join(', ')} beside the round trip`,
      ),
    dispose: () => miniflare.dispose(),
  };
}

/** The slice Worker as the local API runs it after an upload binding the bench database. */
async function benchSlice(): Promise<LocalSliceWorker> {
  const upload = new Request('http://upload/', {
    method: 'PUT',
    body: sliceUploadForm({ namespace: 'bench', slice: SLICE_NAME, script: await sliceScript(), databases: [DATABASE_ID] }),
  });
  const parsed = await parseScriptUpload(upload.headers.get('content-type') ?? undefined, Buffer.from(await upload.arrayBuffer()));
  if (typeof parsed === 'string') throw new Error(`the slice upload was refused: ${parsed}`);
  return { workerName: SLICE_NAME, serviceBinding: 'SLICE', script: parsed };
}
