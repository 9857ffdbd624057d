import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signAccessToken } from '@waddle/auth-token/access-token';
import { DEFAULT_KEY_ID } from '@waddle/auth-token/token-keys';
import { centralMigrations } from '@waddle/central-schema/migrations';
import type { Clock } from '@waddle/clock/clock';
import type { D1DatabaseLike } from '@waddle/d1/database';
import type { CloudflareApi } from '@waddle/d1/rest';
import { Migrator } from '@waddle/migrator/migrator';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import { remoteTarget } from '@waddle/provisioning/remote-target';
import type { SliceNamespace } from '@waddle/provisioning/slice-namespace';
import { freePort } from '../src/local/free-port.ts';
import { LOCAL_ACCOUNT_ID, LOCAL_DISPATCH_NAMESPACE, type LocalD1Api, startLocalD1Api } from '../src/local/local-d1-api.ts';
import { openLocalDatabases } from '../src/local/local-databases.ts';
import { localSliceNamespace } from '../src/local/local-slice-namespace.ts';
import { LOCAL_CENTRAL_DATABASE_ID } from '../src/local/local-state-directory.ts';
import { REPOSITORY_ROOT } from '../src/local/repository-root.ts';
import { type RunningWorker, startWorker } from '../src/local/worker-processes.ts';

/**
 * The local platform as the data-path tests use it: a fresh state directory with a migrated
 * central database and its users, the local D1 API over it (Cloudflare's rate limit on, its
 * default) playing the dispatch namespace, and, when asked, the api and monitor Workers under
 * `wrangler dev` reaching the slices through `SLICES_DISPATCH_URL` with the REST API configured
 * too (so a REST call on the data path would be possible, and counted).
 */
export interface SlicePlatform {
  /** Miniflare's persistence root of the Workers (`persistTo`); the D1 state is `stateDirectory`. */
  readonly root: string;
  readonly stateDirectory: string;
  readonly localApi: LocalD1Api;
  /** The local API as the account's Cloudflare API. */
  readonly cf: CloudflareApi;
  /** Runs `work` on the central database through a Miniflare of the test's own (not a REST call), closed again after. */
  withCentral<T>(work: (central: D1DatabaseLike) => Promise<T>): Promise<T>;
  /** Stops the Workers it started and the local API, and removes the state. */
  close(): Promise<void>;
}

export interface SlicePlatformOptions {
  readonly token: string;
  /** Users inserted into the central database, by id. */
  readonly users: Readonly<Record<number, string>>;
  /** The clock of the migrations and of the local API's rate limit. */
  readonly clock: Clock;
}

/** Starts a {@link SlicePlatform}. */
export async function startSlicePlatform(options: SlicePlatformOptions): Promise<SlicePlatform> {
  const root = mkdtempSync(join(tmpdir(), 'waddle-slice-platform-'));
  const stateDirectory = join(root, 'v3');
  const withCentral = async <T>(work: (central: D1DatabaseLike) => Promise<T>): Promise<T> => {
    const opened = await openLocalDatabases([LOCAL_CENTRAL_DATABASE_ID], stateDirectory);
    try {
      return await work(opened.get(LOCAL_CENTRAL_DATABASE_ID));
    } finally {
      await opened.dispose();
    }
  };
  await withCentral(async (central) => {
    const { error } = await new Migrator({ database: central, migrations: centralMigrations, now: options.clock }).migrateToLatest();
    if (error) throw error;
    await central.batch(
      Object.entries(options.users).map(([id, username]) =>
        central.prepare('INSERT INTO users (id, username) VALUES (?, ?)').bind(Number(id), username),
      ),
    );
  });
  const localApi = await startLocalD1Api({
    stateDirectory,
    accountId: LOCAL_ACCOUNT_ID,
    apiToken: options.token,
    databaseIds: [],
    now: options.clock,
  });
  return {
    root,
    stateDirectory,
    localApi,
    cf: { baseUrl: localApi.baseUrl, accountId: LOCAL_ACCOUNT_ID, apiToken: options.token },
    withCentral,
    close: async () => {
      await localApi.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * A {@link SlicePlatform} as the placement tests drive it from Node, without Workers: the central
 * database held open for the whole test through a Miniflare of the test's own (not a REST call),
 * the local API's dispatch namespace as provisioning sees it, with slices of `capacity`
 * databases, and the remote target through the local API that places new databases into it (as
 * the monitor and `waddle shard open --target remote` configure it).
 */
export interface SlicePlacementPlatform extends SlicePlatform {
  /** The central database, open until {@link SlicePlatform.close}. */
  readonly central: D1DatabaseLike;
  /** The dispatch namespace of the local API, slices of `capacity`. */
  readonly slices: SliceNamespace;
  /** The remote target through the local API, placing new databases into {@link slices}. */
  readonly target: DatabaseTarget;
}

/**
 * Starts a {@link SlicePlacementPlatform}: {@link startSlicePlatform}, then the central database
 * opened and the slice namespace over the local API. `close()` closes the central database first.
 */
export async function startSlicePlacementPlatform(
  options: SlicePlatformOptions & { readonly capacity: number },
): Promise<SlicePlacementPlatform> {
  const platform = await startSlicePlatform(options);
  const closeAndRethrow = async (error: unknown): Promise<never> => {
    await platform.close();
    throw error;
  };
  const slices = await localSliceNamespace(
    { ...platform.cf, dispatchUrl: platform.localApi.dispatchUrl, namespace: LOCAL_DISPATCH_NAMESPACE },
    { capacity: options.capacity },
  ).catch(closeAndRethrow);
  const openedCentral = await openLocalDatabases([LOCAL_CENTRAL_DATABASE_ID], platform.stateDirectory).catch(closeAndRethrow);
  const { api, ...namespace } = slices;
  return {
    ...platform,
    central: openedCentral.get(LOCAL_CENTRAL_DATABASE_ID),
    slices,
    target: remoteTarget(api, LOCAL_CENTRAL_DATABASE_ID, { slices: namespace }),
    close: async () => {
      await openedCentral.dispose();
      await platform.close();
    },
  };
}

/**
 * Starts the api or monitor Worker under `wrangler dev` over the platform's state, reaching the
 * slices through `SLICES_DISPATCH_URL` and the local API through `CLOUDFLARE_*`, with `vars`
 * beside; its log goes to `.wrangler/<name>-<app>-dev.log` (gitignored).
 */
export async function startPlatformWorker(
  platform: SlicePlatform,
  app: 'api' | 'monitor',
  name: string,
  vars: Readonly<Record<string, string>>,
): Promise<RunningWorker> {
  return startWorker(app, await freePort(), {
    persistTo: platform.root,
    vars: {
      SLICES_DISPATCH_URL: platform.localApi.dispatchUrl,
      CLOUDFLARE_API_BASE_URL: platform.localApi.baseUrl,
      CLOUDFLARE_ACCOUNT_ID: platform.cf.accountId,
      CLOUDFLARE_API_TOKEN: platform.cf.apiToken,
      ...vars,
    },
    logFile: join(REPOSITORY_ROOT, '.wrangler', `${name}-${app}-dev.log`),
  });
}

/** A JSON client of a running api Worker, signing each call as `userId` with `secret` at the clock's now. */
export function apiCaller(worker: RunningWorker, secret: string, clock: Clock) {
  return async (userId: number, method: string, path: string, body?: unknown) => {
    const token = await signAccessToken({ kid: DEFAULT_KEY_ID, secret }, { userId, now: clock() });
    const response = await fetch(`${worker.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
}

/** Runs `work` over `items`, at most `concurrency` at a time; the results in the items' order. */
export async function inParallel<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
