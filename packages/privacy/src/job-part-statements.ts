import { sql } from 'kysely';
import type { JobSection } from './job-section.ts';
import type { CentralDatabase } from './privacy-databases.ts';

/**
 * The inserts that give the user's running job of `kind` its central part (0) and one part
 * per waddle the user ever joined (`user_waddles`), each at the start of its first section.
 * Sent in the batch that creates the job; running them again adds nothing.
 *
 * ```sql
 * insert or ignore into "privacy_job_parts" ("job_id", "part", "d1_database_id", "section", "cursor", "updated_at")
 *   select "j"."id", 0 as "part", null as "d1_database_id", ? as "section", ? as "cursor", ? as "updated_at"
 *   from "privacy_jobs" as "j" where "j"."user_id" = ? and "j"."kind" = ? and "j"."status" = 'running';
 * insert or ignore into "privacy_job_parts" ("job_id", "part", "d1_database_id", "section", "cursor", "updated_at")
 *   select "j"."id", "uw"."waddle_id", "w"."d1_database_id", ? as "section", ? as "cursor", ? as "updated_at"
 *   from "privacy_jobs" as "j" inner join "user_waddles" as "uw" on "uw"."user_id" = "j"."user_id"
 *   inner join "waddles" as "w" on "w"."id" = "uw"."waddle_id"
 *   where "j"."user_id" = ? and "j"."kind" = ? and "j"."status" = 'running';
 * ```
 */
export function jobPartStatements(
  central: CentralDatabase,
  kind: 'export' | 'erasure',
  userId: number,
  now: number,
  centralSection: JobSection,
  waddleSection: JobSection,
) {
  const { db } = central;
  const columns = ['job_id', 'part', 'd1_database_id', 'section', 'cursor', 'updated_at'] as const;
  const runningJob = db
    .selectFrom('privacy_jobs as j')
    .where('j.user_id', '=', userId)
    .where('j.kind', '=', kind)
    .where('j.status', '=', sql.lit('running'));
  return [
    db
      .insertInto('privacy_job_parts')
      .orIgnore()
      .columns(columns)
      .expression(
        runningJob.select((eb) => [
          'j.id',
          eb.lit(0).as('part'),
          eb.lit(null).as('d1_database_id'),
          eb.val(centralSection.name).as('section'),
          eb.val(JSON.stringify(centralSection.firstCursor)).as('cursor'),
          eb.val(now).as('updated_at'),
        ]),
      ),
    db
      .insertInto('privacy_job_parts')
      .orIgnore()
      .columns(columns)
      .expression(
        runningJob
          .innerJoin('user_waddles as uw', 'uw.user_id', 'j.user_id')
          .innerJoin('waddles as w', 'w.id', 'uw.waddle_id')
          .select((eb) => [
            'j.id',
            'uw.waddle_id',
            'w.d1_database_id',
            eb.val(waddleSection.name).as('section'),
            eb.val(JSON.stringify(waddleSection.firstCursor)).as('cursor'),
            eb.val(now).as('updated_at'),
          ]),
      ),
  ];
}
