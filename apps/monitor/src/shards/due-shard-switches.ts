import { sql } from 'kysely';
import type { CentralDatabase } from '../central/central-database.ts';

/** A waddle whose message shards the shard pass works on, and why. */
export interface DueShardSwitch {
  readonly waddleId: number;
  /**
   * `resume`: an `opening` shard is in the directory (a switch stopped before activating it; its
   * replaced shard may already be sealed, and posts refused, until it completes). `threshold`: the
   * message-taking database's last sample is at or past the threshold. `projection`: its growth
   * reaches the threshold within the projection horizon.
   */
  readonly reason: 'resume' | 'threshold' | 'projection';
  /** The database the switch replaces: the measured one (`threshold`, `projection`), or null to take the newest serving shard (`resume`). */
  readonly replacing: string | null;
  /** Its last sampled size, or null for a resume. */
  readonly sizeBytes: number | null;
}

/**
 * The waddles the shard pass works on, at most `limit` of them: first every waddle with an
 * `opening` shard (a stopped switch, to complete), then every waddle whose message-taking database
 * (a waddle's primary with no shard state, or its `active` shard) was last sampled at or past
 * `thresholdBytes`, or is growing to it within `horizonDays` (growth fitted by the sampling over
 * the projection window). One waddle appears once; sealed shards never do (they take no new
 * messages). Two queries, the first on the `databases_message_shards` index, the second over the
 * directory joined to each database's latest sample (one row per database):
 *
 * ```sql
 * SELECT DISTINCT shard_waddle_id FROM databases WHERE shard_waddle_id IS NOT NULL AND message_state = 'opening';
 * SELECT coalesce(d.shard_waddle_id, w.id) AS waddle_id, d.d1_database_id, m.size_bytes, m.growth_bytes_per_day
 *   FROM databases d JOIN monitored_databases m ON m.d1_database_id = d.d1_database_id
 *   LEFT JOIN waddles w ON w.primary_database_id = d.id
 *   WHERE ((w.id IS NOT NULL AND d.message_state IS NULL) OR d.message_state = 'active')
 *     AND m.size_bytes + max(coalesce(m.growth_bytes_per_day, 0), 0) * ? >= ?
 *   ORDER BY d.id LIMIT ?;
 * ```
 *
 * @example
 * ```ts
 * const due = await dueShardSwitches(central, config.shardThresholdBytes, config.projectionHorizonDays, 10);
 * ```
 */
export async function dueShardSwitches(
  central: CentralDatabase,
  thresholdBytes: number,
  horizonDays: number,
  limit: number,
): Promise<DueShardSwitch[]> {
  const opening = await central.db
    .selectFrom('databases')
    .select('shard_waddle_id')
    .distinct()
    .where('shard_waddle_id', 'is not', null)
    .where('message_state', '=', 'opening')
    .orderBy('shard_waddle_id')
    .limit(limit)
    .execute();
  const resumes: DueShardSwitch[] = opening.map((row) => ({
    waddleId: row.shard_waddle_id!,
    reason: 'resume',
    replacing: null,
    sizeBytes: null,
  }));
  if (resumes.length >= limit) return resumes;
  const projected = sql<number>`m.size_bytes + max(coalesce(m.growth_bytes_per_day, 0), 0) * ${horizonDays}`;
  const taking = await central.db
    .selectFrom('databases as d')
    .innerJoin('monitored_databases as m', 'm.d1_database_id', 'd.d1_database_id')
    .leftJoin('waddles as w', 'w.primary_database_id', 'd.id')
    .select((eb) => [
      eb.fn.coalesce('d.shard_waddle_id', 'w.id').as('waddle_id'),
      'd.d1_database_id',
      'm.size_bytes',
      'm.growth_bytes_per_day',
    ])
    .where((eb) => eb.or([eb.and([eb('w.id', 'is not', null), eb('d.message_state', 'is', null)]), eb('d.message_state', '=', 'active')]))
    .where(projected, '>=', thresholdBytes)
    .orderBy('d.id')
    .limit(limit)
    .execute();
  const resumed = new Set(resumes.map((r) => r.waddleId));
  const grown = taking
    .filter((row) => row.waddle_id !== null && !resumed.has(row.waddle_id))
    .map(
      (row): DueShardSwitch => ({
        waddleId: row.waddle_id!,
        reason: (row.size_bytes ?? 0) >= thresholdBytes ? 'threshold' : 'projection',
        replacing: row.d1_database_id,
        sizeBytes: row.size_bytes,
      }),
    );
  return [...resumes, ...grown].slice(0, limit);
}
