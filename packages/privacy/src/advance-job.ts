import type { D1DatabaseLike } from '@waddle/d1/database';
import type { DatabaseConnector } from '@waddle/registry/database-connectors';
import { locationOf } from '@waddle/registry/database-directory-row';
import { reachDatabase } from '@waddle/registry/reach-database';
import type { DB as CentralSchema, Databases } from '@waddle/central-schema/database';
import { type Selectable, sql } from 'kysely';
import { chunkStatements } from './export/chunk-statements.ts';
import { sectionsOf } from './job-sections.ts';
import type { LaterShard, SectionPage, SectionStorage } from './job-section.ts';
import { CENTRAL_PART, type PrivacyJob, type PrivacyJobPart, readPrivacyJob } from './privacy-job.ts';
import { QueryBudget } from './query-budget.ts';
import { runBatch } from '@waddle/d1/run-batch';
import { openTypedDatabase } from '@waddle/d1/typed-database';
import type { CentralDatabase } from './privacy-databases.ts';

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

/** The attachment bucket, as the erasure of a user's files uses it. */
export type AttachmentBucket = NonNullable<SectionStorage['attachments']>;

export interface StepOptions {
  readonly now: number;
  /** The most queries the step may send; it stops before a page that might not fit. */
  readonly maxQueries?: number;
  /** The attachment bucket, where an erasure deletes the user's files (without it, a user with files keeps the job running). */
  readonly attachments?: AttachmentBucket;
}

/** A database of a waddle of the job and where it is reached (its directory row): the primary (no `first_message_id`) or a message shard. */
type WaddleLocation = { id: number } & Pick<Selectable<Databases>, 'd1_database_id' | 'slice' | 'binding' | 'first_message_id'>;

/** A part's databases, reached: the one of its sections, and a waddle's later message shards in id order. */
type ReachedPart = { readonly database: D1DatabaseLike; readonly laterShards: readonly LaterShard[] };

/** The queries a page costs at most beyond its own reads: its chunks of archive and its progress. */
const PAGE_OVERHEAD = 4;

