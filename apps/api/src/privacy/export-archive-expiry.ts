import type { PrivacyJob } from '@waddle/privacy/privacy-job';

/** How long a finished export's archive is kept when `EXPORT_ARCHIVE_TTL_HOURS` is not set: 7 days. */
export const DEFAULT_EXPORT_ARCHIVE_TTL_HOURS = 168;

/** The longest `EXPORT_ARCHIVE_TTL_HOURS` accepted: a year. */
const MAX_EXPORT_ARCHIVE_TTL_HOURS = 8760;

const MS_PER_HOUR = 3_600_000;

/**
 * How many hours a finished export's archive is kept, from the Worker's `EXPORT_ARCHIVE_TTL_HOURS`
 * var (from 1 to 8,760; default 168, 7 days). Reads no database.
 *
 * @throws {Error} naming the variable, when it is set to anything else.
 *
 * @example
 * ```ts
 * exportArchiveTtlHours(env); // 168 with wrangler.jsonc's value
 * ```
 */
export function exportArchiveTtlHours(env: { readonly EXPORT_ARCHIVE_TTL_HOURS?: string | number }): number {
  const raw = env.EXPORT_ARCHIVE_TTL_HOURS;
  if (raw === undefined || raw === '') return DEFAULT_EXPORT_ARCHIVE_TTL_HOURS;
  const hours = Number(raw);
  if (!Number.isFinite(hours) || hours < 1 || hours > MAX_EXPORT_ARCHIVE_TTL_HOURS) {
    throw new Error(
      `EXPORT_ARCHIVE_TTL_HOURS: expected a number of hours from 1 to ${MAX_EXPORT_ARCHIVE_TTL_HOURS}, got ${JSON.stringify(raw)}`,
    );
  }
  return hours;
}

/**
 * The expiry cutoff at `now`: an export that finished at or before this instant (ms since the
 * epoch) has expired. The API's check and the cron's `finished_at <= ?` both use it. Reads no database.
 */
export function exportArchiveCutoff(now: number, ttlHours: number): number {
  return now - ttlHours * MS_PER_HOUR;
}

/**
 * How long after an archive expires its chunks may still be read: a download that began just
 * before the deadline streams to its end instead of being cut short by the cron.
 */
export const ARCHIVE_DOWNLOAD_GRACE_HOURS = 1;

/**
 * The cutoff for deleting archives at `now`: {@link exportArchiveCutoff}, one
 * {@link ARCHIVE_DOWNLOAD_GRACE_HOURS} earlier. The API refuses an archive from its expiry on;
 * the cron deletes its chunks only once no download that began before then can still be running.
 * Reads no database.
 */
export function exportArchiveDeletionCutoff(now: number, ttlHours: number): number {
  return exportArchiveCutoff(now, ttlHours) - ARCHIVE_DOWNLOAD_GRACE_HOURS * MS_PER_HOUR;
}

/**
 * When a finished export's archive expires (ms since the epoch): `ttlHours` after it finished, the
 * instant from which {@link exportArchiveCutoff} counts it expired. Reads no database.
 */
export function exportArchiveExpiresAt(finishedAt: number, ttlHours: number): number {
  return finishedAt + ttlHours * MS_PER_HOUR;
}

/**
 * Whether a finished export's archive may no longer be served: the export finished at or before
 * `cutoff` (see {@link exportArchiveCutoff}), or its chunks were already deleted on expiry (under a
 * shorter TTL than today's). An export still running has no archive yet and is not expired.
 * Reads no database.
 */
export function isExportArchiveExpired(job: Pick<PrivacyJob, 'status' | 'finishedAt' | 'archiveDeletedAt'>, cutoff: number): boolean {
  if (job.archiveDeletedAt !== null) return true;
  return job.status === 'done' && job.finishedAt !== null && job.finishedAt <= cutoff;
}
