import type { D1DatabaseLike } from '@waddle/d1/database';
import type { DatabaseConnector } from '@waddle/registry/database-connectors';
import { locationOf } from '@waddle/registry/database-directory-row';
import { reachDatabase } from '@waddle/registry/reach-database';
import { chunkStatements } from './export/chunk-statements.ts';
import { sectionsOf } from './job-sections.ts';
import type { SectionPage } from './job-section.ts';
import { CENTRAL_PART, type PrivacyJob, type PrivacyJobPart, readPrivacyJob } from './privacy-job.ts';
import { QueryBudget } from './query-budget.ts';

/** How many queries one step may send by default: well under D1's 1,000 per Worker invocation. */
export const DEFAULT_STEP_QUERIES = 300;

/** What one step did in one database. */
export interface PartWork {
  readonly part: number;
  readonly pages: number;
  readonly rows: number;
  readonly error?: string;
}

/** The job after a step, and what the step did. */
export interface JobStep {
  readonly job: PrivacyJob;
  readonly worked: readonly PartWork[];
  /** Queries the step sent, central and waddle databases together (every statement of a batch counts). */
  readonly queries: number;
}

export interface StepOptions {
  readonly now: number;
  /** The most queries the step may send; it stops before a page that might not fit. */
  readonly maxQueries?: number;
}

/** A waddle of the job and its primary database's directory row. */
interface Location {
  id: number;
  d1_database_id: string;
  slice: string | null;
  binding: string | null;
}

/** The queries a page costs at most beyond its own reads: its chunks of archive and its progress. */
const PAGE_OVERHEAD = 4;

/**
 * Advances a job by one bounded step: it works through the pending parts in order (the central
 * directory first, then each waddle database reached through its directory row and `connectors`),
 * a page at a time, until the query budget would be exceeded or the job is finished. After each
 * page it records the part's new section and cursor in one central batch, together with the
 * page's archive chunks for an export; both are conditional on the part still being where the
 * page started, so two steps racing on one job never write a chunk twice. A database that fails
 * (unreachable, an error) keeps its cursor, counts the attempt and its error, and is retried by a
 * later step; the others go on. When every part is done the job is finished (an erasure also
 * forgets `user_waddles` and records `user.erase.done`). A part whose waddle has left the registry
 * (deleted with its database) is done, with that noted as its error.
 *
 * ```sql
 * SELECT * FROM privacy_jobs WHERE id = ?;                                    -- readPrivacyJob
 * SELECT … FROM privacy_job_parts WHERE job_id = ? ORDER BY part;
 * SELECT w.id, d.d1_database_id, d.slice, d.binding FROM waddles w JOIN databases d ON d.id = w.primary_database_id
 *   WHERE w.id IN (SELECT part FROM privacy_job_parts WHERE job_id = ? AND status = 'pending');
 * UPDATE privacy_job_parts SET attempts = attempts + 1, updated_at = ? WHERE job_id = ? AND part = ?;   -- once per part per step
 * -- a page of the part's section, then in one batch:
 * INSERT INTO export_chunks (job_id, seq, body) SELECT ?, coalesce((SELECT max(seq) …), 0) + 1, ? WHERE EXISTS (…part unchanged…);   -- export
 * UPDATE privacy_job_parts SET section = ?, cursor = ?, status = ?, rows_done = rows_done + ?, error = NULL, updated_at = ?, finished_at = ?
 *   WHERE job_id = ? AND part = ? AND status = 'pending' AND section = ? AND cursor = ?;
 * -- on failure:
 * UPDATE privacy_job_parts SET error = ?, updated_at = ? WHERE job_id = ? AND part = ?;
 * ```
 */
export async function advanceJob(
  central: D1DatabaseLike,
  connectors: readonly DatabaseConnector[],
  jobId: number,
  options: StepOptions,
): Promise<JobStep> {
  const budget = new QueryBudget(options.maxQueries ?? DEFAULT_STEP_QUERIES);
  const job = await readPrivacyJob(central, jobId);
  budget.spend(2);
  if (!job) throw new Error(`no privacy job ${jobId}`);
  if (job.status === 'done') return { job, worked: [], queries: budget.spent };

  const { results: locations } = await central
    .prepare(
      `SELECT w.id, d.d1_database_id, d.slice, d.binding FROM waddles w JOIN databases d ON d.id = w.primary_database_id
       WHERE w.id IN (SELECT part FROM privacy_job_parts WHERE job_id = ? AND status = 'pending')`,
    )
    .bind(jobId)
    .all<Location>();
  budget.spend(1);
  const worked: PartWork[] = [];
  for (const part of job.parts) {
    if (part.status === 'done') continue;
    if (!budget.allows(1 + maxPageCost(job, part))) break;
    const database =
      part.part === CENTRAL_PART
        ? central
        : connect(
            connectors,
            locations.find((l) => l.id === part.part),
          );
    worked.push(await workOnPart(central, database, job, part, budget, options.now));
  }
  let after = (await readPrivacyJob(central, jobId))!;
  budget.spend(2);
  if (after.parts.every((part) => part.status === 'done') && budget.allows(4)) {
    await finishJob(central, after, options.now);
    budget.spend(after.kind === 'erasure' ? 3 : 1);
    after = (await readPrivacyJob(central, jobId))!;
    budget.spend(2);
  }
  return { job: after, worked, queries: budget.spent };
}

function maxPageCost(job: PrivacyJob, part: PrivacyJobPart): number {
  return Math.max(...sectionsOf(job.kind, part.part).map((section) => section.statements)) + PAGE_OVERHEAD;
}