/**
 * Advances a job by one bounded step: it works through the pending parts in order (the central
 * directory first, then each waddle reached through its directory rows and `connectors`: its
 * primary database, then its later message shards, each section shard after shard),
 * a page at a time, until the query budget would be exceeded or the job is finished. After each
 * page it records the part's new section and cursor in one central batch, together with the
 * page's archive chunks for an export; both are conditional on the part still being where the
 * page started, so two steps racing on one job never write a chunk twice. A database that fails
 * (unreachable, an error) keeps its cursor, counts the attempt and its error, and is retried by a
 * later step; the others go on. When every part is done the job is finished (an erasure also
 * forgets `user_waddles` and records `user.erase.done`). A part whose waddle has left the registry
 * (deleted with its database) is done, with that noted as its error. A message shard out of reach
 * fails its waddle's part for the step, as an unreachable primary does.
 *
 * ```sql
 * select * from "privacy_jobs" where "id" = ?;                                    -- readPrivacyJob
 * select … from "privacy_job_parts" where "job_id" = ? order by "part";
 * select "w"."id", "d"."d1_database_id", "d"."slice", "d"."binding", "d"."first_message_id" from "waddles" as "w"
 *   inner join "databases" as "d" on ("d"."id" = "w"."primary_database_id"
 *     or ("d"."shard_waddle_id" = "w"."id" and "d"."message_state" in ('active', 'sealed')))   -- the primary, the serving shards
 *   where "w"."id" in (select "part" from "privacy_job_parts" where "job_id" = ? and "status" = 'pending');
 * update "privacy_job_parts" set "attempts" = "attempts" + ?, "updated_at" = ? where "job_id" = ? and "part" = ?;   -- once per part per step
 * -- a page of the part's section, then in one batch:
 * insert into "export_chunks" ("job_id", "seq", "body") select ?, coalesce((select max("seq") …), 0) + 1, ? where exists (…part unchanged…);   -- export
 * update "privacy_job_parts" set "section" = ?, "cursor" = ?, "status" = ?, "rows_done" = "rows_done" + ?, "error" = ?, "updated_at" = ?, "finished_at" = ?
 *   where "job_id" = ? and "part" = ? and "status" = 'pending' and "section" = ? and "cursor" = ?;
 * -- a waddle gone from the registry:
 * update "privacy_job_parts" set "status" = 'done', "error" = ?, "updated_at" = ?, "finished_at" = ? where "job_id" = ? and "part" = ? and "status" = 'pending';
 * -- on failure:
 * update "privacy_job_parts" set "error" = ?, "updated_at" = ? where "job_id" = ? and "part" = ?;
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

  const typedCentral = openTypedDatabase<CentralSchema>(central);
  const locations = await typedCentral.db
    .selectFrom('waddles as w')
    .innerJoin('databases as d', (join) =>
      join.on((eb) =>
        eb.or([
          eb('d.id', '=', eb.ref('w.primary_database_id')),
          eb.and([eb('d.shard_waddle_id', '=', eb.ref('w.id')), eb('d.message_state', 'in', [sql.lit('active'), sql.lit('sealed')])]),
        ]),
      ),
    )
    .select(['w.id', 'd.d1_database_id', 'd.slice', 'd.binding', 'd.first_message_id'])
    .where('w.id', 'in', (eb) =>
      eb.selectFrom('privacy_job_parts').select('part').where('job_id', '=', jobId).where('status', '=', sql.lit('pending')),
    )
    .execute();
  budget.spend(1);
  const worked: PartWork[] = [];
  for (const part of job.parts) {
    if (part.status === 'done') continue;
    if (!budget.allows(1 + maxPageCost(job, part))) break;
    const reached =
      part.part === CENTRAL_PART
        ? { database: central, laterShards: [] }
        : connect(
            connectors,
            locations.filter((l) => l.id === part.part),
          );
    worked.push(await workOnPart(typedCentral, reached, job, part, budget, options));
  }
  let after = (await readPrivacyJob(central, jobId))!;
  budget.spend(2);
  if (after.parts.every((part) => part.status === 'done') && budget.allows(4)) {
    await finishJob(typedCentral, after, options.now);
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

/** The primary and the later shards of a waddle part, each through `connectors`; an error when any is out of reach or the waddle is gone. */
function connect(connectors: readonly DatabaseConnector[], locations: readonly WaddleLocation[]): ReachedPart | Error {
  const primary = locations.find((location) => location.first_message_id === null);
  if (!primary) return new WaddleGoneError('the waddle is no longer in the registry');
  const reach = (location: WaddleLocation) =>
    reachDatabase(connectors, locationOf(location)) ?? new Error(`no connector reaches database ${location.d1_database_id}`);
  const database = reach(primary);
  if (database instanceof Error) return database;
  const laterShards: LaterShard[] = [];
  for (const shard of locations.filter((location) => location.first_message_id !== null)) {
    const reached = reach(shard);
    if (reached instanceof Error) return reached;
    laterShards.push({ firstMessageId: shard.first_message_id!, database: reached });
  }
  laterShards.sort((a, b) => a.firstMessageId - b.firstMessageId);
  return { database, laterShards };
}

