import { locationOf } from '@waddle/registry/database-directory-row';
import { listDatabases } from '@waddle/registry/list-databases';
import type { Compilable } from 'kysely';
import type { CentralDatabase } from '../central/central-database.ts';
import type { WatchedDatabase } from './watched-database.ts';

/** One of the monitor's walks over the directory of databases, each with its own cursor. */
export type RegistryWalk = 'size-sampling' | 'optimize';

/** The next databases of a walk, and where the walk stands after them. */
export interface RegistryStep {
  readonly databases: readonly WatchedDatabase[];
  /** The cursor to store once the step is done: the last directory id taken, or 0 after the end of the directory. */
  readonly nextCursor: number;
}

/**
 * Reads where a walk stopped and takes the next `limit` databases of the directory after it, in
 * id order (`listDatabases`); a step that reaches the end of the directory sets the cursor back to
 * 0, so the next one starts over. Each database is visited once per pass, however large the
 * directory; one that no waddle points at is watched under its D1 id.
 *
 * ```sql
 * SELECT after_database_id FROM monitor_cursors WHERE name = ?;
 * SELECT d.*, w.id AS waddle_id, w.name AS waddle_name FROM databases d LEFT JOIN waddles w ON w.primary_database_id = d.id
 *   WHERE d.id > ? ORDER BY d.id LIMIT ?;
 * ```
 *
 * @example
 * ```ts
 * const step = await nextRegistryStep(central, 'size-sampling', 600);
 * // … sample step.databases, then in the same batch as the results:
 * saveRegistryCursor(central, 'size-sampling', step.nextCursor, dependencies.now());
 * ```
 */
export async function nextRegistryStep(central: CentralDatabase, walk: RegistryWalk, limit: number): Promise<RegistryStep> {
  const cursor = await central.db.selectFrom('monitor_cursors').select('after_database_id').where('name', '=', walk).executeTakeFirst();
  if (limit < 1) return { databases: [], nextCursor: cursor?.after_database_id ?? 0 };
  const page = await listDatabases(central.d1, { after: cursor?.after_database_id ?? 0, limit });
  return {
    databases: page.databases.map((row) => ({
      ...locationOf(row),
      waddleId: row.waddle_id,
      name: row.waddle_name ?? row.d1_database_id,
    })),
    nextCursor: page.nextAfter ?? 0,
  };
}

/**
 * The statement that stores a walk's cursor, to run in the batch that records the step's results.
 *
 * ```sql
 * INSERT INTO monitor_cursors (name, after_database_id, updated_at) VALUES (?, ?, ?)
 *   ON CONFLICT (name) DO UPDATE SET after_database_id = excluded.after_database_id, updated_at = excluded.updated_at;
 * ```
 */
export function saveRegistryCursor(central: CentralDatabase, walk: RegistryWalk, afterDatabaseId: number, now: number): Compilable {
  return central.db
    .insertInto('monitor_cursors')
    .values({ name: walk, after_database_id: afterDatabaseId, updated_at: now })
    .onConflict((conflict) =>
      conflict
        .column('name')
        .doUpdateSet((eb) => ({ after_database_id: eb.ref('excluded.after_database_id'), updated_at: eb.ref('excluded.updated_at') })),
    );
}
