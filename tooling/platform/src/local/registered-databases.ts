import type { DatabaseDirectoryRow } from '@waddle/registry/database-directory-row';
import { listAllDatabases } from '@waddle/registry/list-databases';
import { openLocalDatabases } from './local-databases.ts';
import { LOCAL_CENTRAL_DATABASE_ID } from './local-state-directory.ts';

/**
 * Every database of the local directory of databases, in id order (none while the central
 * database is empty or from before the directory). It opens the central database in a Miniflare
 * of its own and closes it before returning: Miniflare binds databases up front, so whoever serves
 * them locally needs the whole list.
 *
 * ```sql
 * SELECT d.*, w.id AS waddle_id, w.name AS waddle_name FROM databases d LEFT JOIN waddles w ON w.primary_database_id = d.id
 *   WHERE d.id > ? ORDER BY d.id LIMIT 1000;   -- per page
 * ```
 */
export async function registeredDatabases(stateDirectory: string): Promise<DatabaseDirectoryRow[]> {
  const local = await openLocalDatabases([LOCAL_CENTRAL_DATABASE_ID], stateDirectory);
  try {
    return await listAllDatabases(local.get(LOCAL_CENTRAL_DATABASE_ID)).catch(() => []);
  } finally {
    await local.dispose();
  }
}
