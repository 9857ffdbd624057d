import type { DB as CentralSchema } from '@waddle/central-schema/database';
import type { D1DatabaseLike } from '@waddle/d1/database';
import type { PrivacyJob } from '../privacy-job.ts';
import { openTypedDatabase } from '@waddle/d1/typed-database';

/** Chunks read per query while streaming an archive. */
const CHUNKS_PER_READ = 25;

/**
 * The archive of a finished export, as JSON text in pieces, read from `export_chunks` a few
 * chunks at a time in order: the whole archive is never in memory. Its shape:
 * `{"format":"waddle-export/1","userId":…,"jobId":…,"createdAt":…,"finishedAt":…,"records":[{"type":"profile","data":{…}}, …]}`,
 * with records of type `profile`, `settings`, `global_ban`, `membership`, `audit_entry`,
 * `audit_entry_about`, then per waddle (`waddleId`) `message` (with `edits` and `attachments`),
 * `reaction`, `read_state`, `role`, `ban`, `voice_session`, `thread`, `mention`, `thread_follow`,
 * `channel_notification_level`, `voice_participation`.
 *
 * ```sql
 * select "seq", "body" from "export_chunks" where "job_id" = ? and "seq" > ? order by "seq" limit ?   -- 25
 * ```
 */
export async function* exportArchive(central: D1DatabaseLike, job: PrivacyJob): AsyncGenerator<string> {
  yield `{"format":"waddle-export/1","userId":${job.userId},"jobId":${job.id},"createdAt":${job.createdAt},"finishedAt":${job.finishedAt},"records":[`;
  const { db } = openTypedDatabase<CentralSchema>(central);
  let after = 0;
  for (;;) {
    const results = await db
      .selectFrom('export_chunks')
      .select(['seq', 'body'])
      .where('job_id', '=', job.id)
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(CHUNKS_PER_READ)
      .execute();
    for (const chunk of results) yield after === 0 && chunk === results[0] ? chunk.body : `,${chunk.body}`;
    if (results.length < CHUNKS_PER_READ) break;
    after = results.at(-1)!.seq;
  }
  yield ']}';
}
