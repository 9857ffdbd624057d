import type { Clock } from '@waddle/clock/clock';
import type { D1DatabaseLike } from '@waddle/d1/database';
import type { DatabaseConnector } from '@waddle/registry/database-connectors';
import { type AttachmentBucket, advanceJob, type JobStep } from './advance-job.ts';
import type { PrivacyJob } from './privacy-job.ts';

export interface RunOptions {
  readonly maxQueriesPerStep?: number;
  /** Steps in a row that may fail without any progress before giving up (default 3). */
  readonly maxFailedSteps?: number;
  readonly onStep?: (step: JobStep) => void;
  /** The time of each step. */
  readonly clock: Clock;
  /** The attachment bucket, for an erasure of a user with files (see `StepOptions`). */
  readonly attachments?: AttachmentBucket;
}

/**
 * Runs a job step after step until it is done (the operator CLI, from Node, over the local or the
 * remote target). A step in which every database it tried failed and none progressed counts as a
 * failed step; after `maxFailedSteps` of them in a row it returns the job unfinished, with each
 * database's error, and a later run resumes it where it stopped.
 */
export async function runJobToEnd(
  central: D1DatabaseLike,
  connectors: readonly DatabaseConnector[],
  jobId: number,
  options: RunOptions,
): Promise<PrivacyJob> {
  const { clock } = options;
  let failedSteps = 0;
  for (;;) {
    const step = await advanceJob(central, connectors, jobId, {
      now: clock(),
      maxQueries: options.maxQueriesPerStep,
      attachments: options.attachments,
    });
    options.onStep?.(step);
    if (step.job.status === 'done') return step.job;
    const progressed = step.worked.some((work) => work.pages > 0);
    failedSteps = progressed ? 0 : failedSteps + 1;
    if (failedSteps >= (options.maxFailedSteps ?? 3)) return step.job;
  }
}
