import type { Clock } from '@waddle/clock/clock';
import { migrateJob } from './migrate-job.ts';
import { parseStatementRequest, runStatements } from './run-statements.ts';
import { sampleJob } from './sample-job.ts';
import { sliceRefusal, sliceResult } from './slice-answer.ts';
import { type SliceEnv, sliceDatabase } from './slice-env.ts';
import { type SliceJobRequest, SlicePath } from './slice-protocol.ts';

/**
 * Serves one request to a slice (see `SlicePath`): the statements of a D1 call on one of its
 * databases, or a bounded job over several. Answers 404 `database_not_in_slice` for a
 * database the slice was not uploaded with, 400 `bad_request` for a malformed body (nothing
 * runs), 404 `not_found` for any other path or method.
 */
export async function handleSliceRequest(request: Request, env: SliceEnv, clock: Clock): Promise<Response> {
  const { pathname } = new URL(request.url);
  const route = Object.values(SlicePath).find((path) => path === pathname);
  if (!route || request.method !== 'POST') return sliceRefusal('not_found', `no route ${request.method} ${pathname}`);
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return sliceRefusal('bad_request', 'the body must be JSON');
  }
  if (route === SlicePath.statements) {
    const parsed = parseStatementRequest(body);
    if (typeof parsed === 'string') return sliceRefusal('bad_request', parsed);
    const database = sliceDatabase(env, parsed.database);
    if (!database) return sliceRefusal('database_not_in_slice', `database ${parsed.database} is not in this slice`);
    return runStatements(database, parsed);
  }
  const job = parseJobRequest(body);
  if (typeof job === 'string') return sliceRefusal('bad_request', job);
  return sliceResult(route === SlicePath.migrate ? await migrateJob(env, job, clock) : await sampleJob(env, job, clock));
}

function parseJobRequest(body: unknown): SliceJobRequest | string {
  const { databases, budgetMs, established } = (body ?? {}) as Record<string, unknown>;
  const isIdList = (ids: unknown): ids is string[] => Array.isArray(ids) && ids.every((id) => typeof id === 'string');
  if (!isIdList(databases)) return 'databases must be an array of D1 database ids';
  if (budgetMs !== undefined && (typeof budgetMs !== 'number' || !(budgetMs >= 0))) return 'budgetMs must be a number of milliseconds';
  if (established !== undefined && !isIdList(established)) return 'established must be an array of D1 database ids';
  return { databases, ...(budgetMs === undefined ? {} : { budgetMs }), ...(established === undefined ? {} : { established }) };
}
