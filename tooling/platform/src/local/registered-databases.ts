import { readRegistry, type RegistryRow } from '@waddle/provisioning/migrate-all';
import { openLocalDatabases } from './local-databases.ts';
import { LOCAL_CENTRAL_DATABASE_ID } from './local-state-directory.ts';

/**
 * The waddles the local registry lists, with their databases (none while the central database is
 * empty). It opens the central database in a Miniflare of its own and closes it before returning.
 *
 * ```sql
 * SELECT name, d1_database_id, schema_version FROM waddles ORDER BY id
 * ```
 */
export async function registeredDatabases(stateDirectory: string): Promise<RegistryRow[]> {
  const local = await openLocalDatabases([LOCAL_CENTRAL_DATABASE_ID], stateDirectory);
  try {
    return await readRegistry(local.get(LOCAL_CENTRAL_DATABASE_ID)).catch(() => []);
  } finally {
    await local.dispose();
  }
}
