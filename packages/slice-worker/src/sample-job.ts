import type { Clock } from '@waddle/clock/clock';
import { JobBudget } from './job-budget.ts';
import { type SliceEnv, sliceDatabase } from './slice-env.ts';
import type { SampleJobOutcome, SliceJobRequest } from './slice-protocol.ts';

/**
 * Counts a database's own tables; its `meta.size_after` is the database's size. Raw SQL:
 * `sqlite_master` is SQLite's catalogue, not part of the generated waddle schema, and D1
 * refuses `PRAGMA page_count`, so a result's `size_after` is the only way to its size.
 */
const SAMPLE_SQL =
  "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";

/**
 * Samples the size of databases of the slice: one query per database, one after the other,
 * bounded by the invocation's query and time budget (databases it did not get to are answered
 * `not_started`). A database the slice does not bind, or whose query fails, is `failed`.
 *
 * ```sql
 * SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\_cf\_%' ESCAPE '\' AND name NOT LIKE 'sqlite\_%' ESCAPE '\';
 * ```
 */
export async function sampleJob(env: SliceEnv, request: SliceJobRequest, clock: Clock): Promise<SampleJobOutcome[]> {
  const budget = new JobBudget(clock, request.budgetMs);
  const outcomes: SampleJobOutcome[] = [];
  for (const database of request.databases) {
    const binding = sliceDatabase(env, database);
    if (!binding) {
      outcomes.push({ database, status: 'failed', error: `database ${database} is not in this slice` });
      continue;
    }
    if (!budget.spend(1)) {
      outcomes.push({ database, status: 'not_started' });
      continue;
    }
    try {
      const { results, meta } = await binding.prepare(SAMPLE_SQL).all<{ n: number }>();
      outcomes.push({ database, status: 'sampled', sizeBytes: meta.size_after, numTables: results[0]?.n ?? 0 });
    } catch (error) {
      outcomes.push({ database, status: 'failed', error: error instanceof Error ? error.message : String(error) });
    }
  }
  return outcomes;
}
