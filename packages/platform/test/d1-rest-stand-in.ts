import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { openLocalDatabases } from '../src/local/local-databases.ts';

/**
 * A stand-in for Cloudflare's D1 REST API, for tests (the real one cannot be reached from here).
 * It follows the documented requests and responses, backed by real local D1 (Miniflare):
 *
 * - `POST /accounts/{account_id}/d1/database/{database_id}/query` with `{ sql, params }` or
 *   `{ batch: [{ sql, params }, …] }` answers `{ success, errors, messages, result: [D1 results] }`;
 *   a batch runs as one D1 `batch()`, so it is atomic as the real one is;
 * - `POST /accounts/{account_id}/d1/database` with `{ name }` answers `{ result: { uuid, name, … } }`;
 * - a wrong token answers 401, an unknown account or database 404, a failing statement 400,
 *   each with `success: false` and the error in `errors`.
 *
 * Databases must be known when it starts (Miniflare binds them up front): `databaseIds`, plus
 * `spareDatabaseIds` handed out by the create endpoint.
 */
export async function startD1RestStandIn(options: {
  readonly stateDirectory: string;
  readonly accountId: string;
  readonly apiToken: string;
  readonly databaseIds: readonly string[];
  readonly spareDatabaseIds?: readonly string[];
}): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const spare = [...(options.spareDatabaseIds ?? [])];
  const served = new Set(options.databaseIds);
  const local = await openLocalDatabases([...options.databaseIds, ...spare], options.stateDirectory);

  const server = createServer(async (request, response) => {
    const reply = (status: number, body: object) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ messages: [], ...body }));
    };
    const fail = (status: number, code: number, message: string) => reply(status, { success: false, errors: [{ code, message }], result: null });
    if (request.headers.authorization !== `Bearer ${options.apiToken}`) return fail(401, 10000, 'Authentication error');
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let body: { sql?: string; params?: unknown[]; batch?: { sql: string; params?: unknown[] }[]; name?: string };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      return fail(400, 7400, 'Malformed JSON in request body');
    }
    const path = new URL(request.url ?? '/', 'http://stand-in').pathname.split('/').filter(Boolean);
    if (request.method !== 'POST' || path[0] !== 'accounts' || path[2] !== 'd1' || path[3] !== 'database') return fail(404, 7003, 'Could not route to the requested endpoint');
    if (path[1] !== options.accountId) return fail(404, 7003, `Account ${path[1]} not found`);

    if (path.length === 4) {
      const uuid = spare.shift();
      if (!body.name || !uuid) return fail(400, 7400, body.name ? 'No spare database left in the stand-in' : 'name is required');
      served.add(uuid);
      return reply(200, { success: true, errors: [], result: { uuid, name: body.name, version: 'production', created_at: new Date().toISOString() } });
    }
    const databaseId = decodeURIComponent(path[4] ?? '');
    if (path[5] !== 'query' || path.length !== 6) return fail(404, 7003, 'Could not route to the requested endpoint');
    if (!served.has(databaseId)) return fail(404, 7404, `The database ${databaseId} could not be found`);
    const database: D1DatabaseLike = local.get(databaseId);
    try {
      const statements = body.batch ?? [{ sql: body.sql ?? '', params: body.params ?? [] }];
      const results =
        body.batch === undefined
          ? [await database.prepare(statements[0]!.sql).bind(...(statements[0]!.params ?? [])).all()]
          : await database.batch(statements.map((s) => database.prepare(s.sql).bind(...(s.params ?? []))));
      return reply(200, { success: true, errors: [], result: results });
    } catch (error) {
      return fail(400, 7500, error instanceof Error ? error.message : String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await local.dispose();
    },
  };
}
