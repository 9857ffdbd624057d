import type { WaddleDatabase } from '../waddle-database.ts';
import type { BanRow } from './ban-row.ts';
import { boundLimit } from '../bound-limit.ts';

/**
 * The bans in force at `now` (permanent, or expiring later), newest first, at most 1,000.
 *
 * ```sql
 * SELECT * FROM bans WHERE expires_at IS NULL OR expires_at > ? ORDER BY banned_at DESC LIMIT 1000
 * ```
 */
export function listBansInForce(waddle: WaddleDatabase, now: number): Promise<BanRow[]> {
  return waddle.db
    .selectFrom('bans')
    .selectAll()
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('banned_at', 'desc')
    .limit(boundLimit(1000))
    .execute();
}