/** The waddle of a part is no longer in the registry: deleted, with its database. */
class WaddleGoneError extends Error {
  override readonly name = 'WaddleGoneError';
}

function connect(connectors: readonly DatabaseConnector[], location: Location | undefined): D1DatabaseLike | Error {
  if (!location) return new WaddleGoneError('the waddle is no longer in the registry');
  return reachDatabase(connectors, locationOf(location)) ?? new Error(`no connector reaches database ${location.d1_database_id}`);
}

async function workOnPart(
  central: D1DatabaseLike,
  database: D1DatabaseLike | Error,
  job: PrivacyJob,
  part: PrivacyJobPart,
  budget: QueryBudget,
  now: number,
): Promise<PartWork> {
  await central
    .prepare('UPDATE privacy_job_parts SET attempts = attempts + 1, updated_at = ? WHERE job_id = ? AND part = ?')
    .bind(now, job.id, part.part)
    .run();
  budget.spend(1);
  const sections = sectionsOf(job.kind, part.part);
  let sectionName = part.section;
  let cursor = part.cursor;
  let pages = 0;
  let rows = 0;
  if (database instanceof WaddleGoneError) {
    // The waddle was deleted with its database: nothing of the user is left there.
    await central
      .prepare(
        "UPDATE privacy_job_parts SET status = 'done', error = ?, updated_at = ?, finished_at = ? WHERE job_id = ? AND part = ? AND status = 'pending'",
      )
      .bind(database.message, now, now, job.id, part.part)
      .run();
    budget.spend(1);
    return { part: part.part, pages: 0, rows: 0 };
  }
  try {
    if (database instanceof Error) throw database;
    for (;;) {
      const index = sections.findIndex((s) => s.name === sectionName);
      const section = sections[index];
      if (!section) throw new Error(`unknown section ${sectionName}`);
      if (!budget.allows(section.statements + PAGE_OVERHEAD)) break;
      const page: SectionPage = await section.page(
        database,
        { userId: job.userId, waddleId: part.part === CENTRAL_PART ? null : part.part },
        cursor,
      );
      budget.spend(section.statements);
      const nextSection = page.next === null ? sections[index + 1] : section;
      const nextCursor = page.next ?? nextSection?.firstCursor ?? [];
      const finished = nextSection === undefined;
      const chunks = job.kind === 'export' ? chunkStatements(central, job.id, part.part, sectionName, cursor, page.records) : [];
      const results = await central.batch([
        ...chunks,
        central
          .prepare(
            `UPDATE privacy_job_parts SET section = ?, cursor = ?, status = ?, rows_done = rows_done + ?, error = NULL, updated_at = ?, finished_at = ?
             WHERE job_id = ? AND part = ? AND status = 'pending' AND section = ? AND cursor = ?`,
          )
          .bind(
            nextSection?.name ?? sectionName,
            JSON.stringify(nextCursor),
            finished ? 'done' : 'pending',
            page.rows,
            now,
            finished ? now : null,
            job.id,
            part.part,
            sectionName,
            JSON.stringify(cursor),
          ),
      ]);
      budget.spend(chunks.length + 1);
      // Another step moved this part on meanwhile: it owns the part now.
      if ((results.at(-1)!.meta.changes ?? 0) === 0) break;
      pages += 1;
      rows += page.rows;
      if (finished) break;
      sectionName = nextSection.name;
      cursor = nextCursor;
    }
    return { part: part.part, pages, rows };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 1024);
    await central
      .prepare('UPDATE privacy_job_parts SET error = ?, updated_at = ? WHERE job_id = ? AND part = ?')
      .bind(message, now, job.id, part.part)
      .run();
    budget.spend(1);
    return { part: part.part, pages, rows, error: message };
  }
}

/**
 * Marks a job whose parts are all done as done. An erasure also forgets which waddles the user
 * joined and records its completion in the audit log (job id and database count, nothing personal).
 *
 * ```sql
 * DELETE FROM user_waddles WHERE user_id = ?;                                                     -- erasure
 * INSERT INTO audit_log (user_id, action, resource_type, resource_id, metadata, created_at)
 *   SELECT user_id, 'user.erase.done', 'user', CAST(user_id AS TEXT), json_object('jobId', id, 'databases', CAST(? AS INTEGER)), ?
 *   FROM privacy_jobs WHERE id = ? AND status = 'running';                                          -- erasure
 * UPDATE privacy_jobs SET status = 'done', finished_at = ?, updated_at = ? WHERE id = ? AND status = 'running';
 * ```
 */
async function finishJob(central: D1DatabaseLike, job: PrivacyJob, now: number): Promise<void> {
  const done = central
    .prepare("UPDATE privacy_jobs SET status = 'done', finished_at = ?, updated_at = ? WHERE id = ? AND status = 'running'")
    .bind(now, now, job.id);
  if (job.kind === 'export') {
    await done.run();
    return;
  }
  await central.batch([
    central.prepare('DELETE FROM user_waddles WHERE user_id = ?').bind(job.userId),
    central
      .prepare(
        `INSERT INTO audit_log (user_id, action, resource_type, resource_id, metadata, created_at)
         SELECT user_id, 'user.erase.done', 'user', CAST(user_id AS TEXT), json_object('jobId', id, 'databases', CAST(? AS INTEGER)), ?
         FROM privacy_jobs WHERE id = ? AND status = 'running'`,
      )
      .bind(job.parts.length - 1, now, job.id),
    done,
  ]);
}
