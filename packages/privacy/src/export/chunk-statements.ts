import type { D1DatabaseLike, D1StatementLike } from '@waddle/d1/database';
import type { ExportRecord } from '../job-section.ts';

/** The most characters of one chunk: a D1 row is at most 2 MB, and UTF-8 may take 3 bytes a character here. */
export const MAX_CHUNK_CHARACTERS = 600_000;

/**
 * The statements that append a page's records to an export archive: the records as JSON, joined
 * by commas, in chunks of at most {@link MAX_CHUNK_CHARACTERS}, each numbered after the last one.
 * Each insert only happens while the part is still at the section and cursor the page was read
 * from; the progress update that follows in the same batch moves it on, so a page is appended
 * once even when two steps race.
 *
 * ```sql
 * INSERT INTO export_chunks (job_id, seq, body)
 * SELECT ?, coalesce((SELECT max(seq) FROM export_chunks WHERE job_id = ?), 0) + 1, ?
 * WHERE EXISTS (SELECT 1 FROM privacy_job_parts WHERE job_id = ? AND part = ? AND status = 'pending' AND section = ? AND cursor = ?)
 * ```
 */
export function chunkStatements(
  central: D1DatabaseLike,
  jobId: number,
  part: number,
  section: string,
  cursor: readonly unknown[],
  records: readonly ExportRecord[],
): D1StatementLike[] {
  const bodies: string[] = [];
  let current = '';
  for (const record of records) {
    const json = JSON.stringify(record);
    if (current !== '' && current.length + 1 + json.length > MAX_CHUNK_CHARACTERS) {
      bodies.push(current);
      current = '';
    }
    current = current === '' ? json : `${current},${json}`;
  }
  if (current !== '') bodies.push(current);
  return bodies.map((body) =>
    central
      .prepare(
        `INSERT INTO export_chunks (job_id, seq, body)
         SELECT ?, coalesce((SELECT max(seq) FROM export_chunks WHERE job_id = ?), 0) + 1, ?
         WHERE EXISTS (SELECT 1 FROM privacy_job_parts WHERE job_id = ? AND part = ? AND status = 'pending' AND section = ? AND cursor = ?)`,
      )
      .bind(jobId, jobId, body, jobId, part, section, JSON.stringify(cursor)),
  );
}
