import type { D1DatabaseLike } from '@waddle/d1/database';
import { openCentralDatabase } from '../central/central-database.ts';
import type { MonitorConfig } from '../config/monitor-config.ts';
import type { MonitorDependencies } from '../monitor-dependencies.ts';
import { type AttachmentUsageReport, runAttachmentUsageTick } from './attachment-usage-tick.ts';

/**
 * The attachment count of a sampling tick (the cron's and `POST /api/sample`'s): one
 * `runAttachmentUsageTick` of `config.attachmentListCallsPerTick` list calls on the bucket of
 * `dependencies`, at its clock's now; `null` when the Worker binds no attachment bucket. It sends
 * at most four central queries, beside the sampling tick's budget (`MAX_QUERIES_PER_TICK`, 900 of D1's 1,000).
 */
export function countAttachmentUsage(
  central: D1DatabaseLike,
  dependencies: MonitorDependencies,
  config: MonitorConfig,
): Promise<AttachmentUsageReport> | null {
  if (!dependencies.attachments) return null;
  return runAttachmentUsageTick(openCentralDatabase(central), dependencies.attachments, {
    now: dependencies.now(),
    maxListCalls: config.attachmentListCallsPerTick,
  });
}
