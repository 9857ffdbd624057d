import { toColumnarResult } from './columnar-result.ts';
import { decodeParam } from './param-codec.ts';
import { sliceRefusal, sliceResult } from './slice-answer.ts';
import type { SliceMode, SliceStatement, SliceStatementRequest } from './slice-protocol.ts';

const MODES: readonly SliceMode[] = ['all', 'run', 'first', 'raw', 'batch', 'exec'];

/**
 * Runs the statements of one D1 call on `database` and answers its result as the binding gave
 * it (`success`, `meta` with `size_after`, `changes`, `last_row_id`…; blobs come back as arrays
 * of bytes, as D1 returns them), except that the rows of `all` and of each `batch` result travel
 * as arrays under their column names (`toColumnarResult`), which `sliceD1Database` turns back
 * into the binding's `results` objects. A statement D1 refuses is answered
 * `{ error: { kind: 'statement', message } }` with D1's message verbatim (`D1_ERROR: UNIQUE
 * constraint failed: …: SQLITE_CONSTRAINT`), so callers recognise it as they would over a
 * binding; a `batch` that fails is rolled back by D1 as a whole.
 */
export async function runStatements(database: D1Database, request: SliceStatementRequest): Promise<Response> {
  const prepared = request.statements.map((statement) => bindStatement(database, statement));
  const [single] = prepared;
  if (!single) return sliceRefusal('bad_request', 'no statement');
  try {
    switch (request.mode) {
      case 'all':
        return sliceResult(toColumnarResult(await single.all()));
      case 'run':
        return sliceResult(await single.run());
      case 'first':
        return sliceResult(await single.first());
      case 'raw':
        return sliceResult(request.columnNames ? await single.raw({ columnNames: true }) : await single.raw());
      case 'batch':
        return sliceResult((await database.batch<Record<string, unknown>>(prepared)).map(toColumnarResult));
      case 'exec':
        return sliceResult(await database.exec(request.statements[0]?.sql ?? ''));
    }
  } catch (error) {
    return sliceRefusal('statement', error instanceof Error ? error.message : String(error));
  }
}

function bindStatement(database: D1Database, { sql, params }: SliceStatement): D1PreparedStatement {
  const statement = database.prepare(sql);
  return params.length === 0 ? statement : statement.bind(...params.map(decodeParam));
}

/** The statement request in `body`, or what is wrong with it (nothing is run for a malformed one). */
export function parseStatementRequest(body: unknown): SliceStatementRequest | string {
  if (typeof body !== 'object' || body === null) return 'the body must be an object';
  const { database, mode, statements, columnNames } = body as Record<string, unknown>;
  if (typeof database !== 'string' || database === '') return 'database must be a D1 database id';
  if (!MODES.includes(mode as SliceMode)) return `mode must be one of ${MODES.join(', ')}`;
  if (!Array.isArray(statements) || statements.length === 0) return 'statements must be a non-empty array of { sql, params }';
  if (mode !== 'batch' && statements.length !== 1) return `${mode} takes exactly one statement`;
  for (const statement of statements as { sql?: unknown; params?: unknown }[]) {
    if (typeof statement?.sql !== 'string' || statement.sql.trim() === '') return 'sql must be a non-empty string';
    if (!Array.isArray(statement.params)) return 'params must be an array';
    if (statement.params.some((param) => decodeParam(param) === undefined))
      return 'a parameter must be a string, a number, a boolean, null or { blob: [bytes] }';
    if (mode === 'exec' && statement.params.length > 0) return 'exec takes no parameters';
  }
  if (columnNames !== undefined && typeof columnNames !== 'boolean') return 'columnNames must be a boolean';
  return { database, mode: mode as SliceMode, statements: statements as SliceStatement[], columnNames: columnNames === true };
}
