import type { D1DatabaseLike } from '@waddle/d1/database';
import { directoryKysely, statementOf } from '@waddle/registry/directory-kysely';
import { firstRowOf } from './central-statements.ts';

/**
 * The statement of {@link acquireLease}: takes the lease `name` unless another holder's lease is
 * still running at `now`.
 *
 * ```sql
 * INSERT INTO migration_leases (name, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?)
 * ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
 *   WHERE migration_leases.expires_at <= excluded.acquired_at OR migration_leases.holder = excluded.holder
 * RETURNING holder;
 * ```
 */
export function acquireLeaseQuery(name: string, holder: string, ttlMs: number, now: number) {
  return directoryKysely
    .insertInto('migration_leases')
    .values({ name, holder, acquired_at: now, expires_at: now + ttlMs })
    .onConflict((conflict) =>
      conflict
        .column('name')
        .doUpdateSet((eb) => ({
          holder: eb.ref('excluded.holder'),
          acquired_at: eb.ref('excluded.acquired_at'),
          expires_at: eb.ref('excluded.expires_at'),
        }))
        .where((eb) =>
          eb.or([
            eb('migration_leases.expires_at', '<=', eb.ref('excluded.acquired_at')),
            eb('migration_leases.holder', '=', eb.ref('excluded.holder')),
          ]),
        ),
    )
    .returning('holder');
}

/**
 * Takes the named lease in the central database for `ttlMs` from `now`, unless another holder's lease is
 * still running. Returns whether this holder has it now. One statement, so two runs racing for
 * it cannot both win.
 *
 * ```sql
 * INSERT INTO migration_leases (name, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?)
 * ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
 *   WHERE migration_leases.expires_at <= excluded.acquired_at OR migration_leases.holder = excluded.holder
 * RETURNING holder;
 * ```
 */
export async function acquireLease(central: D1DatabaseLike, name: string, holder: string, ttlMs: number, now: number): Promise<boolean> {
  const row = await firstRowOf(central, acquireLeaseQuery(name, holder, ttlMs, now));
  return row?.holder === holder;
}

/**
 * Gives the lease back if this holder still has it.
 *
 * ```sql
 * DELETE FROM migration_leases WHERE name = ? AND holder = ?
 * ```
 */
export async function releaseLease(central: D1DatabaseLike, name: string, holder: string): Promise<void> {
  await statementOf(central, directoryKysely.deleteFrom('migration_leases').where('name', '=', name).where('holder', '=', holder)).run();
}

/**
 * Who holds the named lease now (whether or not it has expired), or `null` when nobody does.
 *
 * ```sql
 * SELECT holder FROM migration_leases WHERE name = ?
 * ```
 */
export async function leaseHolder(central: D1DatabaseLike, name: string): Promise<string | null> {
  const row = await firstRowOf(central, directoryKysely.selectFrom('migration_leases').select('holder').where('name', '=', name));
  return row?.holder ?? null;
}
