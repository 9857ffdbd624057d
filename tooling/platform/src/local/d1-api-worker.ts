import { CloudflareErrorCode, cloudflareFailure, cloudflareSuccess } from './cloudflare-envelope.ts';

interface Statement {
  readonly sql: string;
  readonly params: unknown[];
}

/**
 * The part of the local D1 REST API that runs inside workerd, bound to every database it serves:
 * Node routes and authenticates, then forwards here, so a statement is a call inside the runtime
 * instead of a round trip through Miniflare's proxy.
 *
 * - `POST /query/{binding}` with the REST body (`{ sql, params }` or `{ batch: [...] }`) answers
 *   the REST envelope, each result as D1 gives it (`results`, `success`, `meta` with `size_after`);
 *   a batch is one D1 `batch()`, atomic;
 * - `POST /raw/{binding}` with `{ sql, params }` answers the statement's rows as arrays with its
 *   column names (`{ results: { columns, rows } }`), as the REST API's `raw` does;
 * - `GET /details/{binding}` answers `{ num_tables, file_size }`.
 */
export default {
  async fetch(request: Request, env: Record<string, D1Database>): Promise<Response> {
    const url = new URL(request.url);
    const [, action, binding] = url.pathname.split('/');
    const database = binding === undefined ? undefined : env[binding];
    if (!database) return cloudflareFailure(404, CloudflareErrorCode.databaseNotFound, `no binding ${binding}`);
    if (action === 'details') return details(database);
    return query(database, await request.text(), action === 'raw');
  },
};

async function query(database: D1Database, text: string, raw: boolean): Promise<Response> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return cloudflareFailure(400, CloudflareErrorCode.badRequest, 'Malformed JSON in request body');
  }
  const statements = parseStatements(body);
  if (typeof statements === 'string') return cloudflareFailure(400, CloudflareErrorCode.badRequest, statements);
  if (raw && statements.length > 1)
    return cloudflareFailure(400, CloudflareErrorCode.badRequest, 'raw answers one statement at a time here');
  const prepared = statements.map(({ sql, params }) => database.prepare(sql).bind(...params));
  try {
    if (raw) return cloudflareSuccess([await rawResult(prepared[0]!)]);
    const results = Array.isArray((body as { batch?: unknown }).batch) ? await database.batch(prepared) : [await prepared[0]!.all()];
    return cloudflareSuccess(results);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return cloudflareFailure(400, CloudflareErrorCode.statementFailed, message.replace(/^D1_ERROR: /, ''));
  }
}

/** A statement's rows as arrays, with its column names, as the REST API's `raw` answers them. */
async function rawResult(statement: D1PreparedStatement) {
  const [columns = [], ...rows] = await statement.raw({ columnNames: true });
  return { results: { columns, rows }, success: true, meta: {} };
}

/** The statements of a `{ sql, params }` or `{ batch: [{ sql, params }, …] }` body, or what is wrong with it. */
function parseStatements(body: unknown): Statement[] | string {
  if (typeof body !== 'object' || body === null) return 'The request body must be an object';
  const { batch } = body as { batch?: unknown };
  const items = batch === undefined ? [body] : batch;
  if (!Array.isArray(items) || items.length === 0) return 'batch must be a non-empty array of { sql, params }';
  const statements: Statement[] = [];
  for (const item of items as { sql?: unknown; params?: unknown }[]) {
    if (typeof item?.sql !== 'string' || item.sql.trim() === '') return 'sql must be a non-empty string';
    if (item.params !== undefined && !Array.isArray(item.params)) return 'params must be an array';
    statements.push({ sql: item.sql, params: item.params ?? [] });
  }
  return statements;
}

/** How many tables the database holds (D1's own `_cf_` tables and SQLite's aside) and its size in bytes. */
async function details(database: D1Database): Promise<Response> {
  const { results, meta } = await database
    .prepare(
      "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    )
    .all<{ n: number }>();
  return Response.json({ num_tables: results[0]?.n ?? 0, file_size: meta.size_after });
}
