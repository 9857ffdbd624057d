import type { D1DatabaseLike } from '@waddle/d1/database';

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
  const row = await central
    .prepare(
      `INSERT INTO migration_leases (name, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
         WHERE migration_leases.expires_at <= excluded.acquired_at OR migration_leases.holder = excluded.holder
       RETURNING holder`,
    )
    .bind(name, holder, now, now + ttlMs)
    .first<{ holder: string }>();
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
  await central.prepare('DELETE FROM migration_leases WHERE name = ? AND holder = ?').bind(name, holder).run();
}
