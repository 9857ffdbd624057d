import type { Compilable } from 'kysely';
import type { CentralDatabase } from '../central/central-database.ts';
import type { WatchedDatabase } from './watched-database.ts';

/** One of the monitor's walks over the registry, each with its own cursor. */
export type RegistryWalk = 'size-sampling' | 'optimize';

/** The next waddles of a walk, and where the walk stands after them. */
export interface RegistryStep {
  readonly waddles: readonly WatchedDatabase[];
  /** The cursor to store once the step is done: the last id taken, or 0 after the end of the registry. */
  readonly nextCursor: number;
}

/**
 * Reads where a walk stopped and takes the next `limit` waddles after it, in id order; a step
 * that reaches the end of the registry sets the cursor back to 0, so the next one starts over. Each
 * waddle is visited once per pass, however large the registry.
 *
 * ```sql
 * SELECT after_database_id FROM monitor_cursors WHERE name = ?;
 * SELECT id, name, d1_database_id, d1_binding FROM waddles WHERE id > ? ORDER BY id LIMIT ?;
 * ```
 *
 * @example
 * ```ts
 * const step = await nextRegistryStep(central, 'size-sampling', 600);
 * // … sample step.waddles, then in the same batch as the results:
 * saveRegistryCursor(central, 'size-sampling', step.nextCursor, dependencies.now());
 * ```
 */
export async function nextRegistryStep(central: CentralDatabase, walk: RegistryWalk, limit: number): Promise<RegistryStep> {
  const cursor = await central.db.selectFrom('monitor_cursors').select('after_database_id').where('name', '=', walk).executeTakeFirst();
  const rows = await central.db
    .selectFrom('waddles')
    .select(['id', 'name', 'd1_database_id', 'd1_binding'])
    .where('id', '>', cursor?.after_database_id ?? 0)
    .orderBy('id')
    .limit(limit)
    .execute();
  return {
    waddles: rows.map((row) => ({ waddleId: row.id, name: row.name, d1DatabaseId: row.d1_database_id, d1Binding: row.d1_binding })),
    nextCursor: rows.length < limit ? 0 : rows.at(-1)!.id,
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
export function saveRegistryCursor(central: CentralDatabase, walk: RegistryWalk, afterWaddleId: number, now: number): Compilable {
  return central.db
    .insertInto('monitor_cursors')
    .values({ name: walk, after_database_id: afterWaddleId, updated_at: now })
    .onConflict((conflict) =>
      conflict
        .column('name')
        .doUpdateSet((eb) => ({ after_database_id: eb.ref('excluded.after_database_id'), updated_at: eb.ref('excluded.updated_at') })),
    );
}
