import { sql } from 'kysely';
import type { ExportRecord } from '../job-section.ts';
import type { CentralDatabase } from '../privacy-databases.ts';

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
 * insert into "export_chunks" ("job_id", "seq", "body")
 * select ? as "job_id", coalesce((select max("seq") as "seq" from "export_chunks" where "job_id" = ?), 0) + 1 as "seq", ? as "body"
 * where exists (select 1 as "one" from "privacy_job_parts"
 *               where "job_id" = ? and "part" = ? and "status" = 'pending' and "section" = ? and "cursor" = ?)
 * ```
 */
export function chunkStatements(
  central: CentralDatabase,
  jobId: number,
  part: number,
  section: string,
  cursor: readonly unknown[],
  records: readonly ExportRecord[],
) {
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
  const { db } = central;
  return bodies.map((body) =>
    db
      .insertInto('export_chunks')
      .columns(['job_id', 'seq', 'body'])
      .expression(
        db
          .selectNoFrom((eb) => [
            eb.val(jobId).as('job_id'),
            eb(
              eb.fn.coalesce(
                eb
                  .selectFrom('export_chunks')
                  .select((inner) => inner.fn.max('seq').as('seq'))
                  .where('job_id', '=', jobId),
                eb.lit(0),
              ),
              '+',
              eb.lit(1),
            ).as('seq'),
            eb.val(body).as('body'),
          ])
          .where((eb) =>
            eb.exists(
              eb
                .selectFrom('privacy_job_parts')
                .select(eb.lit(1).as('one'))
                .where('job_id', '=', jobId)
                .where('part', '=', part)
                .where('status', '=', sql.lit('pending'))
                .where('section', '=', section)
                .where('cursor', '=', JSON.stringify(cursor)),
            ),
          ),
      ),
  );
}
