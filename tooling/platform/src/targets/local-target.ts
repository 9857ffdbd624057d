import { claimLocalDatabaseFile, deleteLocalDatabaseFiles } from '../local/local-database-file.ts';
import { openLocalDatabases } from '../local/local-databases.ts';
import { LOCAL_CENTRAL_DATABASE_ID, LOCAL_STATE_DIRECTORY } from '../local/local-state-directory.ts';
import { migrateAllInWorkerd } from '../local/migrate-all-in-workerd.ts';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import { httpSliceDispatcher } from '@waddle/slice-worker/http-slice-dispatcher';

/**
 * The local target: Miniflare's D1 under one state directory (by default the one `wrangler dev`
 * of both Workers uses). A database is a file there. Creating one claims a new file exclusively:
 * `local-{name}`, or `local-{name}.2`, `.3`, … when that one exists, so two creations of the same
 * name (two racing provisionings) get two databases. Deleting one removes its files. Its migrate
 * fan-out runs inside workerd, next to the databases; given the dispatch namespace of a running
 * local platform (`sliceDispatchUrl`, `http://127.0.0.1:8789/dispatch/waddle-slices`), the
 * databases the directory places in slices are migrated by their slices instead.
 */
export function localTarget(
  stateDirectory: string = LOCAL_STATE_DIRECTORY,
  options: { readonly sliceDispatchUrl?: string } = {},
): DatabaseTarget {
  const { sliceDispatchUrl } = options;
  return {
    name: 'local',
    centralDatabaseId: LOCAL_CENTRAL_DATABASE_ID,
    ...(sliceDispatchUrl ? { sliceDispatcher: httpSliceDispatcher(sliceDispatchUrl) } : {}),
    open: (databaseIds) => openLocalDatabases(databaseIds, stateDirectory),
    createDatabase: (name) => claimFreeDatabaseId(stateDirectory, `local-${name}`),
    deleteDatabase: async (databaseId) => {
      if (!(await deleteLocalDatabaseFiles(stateDirectory, databaseId)))
        throw new Error(`local database ${databaseId} does not exist under ${stateDirectory}`);
    },
    migrateAll: (settings) => migrateAllInWorkerd(stateDirectory, settings, sliceDispatchUrl),
  };
}

/** The first of `base`, `base.2`, `base.3`, … whose database file this call could create. */
async function claimFreeDatabaseId(stateDirectory: string, base: string): Promise<string> {
  for (let suffix = 1; ; suffix += 1) {
    const databaseId = suffix === 1 ? base : `${base}.${suffix}`;
    if (await claimLocalDatabaseFile(stateDirectory, databaseId)) return databaseId;
  }
}
