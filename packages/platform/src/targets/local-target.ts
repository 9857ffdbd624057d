import { LOCAL_CENTRAL_DATABASE_ID, LOCAL_STATE_DIRECTORY, openLocalDatabases } from '../local/local-databases.ts';
import { migrateAllInWorkerd } from '../local/migrate-all-in-workerd.ts';
import type { DatabaseTarget } from './database-target.ts';

/**
 * The local target: Miniflare's D1 under one state directory (by default the one `wrangler dev`
 * of both Workers uses). A database is a file there; creating one is naming it, and it exists
 * from its first statement. Its migrate fan-out runs inside workerd, next to the databases.
 */
export function localTarget(stateDirectory: string = LOCAL_STATE_DIRECTORY): DatabaseTarget {
  return {
    name: 'local',
    centralDatabaseId: LOCAL_CENTRAL_DATABASE_ID,
    open: (databaseIds) => openLocalDatabases(databaseIds, stateDirectory),
    createDatabase: async (name) => `local-${name}`,
    migrateAll: (options) => migrateAllInWorkerd(stateDirectory, options),
  };
}
