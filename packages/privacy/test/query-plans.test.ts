import { env, reset } from 'cloudflare:test';
import type { DB as CentralSchema } from '@waddle/central-schema/database';
import { centralMigrations } from '@waddle/central-schema/migrations';
import type { D1DatabaseLike, D1StatementLike } from '@waddle/d1/database';
import { explainQueryPlan, planProblems } from '@waddle/d1/query-plan';
import { Migrator } from '@waddle/migrator/migrator';
import type { Migration } from '@waddle/migrator/migration';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { describe, expect, it } from 'vitest';
import { centralErasureSections } from '../src/erasure/central-erasure-sections.ts';
import { shardErasureSections } from '../src/erasure/shard-erasure-sections.ts';
import { threadTitlesErasure, waddleErasureSections } from '../src/erasure/waddle-erasure-sections.ts';
import { shardExportSections } from '../src/export/shard-export-sections.ts';
import { centralExportSections } from '../src/export/central-export-sections.ts';
import { waddleExportSections } from '../src/export/waddle-export-sections.ts';
import type { JobSection } from '../src/job-section.ts';
import { advanceJob } from '../src/advance-job.ts';
import { exportArchive } from '../src/export/export-archive.ts';
import { startErasure } from '../src/start-erasure.ts';
import { startExport } from '../src/start-export.ts';
import { openTypedDatabase } from '@waddle/d1/typed-database';

interface SentStatement {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/**
 * The database, recording every statement sent to it (alone or in a batch) with its parameters. A
 * wrapper, not a query: its prepare calls pass on the SQL the code under test sent.
 */
function recording(database: D1DatabaseLike, sent: SentStatement[]): D1DatabaseLike {
  const statement = (sql: string, parameters: readonly unknown[]): D1StatementLike & SentStatement => {
    const prepared = database.prepare(sql).bind(...parameters);
    const send = <T>(run: () => Promise<T>) => {
      sent.push({ sql, parameters });
      return run();
    };
    return {
      sql,
      parameters,
      bind: (...values) => statement(sql, values),
      all: () => send(() => prepared.all()),
      run: () => send(() => prepared.run()),
      first: () => send(() => prepared.first()),
      raw: () => send(() => prepared.raw()),
    };
  };
  return {
    prepare: (sql) => statement(sql, []),
    batch: (statements) => {
      const recorded = statements as (D1StatementLike & SentStatement)[];
      sent.push(...recorded.map(({ sql, parameters }) => ({ sql, parameters })));
      return database.batch(recorded.map(({ sql, parameters }) => database.prepare(sql).bind(...parameters)));
    },
  };
}

/** Explains each statement on the database it was sent to; returns the steps that grow with a table. */
async function problemsOf(sent: readonly SentStatement[]): Promise<string[]> {
  const problems: string[] = [];
  for (const statement of sent) {
    for (const problem of planProblems(await explainQueryPlan(env.DB, statement))) problems.push(`${problem}  <-  ${statement.sql}`);
  }
  return problems;
}

/**
 * Runs the first page of every section on a freshly migrated database and returns what they sent;
 * with `asLaterShard`, that database is also the waddle's one later message shard (from id 1).
 */
async function statementsOf(
  sections: readonly JobSection[],
  migrations: readonly Migration[],
  asLaterShard = false,
): Promise<SentStatement[]> {
  await reset();
  const { error } = await new Migrator({ database: env.DB, migrations }).migrateToLatest();
  if (error) throw error;
  const sent: SentStatement[] = [];
  const database = recording(env.DB, sent);
  const storage = asLaterShard ? { laterShards: [{ firstMessageId: 1, database }] } : {};
  for (const section of sections) await section.page(database, { userId: 1, waddleId: 1 }, section.firstCursor, storage);
  return sent;
}

describe("the statements of a privacy job's sections", () => {
  const cases: [string, readonly JobSection[], readonly Migration[], number, boolean?][] = [
    ['central export', centralExportSections, centralMigrations, 6],
    ['waddle export', waddleExportSections, waddleMigrations, 12],
    ['central erasure', centralErasureSections, centralMigrations, 3],
    ['waddle erasure', waddleErasureSections, waddleMigrations, 14],
    // Without a later shard these send nothing; in one, each page is its section's statement there.
    ['later-shard export', shardExportSections, waddleMigrations, 0],
    ['later-shard export in a shard', shardExportSections, waddleMigrations, 3, true],
    ['later-shard erasure', shardErasureSections, waddleMigrations, 0],
    ['later-shard erasure in a shard', shardErasureSections, waddleMigrations, 5, true],
  ];
  it.each(cases)(
    '%s: each runs on real D1 and is served by an index (no full scan, no temporary B-tree)',
    async (_, sections, migrations, count, asLaterShard = false) => {
      const sent = await statementsOf(sections, migrations, asLaterShard);
      expect(sent).toHaveLength(count);
      expect(await problemsOf(sent)).toEqual([]);
    },
  );

  it('the retitling of threads over later shards (candidates in the primary, a check in each shard, the update) is served by indexes', async () => {
    await reset();
    const { error } = await new Migrator({ database: env.DB, migrations: waddleMigrations }).migrateToLatest();
    if (error) throw error;
    await env.DB.batch([
      env.DB.prepare("INSERT INTO channels (id, name, created_by) VALUES (1, 'general', 1)"),
      env.DB.prepare("INSERT INTO threads (id, channel_id, title, created_by) VALUES (1, 1, 'mine', 1), (2, 1, 'ours', 1)"),
      env.DB.prepare("INSERT INTO messages (channel_id, thread_id, user_id, content) VALUES (1, 2, 2, 'someone else')"),
    ]);
    const sent: SentStatement[] = [];
    const database = recording(env.DB, sent);
    // The database is its own later shard here: thread 2 has another's message "there", thread 1 none.
    const page = await threadTitlesErasure.page(database, { userId: 1, waddleId: 1 }, threadTitlesErasure.firstCursor, {
      laterShards: [{ firstMessageId: 2, database }],
    });
    expect(page).toEqual({ rows: 1, records: [], next: null });
    expect(sent).toHaveLength(3);
    expect(threadTitlesErasure.statements + threadTitlesErasure.statementsPerLaterShard!).toBe(3);
    expect(await problemsOf(sent)).toEqual([]);
    expect((await env.DB.prepare('SELECT title FROM threads ORDER BY id').all()).results).toEqual([
      { title: 'erased topic 1' },
      { title: 'ours' },
    ]);
  });

  it('the bookkeeping of a job in the central directory (start, steps, finish, archive) is served by indexes too', async () => {
    await reset();
    const { error } = await new Migrator({ database: env.DB, migrations: centralMigrations }).migrateToLatest();
    if (error) throw error;
    await openTypedDatabase<CentralSchema>(env.DB).db.insertInto('users').values({ id: 1, username: 'ada' }).execute();
    const sent: SentStatement[] = [];
    const central = recording(env.DB, sent);
    const exported = await startExport(central, 1, 'user', 1_000);
    for await (const _ of exportArchive(central, exported));
    const erasure = await startErasure(central, 1, 'user', 2_000);
    const step = await advanceJob(central, [], erasure.id, { now: 3_000 });
    expect(step.job.status).toBe('done');
    expect(sent.length).toBeGreaterThan(20);
    expect(await problemsOf(sent)).toEqual([]);
  });
});
