import type { DB as CentralSchema } from '@waddle/central-schema/database';
import { sql } from 'kysely';
import type { JobSection } from '../job-section.ts';
import { typedSection } from '../typed-section.ts';
import { pendingUploadsErasure } from './attachment-erasure-sections.ts';
import { updatedIdsPage } from './updated-ids-page.ts';

const PAGE = 500;
const CHUNK_PAGE = 50;

/**
 * Removes the address and user agent from the audit entries of the user's own actions.
 *
 * ```sql
 * update "audit_log" set "ip_address" = ?, "user_agent" = ?   -- null, null
 * where "id" in (select "id" from "audit_log" where "user_id" = ? and "id" > ? order by "id" limit ?) returning "id"   -- 500
 * ```
 */
export const auditErasure: JobSection = typedSection<CentralSchema>({
  name: 'audit_log',
  firstCursor: [0],
  statements: 1,
  async page({ db }, { userId }, cursor) {
    const results = await db
      .updateTable('audit_log')
      .set({ ip_address: null, user_agent: null })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('audit_log')
          .select('id')
          .where('user_id', '=', userId)
          .where('id', '>', cursor[0] as number)
          .orderBy('id')
          .limit(PAGE),
      )
      .returning('id')
      .execute();
    return updatedIdsPage(results, PAGE);
  },
});

/**
 * Deletes the archives of the user's earlier exports: they hold everything erasure removes.
 *
 * ```sql
 * delete from "export_chunks" where "rowid" in (
 *   select "c"."rowid" from "privacy_jobs" as "j" inner join "export_chunks" as "c" on "c"."job_id" = "j"."id"
 *   where "j"."user_id" = ? and "j"."kind" = 'export' limit ?)   -- 50
 * ```
 */
export const exportArchivesErasure: JobSection = typedSection<CentralSchema>({
  name: 'export_archives',
  firstCursor: [],
  statements: 1,
  async page({ db }, { userId }) {
    // rowid is SQLite's implicit key of export_chunks: not a column of the generated types.
    const result = await db
      .deleteFrom('export_chunks')
      .where(
        sql.ref('rowid'),
        'in',
        db
          .selectFrom('privacy_jobs as j')
          .innerJoin('export_chunks as c', 'c.job_id', 'j.id')
          .select(sql.ref<number>('c.rowid').as('rowid'))
          .where('j.user_id', '=', userId)
          .where('j.kind', '=', sql.lit('export'))
          .limit(CHUNK_PAGE),
      )
      .executeTakeFirst();
    const rows = Number(result.numDeletedRows);
    return { rows, records: [], next: rows < CHUNK_PAGE ? null : [] };
  },
});

/**
 * The central sections of an erasure that can be large; the profile, settings, memberships and
 * global ban are erased at once when the erasure starts (see `startErasure`). New sections go at
 * the end: a job already running when a deploy adds one still reaches it.
 */
export const centralErasureSections: readonly JobSection[] = [auditErasure, exportArchivesErasure, pendingUploadsErasure];
