import type { D1DatabaseLike, D1ResultLike, D1StatementLike } from './d1-database.ts';

/** Where and how to reach Cloudflare's API. */
export interface CloudflareApi {
  /** `https://api.cloudflare.com/client/v4`, or the local D1 API's (`waddle up`, tests). */
  readonly baseUrl: string;
  readonly accountId: string;
  readonly apiToken: string;
  readonly fetch?: typeof fetch;
}

/** An error the D1 REST API answered, with its status and its `errors` list. */
export class D1RestError extends Error {
  override readonly name = 'D1RestError';
  readonly status: number;

  constructor(status: number, message: string) {
    super(`D1 REST API ${status}: ${message}`);
    this.status = status;
  }
}

interface Envelope<T> {
  success: boolean;
  errors: { code: number; message: string }[];
  result: T;
}

/**
 * Sends a request to the Cloudflare API and unwraps its `{ success, errors, result }` envelope,
 * throwing {@link D1RestError} with the API's own messages when it reports a failure.
 */
export async function cloudflareRequest<T>(api: CloudflareApi, method: string, path: string, body?: unknown): Promise<T> {
  const response = await (api.fetch ?? fetch)(`${api.baseUrl}/accounts/${api.accountId}${path}`, {
    method,
    headers: { authorization: `Bearer ${api.apiToken}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const envelope = (await response.json().catch(() => null)) as Envelope<T> | null;
  if (!response.ok || !envelope?.success) {
    const messages = envelope?.errors?.map((e) => e.message).join('; ') || response.statusText;
    throw new D1RestError(response.status, messages);
  }
  return envelope.result;
}

/**
 * A D1 database reached through the REST API (`POST …/d1/database/{id}/query`, and `…/raw` for
 * rows as arrays), behind the same interface as a Worker binding. `batch()` sends `{ batch: [{ sql, params }, …] }`, which D1 runs
 * as one transaction, so the migration runner is as atomic remotely as it is in a Worker.
 *
 * @example
 * ```ts
 * const db = restD1Database({ baseUrl: 'https://api.cloudflare.com/client/v4', accountId, apiToken }, databaseId);
 * await new Migrator({ database: db, migrations: waddleMigrations }).migrateToLatest();
 * ```
 */
export function restD1Database(api: CloudflareApi, databaseId: string): D1DatabaseLike {
  const path = `/d1/database/${encodeURIComponent(databaseId)}/query`;
  const rawPath = `/d1/database/${encodeURIComponent(databaseId)}/raw`;
  const statement = (sql: string, params: unknown[]): RestStatement => ({
    sql,
    params,
    bind: (...values: unknown[]) => statement(sql, values),
    all: async <T>() => (await cloudflareRequest<D1ResultLike<T>[]>(api, 'POST', path, { sql, params }))[0]!,
    run: async <T>() => (await cloudflareRequest<D1ResultLike<T>[]>(api, 'POST', path, { sql, params }))[0]!,
    first: async <T>() =>
      ((await cloudflareRequest<D1ResultLike<T>[]>(api, 'POST', path, { sql, params }))[0]!.results[0] ?? null) as T | null,
    raw: async <T extends unknown[]>() =>
      (await cloudflareRequest<{ results: { rows: T[] } }[]>(api, 'POST', rawPath, { sql, params }))[0]!.results.rows,
  });
  return {
    prepare: (sql) => statement(sql, []),
    batch: async <T>(statements: D1StatementLike[]) =>
      cloudflareRequest<D1ResultLike<T>[]>(api, 'POST', path, {
        batch: statements.map((s) => ({ sql: (s as RestStatement).sql, params: (s as RestStatement).params })),
      }),
  };
}

interface RestStatement extends D1StatementLike {
  readonly sql: string;
  readonly params: unknown[];
}
