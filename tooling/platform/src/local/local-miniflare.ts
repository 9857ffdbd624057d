import { repeatWhenBusy } from '@waddle/d1/retry-when-busy';
import { convertV4MiniflareOptions, Miniflare, type MiniflareOptions } from 'miniflare';
import type { UploadedScript } from './parse-script-upload.ts';

/** A Worker that only hosts the D1 bindings, for tools that reach the databases from Node. */
export const BINDINGS_ONLY_WORKER = 'export default { fetch() { return new Response(null, { status: 404 }); } }';

/** Startups tried while another process holds the state directory's D1 metadata: pauses of 50 ms doubling up to 1 s, about 5.5 s in all. */
const STARTUP_RETRY = { attempts: 10, pauseMs: 50 } as const;

/**
 * Starts workerd through Miniflare with the given D1 bindings (binding name → D1 database id),
 * persisted under `stateDirectory` (Miniflare's persistence root, as `wrangler dev` lays it out),
 * running `script` (a bundled Worker) or, by default, a Worker that only hosts the bindings, and
 * resolves once it is ready. Every local tool and the benchmark start workerd here, so they all
 * see the same databases.
 *
 * workerd opens the D1 namespace's shared `metadata.sqlite` at startup without waiting for its
 * lock, so a process starting while another one starts (two `migrate` runs, a tool beside
 * `wrangler dev`) can die with SQLITE_BUSY; such a startup is tried again, with backoff.
 */
export function startLocalMiniflare(
  d1Databases: Readonly<Record<string, string>>,
  stateDirectory: string,
  script = BINDINGS_ONLY_WORKER,
): Promise<Miniflare> {
  return startLocalMiniflareWith(localMiniflareOptions(d1Databases, stateDirectory, script));
}

/** Starts workerd with any options, trying again as {@link startLocalMiniflare} does. */
export function startLocalMiniflareWith(options: MiniflareOptions): Promise<Miniflare> {
  return repeatWhenBusy(async () => {
    const miniflare = new Miniflare(options);
    try {
      await miniflare.ready;
      return miniflare;
    } catch (error) {
      await miniflare.dispose().catch(() => undefined);
      throw error;
    }
  }, STARTUP_RETRY);
}

/**
 * Restarts a running instance with new options (new bindings), trying again the way
 * {@link startLocalMiniflare} does when workerd's restart meets another process's lock; resolves
 * with the Worker's URL once it is ready.
 */
export function restartLocalMiniflare(miniflare: Miniflare, options: MiniflareOptions): Promise<URL> {
  return repeatWhenBusy(async () => {
    await miniflare.setOptions(options);
    return miniflare.ready;
  }, STARTUP_RETRY);
}

/**
 * The options {@link startLocalMiniflare} starts workerd with; pass them to
 * {@link restartLocalMiniflare} to change the bindings of a running instance.
 */
export function localMiniflareOptions(
  d1Databases: Readonly<Record<string, string>>,
  stateDirectory: string,
  script = BINDINGS_ONLY_WORKER,
): MiniflareOptions {
  return convertV4MiniflareOptions({
    modules: true,
    script,
    compatibilityDate: '2026-11-01',
    d1Databases: { ...d1Databases },
    resourcePersistencePath: stateDirectory,
  });
}

/** An uploaded slice run beside another Worker in one workerd: what was uploaded, and the service binding that reaches it. */
export interface LocalSliceWorker {
  /** Its name in workerd (unique among the workers of one instance). */
  readonly workerName: string;
  /** The binding the other Worker reaches it through. */
  readonly serviceBinding: string;
  readonly script: UploadedScript;
}

/**
 * The options for one workerd running `script` (bound to `d1Databases`) and, beside it, each
 * uploaded slice with exactly the D1 bindings and variables it was uploaded with, all over the
 * same persisted state. The Worker reaches each slice through a service binding
 * (`serviceBinding`) inside workerd, with no hop through Node, as a deployment's dispatch
 * namespace binding reaches a slice: the benchmark's `fleet.slice_hop_ms` uses it. (The local
 * API runs each slice in a workerd of its own instead, `localSliceMiniflareOptions`.)
 */
export function localMiniflareOptionsWithSlices(
  d1Databases: Readonly<Record<string, string>>,
  stateDirectory: string,
  script: string,
  slices: readonly LocalSliceWorker[],
): MiniflareOptions {
  return convertV4MiniflareOptions({
    resourcePersistencePath: stateDirectory,
    workers: [
      {
        name: 'local-d1-api',
        modules: true,
        script,
        compatibilityDate: '2026-11-01',
        d1Databases: { ...d1Databases },
        serviceBindings: Object.fromEntries(slices.map((slice) => [slice.serviceBinding, slice.workerName])),
      },
      ...slices.map(({ workerName, script: uploaded }) => ({
        name: workerName,
        modulesRoot: `/${workerName}`,
        modules: uploaded.modules.map((module) => ({ ...module, path: `/${workerName}/${module.path}` })),
        compatibilityDate: uploaded.compatibilityDate ?? '2026-11-01',
        compatibilityFlags: [...uploaded.compatibilityFlags],
        d1Databases: { ...uploaded.d1Databases },
        bindings: { ...uploaded.vars },
      })),
    ],
  });
}

/**
 * The options for one workerd running one uploaded slice with exactly the D1 bindings and
 * variables it was uploaded with, over the persisted state of `stateDirectory` (the same local
 * D1 files the local API serves). Each slice runs in a workerd of its own, so uploading one
 * restarts only that slice: the cost of an upload does not grow with the number of slices.
 */
export function localSliceMiniflareOptions(uploaded: UploadedScript, stateDirectory: string): MiniflareOptions {
  return convertV4MiniflareOptions({
    resourcePersistencePath: stateDirectory,
    modulesRoot: '/slice',
    modules: uploaded.modules.map((module) => ({ ...module, path: `/slice/${module.path}` })),
    compatibilityDate: uploaded.compatibilityDate ?? '2026-11-01',
    compatibilityFlags: [...uploaded.compatibilityFlags],
    d1Databases: { ...uploaded.d1Databases },
    bindings: { ...uploaded.vars },
  });
}

/** Binding names for database ids (`DB_0`, `DB_1`, …), by id. */
export function bindingNames(databaseIds: readonly string[]): Record<string, string> {
  return Object.fromEntries(databaseIds.map((id, index) => [id, `DB_${index}`]));
}

/** The `d1Databases` option (binding name → id) for the bindings {@link bindingNames} gave. */
export function d1DatabasesOption(bindingOf: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(bindingOf).map(([id, binding]) => [binding, id]));
}