async function workOnPart(
  central: CentralDatabase,
  reached: ReachedPart | Error,
  job: PrivacyJob,
  part: PrivacyJobPart,
  budget: QueryBudget,
  options: StepOptions,
): Promise<PartWork> {
  const { now } = options;
  const { db } = central;
  const thisPart = db.updateTable('privacy_job_parts').where('job_id', '=', job.id).where('part', '=', part.part);
  await thisPart.set((eb) => ({ attempts: eb('attempts', '+', 1), updated_at: now })).execute();
  budget.spend(1);
  const sections = sectionsOf(job.kind, part.part);
  let sectionName = part.section;
  let cursor = part.cursor;
  let pages = 0;
  let rows = 0;
  if (reached instanceof WaddleGoneError) {
    // The waddle was deleted with its database: nothing of the user is left there.
    await thisPart
      .set({ status: sql.lit('done'), error: reached.message, updated_at: now, finished_at: now })
      .where('status', '=', sql.lit('pending'))
      .execute();
    budget.spend(1);
    return { part: part.part, pages: 0, rows: 0 };
  }
  try {
    if (reached instanceof Error) throw reached;
    const { database, laterShards } = reached;
    for (;;) {
      const index = sections.findIndex((s) => s.name === sectionName);
      const section = sections[index];
      if (!section) throw new Error(`unknown section ${sectionName}`);
      const statements = section.statements + (section.statementsPerLaterShard ?? 0) * laterShards.length;
      if (!budget.allows(statements + PAGE_OVERHEAD)) break;
      const page: SectionPage = await section.page(
        database,
        { userId: job.userId, waddleId: part.part === CENTRAL_PART ? null : part.part },
        cursor,
        { attachments: options.attachments, laterShards },
      );
      budget.spend(statements);
      const nextSection = page.next === null ? sections[index + 1] : section;
      const nextCursor = page.next ?? nextSection?.firstCursor ?? [];
      const finished = nextSection === undefined;
      const chunks = job.kind === 'export' ? chunkStatements(central, job.id, part.part, sectionName, cursor, page.records) : [];
      const pageRows = page.rows;
      const results = await runBatch(central, [
        ...chunks,
        thisPart
          .set((eb) => ({
            section: nextSection?.name ?? sectionName,
            cursor: JSON.stringify(nextCursor),
            status: finished ? 'done' : 'pending',
            rows_done: eb('rows_done', '+', pageRows),
            error: null,
            updated_at: now,
            finished_at: finished ? now : null,
          }))
          .where('status', '=', sql.lit('pending'))
          .where('section', '=', sectionName)
          .where('cursor', '=', JSON.stringify(cursor)),
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
    await thisPart.set({ error: message, updated_at: now }).execute();
    budget.spend(1);
    return { part: part.part, pages, rows, error: message };
  }
}

/**
 * Marks a job whose parts are all done as done. An erasure also forgets which waddles the user
 * joined and records its completion in the audit log (job id and database count, nothing personal).
 *
 * ```sql
 * delete from "user_waddles" where "user_id" = ?;                                                       -- erasure
 * insert into "audit_log" ("user_id", "action", "resource_type", "resource_id", "metadata", "created_at")
 *   select "user_id", 'user.erase.done' as "action", 'user' as "resource_type", cast("user_id" as text) as "resource_id",
 *          json_object('jobId', "id", 'databases', cast(? as integer)) as "metadata", ? as "created_at"
 *   from "privacy_jobs" where "id" = ? and "status" = 'running';                                          -- erasure
 * update "privacy_jobs" set "status" = 'done', "finished_at" = ?, "updated_at" = ? where "id" = ? and "status" = 'running';
 * ```
 */
async function finishJob(central: CentralDatabase, job: PrivacyJob, now: number): Promise<void> {
  const { db } = central;
  const done = db
    .updateTable('privacy_jobs')
    .set({ status: sql.lit('done'), finished_at: now, updated_at: now })
    .where('id', '=', job.id)
    .where('status', '=', sql.lit('running'));
  if (job.kind === 'export') {
    await done.execute();
    return;
  }
  await runBatch(central, [
    db.deleteFrom('user_waddles').where('user_id', '=', job.userId),
    db
      .insertInto('audit_log')
      .columns(['user_id', 'action', 'resource_type', 'resource_id', 'metadata', 'created_at'])
      .expression(
        db
          .selectFrom('privacy_jobs')
          .select((eb) => [
            'user_id',
            sql.lit('user.erase.done').as('action'),
            sql.lit('user').as('resource_type'),
            eb.cast<string>('user_id', 'text').as('resource_id'),
            eb
              .fn<string>('json_object', [sql.lit('jobId'), 'id', sql.lit('databases'), eb.cast(eb.val(job.parts.length - 1), 'integer')])
              .as('metadata'),
            eb.val(now).as('created_at'),
          ])
          .where('id', '=', job.id)
          .where('status', '=', sql.lit('running')),
      ),
    done,
  ]);
}
