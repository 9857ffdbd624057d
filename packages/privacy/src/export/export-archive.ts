import type { D1DatabaseLike } from '@waddle/d1/database';
import type { PrivacyJob } from '../privacy-job.ts';

/** Chunks read per query while streaming an archive. */
const CHUNKS_PER_READ = 25;

/**
 * The archive of a finished export, as JSON text in pieces, read from `export_chunks` a few
 * chunks at a time in order: the whole archive is never in memory. Its shape:
 * `{"format":"waddle-export/1","userId":…,"jobId":…,"createdAt":…,"finishedAt":…,"records":[{"type":"profile","data":{…}}, …]}`,
 * with records of type `profile`, `settings`, `global_ban`, `membership`, `audit_entry`,
 * `audit_entry_about`, then per waddle (`waddleId`) `message` (with `edits` and `attachments`),
 * `reaction`, `read_state`, `role`, `ban`, `voice_session`.
 *
 * ```sql
 * SELECT seq, body FROM export_chunks WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT 25
 * ```
 */
export async function* exportArchive(central: D1DatabaseLike, job: PrivacyJob): AsyncGenerator<string> {
  yield `{"format":"waddle-export/1","userId":${job.userId},"jobId":${job.id},"createdAt":${job.createdAt},"finishedAt":${job.finishedAt},"records":[`;
  let after = 0;
  for (;;) {
    const { results } = await central
      .prepare('SELECT seq, body FROM export_chunks WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?')
      .bind(job.id, after, CHUNKS_PER_READ)
      .all<{ seq: number; body: string }>();
    for (const chunk of results) yield after === 0 && chunk === results[0] ? chunk.body : `,${chunk.body}`;
    if (results.length < CHUNKS_PER_READ) break;
    after = results.at(-1)!.seq;
  }
  yield ']}';
}
