import type { D1DatabaseLike } from '@waddle/d1/database';
import type { SliceDispatcher } from '@waddle/slice-worker/slice-dispatcher';
import type { FanOutReport } from './fan-out-report.ts';
import type { FanOutSettings } from './fan-out-settings.ts';
import type { SliceNamespace } from './slice-namespace.ts';

/** Databases a target has opened, by D1 database id, until `dispose()`. */
export interface OpenDatabases {
  get(databaseId: string): D1DatabaseLike;
  dispose(): Promise<void>;
}

/**
 * Where the platform's D1 databases live: `local` (Miniflare's persisted D1, shared with
 * `wrangler dev`) or `remote` (Cloudflare's D1 REST API). Tools reach every database through
 * this interface and the D1 interface, whatever the target.
 */
export interface DatabaseTarget {
  readonly name: 'local' | 'remote';
  /** The D1 id of the central directory database. */
  readonly centralDatabaseId: string;
  open(databaseIds: readonly string[]): Promise<OpenDatabases>;
  /** Creates an empty database and returns its D1 id (a new one on every call). */
  createDatabase(name: string): Promise<string>;
  /**
   * The dispatch namespace new databases are placed into, when this target has one: then
   * `createWaddle` uploads a slice with each new database and migrates it through the slice.
   * Only the remote target takes one (`remoteTarget(api, id, { slices })`); the local target and
   * a Worker's bindings have none and provision as before.
   */
  readonly slices?: SliceNamespace;
  /**
   * How this target's data path reaches the binding slices (the dispatch namespace binding in a
   * Worker, `httpSliceDispatcher` to the local platform or a `SLICES_DISPATCH_URL`): then
   * `migrateAll` migrates every database the directory places in a slice with that slice's
   * bounded migrate job, near the data, instead of opening it through the target. A target that
   * places new waddles (`slices`) has it too.
   */
  readonly sliceDispatcher?: SliceDispatcher;
  /** Deletes a database and everything in it; throws when it does not exist. */
  deleteDatabase(databaseId: string): Promise<void>;
  /**
   * Runs the migrate fan-out where it is cheapest for this target (the local target runs it
   * inside workerd); targets without it are driven by `migrateAll` from here.
   */
  readonly migrateAll?: (options: Omit<FanOutSettings, 'centralMigrations' | 'waddleMigrations'>) => Promise<FanOutReport>;
}
