import { SIZES_PER_STATEMENT } from '@waddle/registry/record-database-size';
import { IDS_PER_LOOKUP } from './recent-size-fits.ts';

/** Rows per multi-row statement of a sampling tick's batch, each under D1's 100 bound parameters. */
export const ROWS_PER_STATEMENT = {
  /** `size_samples`: 3 columns. */
  samples: 33,
  /** `monitored_databases` after a measurement: 9 columns. */
  measured: 11,
  /** `monitored_databases` after a failure: 5 columns. */
  failed: 20,
  /** `size_alert_states`: 5 columns. */
  raised: 20,
  /** ids whose samples past the retention are deleted. */
  pruned: 98,
  /** ids whose alert of one level is cleared. */
  cleared: 98,
  /** `audit_log`: 5 columns. */
  audit: 20,
} as const;

/**
 * The most D1 queries a sampling tick over `waddles` databases of the directory (plus the central one)
 * can send: the cursor and directory reads, one `SELECT 1` per database, the fit and alert
 * lookups, and the batch that stores everything, counted for the worst case (every database
 * raising or clearing both levels).
 *
 * @example
 * ```ts
 * samplingTickQueryCost(600); // 855
 * ```
 */
export function samplingTickQueryCost(waddles: number): number {
  const databases = waddles + 1;
  const per = (rows: number, perStatement: number) => Math.ceil(rows / perStatement);
  return (
    2 + // cursor, directory page
    databases + // SELECT 1 on each
    2 * per(databases, IDS_PER_LOOKUP) + // fit sums, raised alerts
    per(databases, ROWS_PER_STATEMENT.samples) +
    per(databases, ROWS_PER_STATEMENT.measured) +
    1 + // failed databases, at most one statement more than if they had been measured
    per(waddles, SIZES_PER_STATEMENT) + // sizes recorded in the directory
    per(databases, ROWS_PER_STATEMENT.pruned) +
    per(2 * databases, ROWS_PER_STATEMENT.raised) +
    2 * per(databases, ROWS_PER_STATEMENT.cleared) +
    per(2 * databases, ROWS_PER_STATEMENT.audit) +
    1 // cursor
  );
}

/**
 * How many databases of the directory one sampling tick takes so that it never sends more than
 * `maxQueries` D1 queries: the largest count whose {@link samplingTickQueryCost} fits.
 *
 * @example
 * ```ts
 * databasesPerSamplingTick(900); // 632: a directory of 3,000 databases is covered in 5 ticks
 * ```
 */
export function databasesPerSamplingTick(maxQueries: number): number {
  let waddles = 0;
  while (samplingTickQueryCost(waddles + 1) <= maxQueries) waddles += 1;
  return waddles;
}
