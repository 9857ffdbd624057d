import type { D1DatabaseLike } from '@waddle/d1/database';
import { openDirectoryDatabase } from '@waddle/directory-queries/directory-database';
import { runningPrivacyJobIds } from '@waddle/directory-queries/privacy/running-privacy-jobs';
import { type AttachmentBucket, advanceJob, DEFAULT_STEP_QUERIES } from '@waddle/privacy/advance-job';
import type { PrivacyJob } from '@waddle/privacy/privacy-job';
import type { DatabaseConnector } from '@waddle/registry/database-connectors';

/** What one pass of the resumer did: each job it advanced, and whether that finished it. */
export interface ResumedJob {
  readonly jobId: number;
  readonly finished: boolean;
  readonly failedDatabases: number;
}

/**
 * Advances unfinished privacy jobs of one kind by one bounded step each, oldest first. An erased
 * user cannot call the API again, so an erasure that `DELETE /v1/me` could not finish (a waddle
 * database unreachable, or more rows than one request's budget) is carried on by the cron until
 * done, a failing database retried on every pass; an export goes on while its user only polls
 * `GET /v1/me/export/{job}` (which never advances it). At most `maxJobs` steps of `stepQueries`
 * queries, so a pass stays under D1's 1,000 queries per invocation.
 *
 * ```sql
 * -- runningPrivacyJobIds:
 * SELECT id FROM privacy_jobs WHERE kind = ? AND status = 'running' ORDER BY id LIMIT ?  -- partial index privacy_jobs_one_running (running jobs only)
 * -- then advanceJob(…) for each
 * ```
 */
export async function resumePrivacyJobs(
  central: D1DatabaseLike,
  connectors: readonly DatabaseConnector[],
  kind: PrivacyJob['kind'],
  now: number,
  options: { readonly maxJobs?: number; readonly stepQueries?: number; readonly attachments?: AttachmentBucket } = {},
): Promise<ResumedJob[]> {
  const jobIds = await runningPrivacyJobIds(openDirectoryDatabase(central), kind, options.maxJobs ?? 2);
  const resumed: ResumedJob[] = [];
  for (const id of jobIds) {
    const { job } = await advanceJob(central, connectors, id, {
      now,
      maxQueries: options.stepQueries ?? DEFAULT_STEP_QUERIES,
      attachments: options.attachments,
    });
    resumed.push({
      jobId: id,
      finished: job.status === 'done',
      failedDatabases: job.parts.filter((part) => part.status === 'pending' && part.error !== null).length,
    });
  }
  return resumed;
}
