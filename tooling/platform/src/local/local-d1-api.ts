import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { Agent, createServer, type IncomingMessage, request as httpRequest, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { bundleWorker } from './bundle-worker.ts';
import { CloudflareErrorCode, cloudflareFailure, cloudflareSuccess } from './cloudflare-envelope.ts';
import { deleteLocalDatabaseFiles } from './local-database-file.ts';
import { LOCAL_CENTRAL_DATABASE_ID } from './local-state-directory.ts';
import { localMiniflareOptions, restartLocalMiniflare, startLocalMiniflare } from './local-miniflare.ts';
import { registeredDatabases } from './registered-databases.ts';
import { SharedExclusiveLock } from './shared-exclusive-lock.ts';

/** The account id of the local D1 API (there is one account locally; any other is unknown). */
export const LOCAL_ACCOUNT_ID = 'waddle-local';

export interface LocalD1ApiOptions {
  /** Miniflare's persistence root (`.wrangler/state/v3`), shared with `wrangler dev`. */
  readonly stateDirectory: string;
  /** The only account id it answers for. */
  readonly accountId: string;
  /** The only token it accepts, as `Authorization: Bearer <token>`. */
  readonly apiToken: string;
  /**
   * The databases served from the start, by D1 id; by default the central database and every
   * database of its registry. Databases it creates are served too, until deleted.
   */
  readonly databaseIds?: readonly string[];
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 0 (any free port). */
  readonly port?: number;
}

export interface LocalD1Api {
  /** The API's base URL, `http://host:port/client/v4`: what `CLOUDFLARE_API_BASE_URL` names. */
  readonly baseUrl: string;
  /** The D1 ids it serves now. */
  databaseIds(): string[];
  /** Stops listening, waits for requests in flight, then stops workerd. */
  close(): Promise<void>;
}

interface ServedDatabase {
  readonly binding: string;
  readonly name: string;
  readonly createdAt?: string;
}

let script: Promise<string> | undefined;

/**
 * Serves Cloudflare's D1 REST API locally, over the real local D1 databases under
 * `stateDirectory`, so code that reaches D1 over HTTP (the `remote` target, `restConnector` in a
 * Worker past its bindings) runs against it unchanged. Requests and answers are the documented
 * ones, in the `{ success, errors, messages, result }` envelope:
 *
 * - `POST /client/v4/accounts/{account}/d1/database/{id}/query` with `{ sql, params }` or
 *   `{ batch: [{ sql, params }, …] }`: `result` is one D1 result per statement (`results`,
 *   `success`, `meta` with `size_after`, as D1 gives them); a batch is atomic, as `batch()`;
 * - `POST …/raw` with `{ sql, params }`: the same, the rows as arrays (`{ results: { columns, rows } }`);
 * - `POST /client/v4/accounts/{account}/d1/database` with `{ name }`: a new database with a new
 *   UUID, answered with its details;
 * - `GET /client/v4/accounts/{account}/d1/database/{id}`: `uuid`, `name`, `version`,
 *   `num_tables`, `file_size`, and `created_at` for databases it created;
 * - `DELETE /client/v4/accounts/{account}/d1/database/{id}`: the database is no longer served
 *   and its files are removed from the state directory; answered with `result: null`;
 * - a wrong token answers 401, an unknown account, database or route 404, malformed JSON or a
 *   failing statement 400, each with `success: false` and `errors: [{ code, message }]`.
 *
 * Statements run inside workerd, in a Worker bound to every database it serves (Node only
 * routes, authenticates and forwards). Miniflare binds databases up front, so creating or
 * deleting one rebinds and restarts workerd; these are serialized, and each waits for the
 * requests in flight and holds new ones back meanwhile, so none is lost. Binding names are never
 * reused, so a request that was routed before a deletion cannot reach another database.
 *
 * @example
 * ```ts
 * const api = await startLocalD1Api({ stateDirectory, accountId: LOCAL_ACCOUNT_ID, apiToken, port: 8789 });
 * const db = restD1Database({ baseUrl: api.baseUrl, accountId: LOCAL_ACCOUNT_ID, apiToken }, databaseId);
 * await db.prepare('SELECT 1').all();
 * ```
 */
export async function startLocalD1Api(options: LocalD1ApiOptions): Promise<LocalD1Api> {
  await mkdir(options.stateDirectory, { recursive: true });
  const ids = options.databaseIds ?? [
    LOCAL_CENTRAL_DATABASE_ID,
    ...(await registeredDatabases(options.stateDirectory)).map((row) => row.d1_database_id),
  ];
  const served = new Map<string, ServedDatabase>(ids.map((id, index) => [id, { binding: `DB_${index}`, name: id }]));
  let bindingsEverMade = served.size;
  const bindings = () => Object.fromEntries([...served].map(([id, { binding }]) => [binding, id]));
  script ??= bundleWorker(join(import.meta.dirname, 'd1-api-worker.ts'));
  const workerScript = await script;
  const miniflare = await startLocalMiniflare(bindings(), options.stateDirectory, workerScript);
  const lock = new SharedExclusiveLock();
  const prefix = `/client/v4/accounts/${options.accountId}/d1/database`;

  let workerUrl = await miniflare.ready;
  const agent = new Agent({ keepAlive: true });
  const inWorker = (path: string, body?: Buffer) => lock.shared(() => forward(new URL(path, workerUrl), agent, body));

  const details = async (id: string, database: ServedDatabase) => {
    const response = await inWorker(`/details/${database.binding}`);
    const { num_tables, file_size } = (await response.json()) as { num_tables: number; file_size: number };
    return {
      uuid: id,
      name: database.name,
      version: 'production',
      num_tables,
      file_size,
      ...(database.createdAt ? { created_at: database.createdAt } : {}),
    };
  };

  const rebind = async () => {
    workerUrl = await restartLocalMiniflare(miniflare, localMiniflareOptions(bindings(), options.stateDirectory, workerScript));
  };

  const create = async (body: Buffer) => {
    let name: unknown;
    try {
      ({ name } = JSON.parse(body.toString('utf8')) as { name?: unknown });
    } catch {
      return cloudflareFailure(400, CloudflareErrorCode.badRequest, 'Malformed JSON in request body');
    }
    if (typeof name !== 'string' || name.trim() === '') return cloudflareFailure(400, CloudflareErrorCode.badRequest, 'name is required');
    const id = randomUUID();
    const database = { binding: `DB_${bindingsEverMade++}`, name, createdAt: new Date().toISOString() };
    await lock.exclusive(async () => {
      served.set(id, database);
      await rebind();
    });
    return cloudflareSuccess(await details(id, database));
  };

  const notFound = (id: string) => cloudflareFailure(404, CloudflareErrorCode.databaseNotFound, `The database ${id} could not be found`);

  const remove = (id: string) =>
    lock.exclusive(async () => {
      if (!served.delete(id)) return notFound(id);
      await rebind();
      await deleteLocalDatabaseFiles(options.stateDirectory, id);
      return cloudflareSuccess(null);
    });

  const route = async (request: IncomingMessage): Promise<Response> => {
    const { pathname } = new URL(request.url ?? '/', 'http://local');
    const body = await readBody(request);
    const noRoute = () =>
      cloudflareFailure(404, CloudflareErrorCode.noRoute, `Could not route to ${pathname}, perhaps your object identifier is invalid?`);
    if (!pathname.startsWith('/client/v4/accounts/')) return noRoute();
    if (request.headers.authorization !== `Bearer ${options.apiToken}`)
      return cloudflareFailure(401, CloudflareErrorCode.authentication, 'Authentication error');
    if (pathname !== prefix && !pathname.startsWith(`${prefix}/`)) return noRoute();
    const [id, action, ...rest] = pathname
      .slice(prefix.length + 1)
      .split('/')
      .map(decodeURIComponent);
    if (id === undefined || id === '') return request.method === 'POST' ? create(body) : noRoute();
    const methods = action === undefined ? ['GET', 'DELETE'] : action === 'query' || action === 'raw' ? ['POST'] : [];
    if (rest.length > 0 || !methods.includes(request.method ?? '')) return noRoute();
    const database = served.get(id);
    if (!database) return notFound(id);
    if (action === 'query' || action === 'raw') return inWorker(`/${action}/${database.binding}`, body);
    return request.method === 'DELETE' ? remove(id) : cloudflareSuccess(await details(id, database));
  };

  const server = createServer((request, response) => {
    route(request).then(
      (answer) => send(response, answer),
      (error: unknown) =>
        send(response, cloudflareFailure(500, CloudflareErrorCode.statementFailed, error instanceof Error ? error.message : String(error))),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://${address}:${port}/client/v4`,
    databaseIds: () => [...served.keys()],
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
      await miniflare.dispose();
    },
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function send(response: ServerResponse, answer: Response): Promise<void> {
  const body = Buffer.from(await answer.arrayBuffer());
  response.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': body.length });
  response.end(body);
}

/**
 * Sends a request to the Worker over a kept-alive connection with `node:http`, which costs a
 * fraction of `fetch` (undici) or `dispatchFetch` per call on this path.
 */
function forward(url: URL, agent: Agent, body?: Buffer): Promise<Response> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      { method: body === undefined ? 'GET' : 'POST', agent, headers: body === undefined ? {} : { 'content-length': body.length } },
      (incoming) => {
        readBody(incoming).then(
          (answer) =>
            resolve(new Response(answer, { status: incoming.statusCode ?? 502, headers: { 'content-type': 'application/json' } })),
          reject,
        );
      },
    );
    outgoing.once('error', reject);
    outgoing.end(body);
  });
}
