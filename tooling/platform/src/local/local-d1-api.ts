import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '@waddle/clock/clock';
import { mkdir } from 'node:fs/promises';
import { Agent, createServer, type IncomingMessage, request as httpRequest, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { bundleWorker } from './bundle-worker.ts';
import { CloudflareErrorCode, cloudflareFailure, cloudflareSuccess } from './cloudflare-envelope.ts';
import { deleteLocalDatabaseFiles } from './local-database-file.ts';
import { LOCAL_CENTRAL_DATABASE_ID } from './local-state-directory.ts';
import type { Miniflare } from 'miniflare';
import { localMiniflareOptions, localSliceMiniflareOptions, restartLocalMiniflare, startLocalMiniflareWith } from './local-miniflare.ts';
import { parseScriptUpload, type UploadedScript } from './parse-script-upload.ts';
import { CLOUDFLARE_API_RATE_LIMIT, type RestRateLimit, RestRateLimiter } from './rest-rate-limit.ts';
import { registeredDatabases } from './registered-databases.ts';
import { SharedExclusiveLock } from './shared-exclusive-lock.ts';

/** The account id of the local D1 API (there is one account locally; any other is unknown). */
export const LOCAL_ACCOUNT_ID = 'waddle-local';

/** The dispatch namespace the local API holds slices in (there is one locally; any other is unknown). */
export const LOCAL_DISPATCH_NAMESPACE = 'waddle-slices';

/** Script names the local API accepts: lowercase letters, digits, `-` and `_`, up to 63. */
const SCRIPT_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

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
  /** The only dispatch namespace it holds user Workers in; default {@link LOCAL_DISPATCH_NAMESPACE}. */
  readonly dispatchNamespace?: string;
  /**
   * The limit on its REST endpoints, per token; default Cloudflare's own
   * ({@link CLOUDFLARE_API_RATE_LIMIT}: 1,200 per five minutes, then 429 for five minutes).
   */
  readonly rateLimit?: RestRateLimit;
  /** The clock of the rate limit and of the timestamps it answers with; default the system clock. */
  readonly now?: Clock;
}

/** The REST calls it answered, by kind (the dispatch of slices is not a REST call and is not counted). */
export interface RestCallCounts {
  /** `…/d1/database/{id}/query` and `…/raw`: statements over REST, the calls the data path must not make. */
  readonly query: number;
  /** Everything else it admitted: creating, reading and deleting databases, uploading and deleting slices. */
  readonly controlPlane: number;
  /** Calls refused with 429 by the rate limit (counted in neither kind). */
  readonly refused: number;
}

export interface LocalD1Api {
  /** The API's base URL, `http://host:port/client/v4`: what `CLOUDFLARE_API_BASE_URL` names. */
  readonly baseUrl: string;
  /**
   * Where the slices of its dispatch namespace are reached, `http://host:port/dispatch/{namespace}`:
   * what `httpSliceDispatcher` takes, the local stand-in for the dispatch namespace binding.
   */
  readonly dispatchUrl: string;
  /** The D1 ids it serves now. */
  databaseIds(): string[];
  /** The slices uploaded to its dispatch namespace, each with the D1 ids it binds. */
  slices(): Record<string, string[]>;
  /** The REST calls answered since it started, by kind. */
  restCalls(): RestCallCounts;
  /** Stops listening, waits for requests in flight, then stops workerd. */
  close(): Promise<void>;
}

interface ServedDatabase {
  readonly binding: string;
  readonly name: string;
  readonly createdAt?: string;
}

/** An uploaded slice: what it was uploaded with, and the workerd of its own that runs it. */
interface ServedSlice {
  readonly script: UploadedScript;
  readonly miniflare: Miniflare;
  /** Where its workerd listens now (it changes with every restart). */
  readonly url: URL;
  readonly createdOn: string;
  readonly modifiedOn: string;
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
 *   UUID, answered with `uuid`, `name`, `version`, `created_at` and `num_tables: 0`;
 * - `GET /client/v4/accounts/{account}/d1/database`: every database it serves (`uuid`, `name`,
 *   `version`, `created_at` for those it created) in one page, with `result_info`;
 * - `GET /client/v4/accounts/{account}/d1/database/{id}`: `uuid`, `name`, `version`,
 *   `num_tables`, `file_size`, and `created_at` for databases it created;
 * - `DELETE /client/v4/accounts/{account}/d1/database/{id}`: the database is no longer served
 *   and its files are removed from the state directory; answered with `result: null`;
 * - `PUT /client/v4/accounts/{account}/workers/dispatch/namespaces/{namespace}/scripts/{script}`
 *   with the documented multipart upload (a `metadata` part with `main_module` and `bindings`,
 *   and the modules): the script is (re)deployed as a user Worker of the namespace, running in
 *   workerd with exactly the `d1` and `plain_text` bindings of its metadata (a `d1` id it does
 *   not serve is refused with 400); `DELETE` on the same path removes it;
 * - a wrong token answers 401, an unknown account, database or route 404, malformed JSON or a
 *   failing statement 400, each with `success: false` and `errors: [{ code, message }]`;
 * - past the rate limit (by default Cloudflare's: 1,200 calls per five minutes per token),
 *   every REST call of that token answers 429 with `retry-after` for the penalty (five
 *   minutes), as Cloudflare's API does; {@link LocalD1Api.restCalls} counts what it answered.
 *
 * Beside the REST API, `{dispatchUrl}/{script}/{path}` plays the dispatch namespace binding:
 * the request goes to the slice's Worker as `/{path}` (no token, no rate limit,
 * not a REST call: it stands for `env.SLICES.get(script).fetch(…)`); an unknown script answers
 * 404 with `cf-worker-not-found: 1`, which `httpSliceDispatcher` turns into the binding's
 * `Worker not found` error.
 *
 * Statements run inside workerd, in a Worker bound to every database it serves (Node only
 * routes, authenticates and forwards). Each slice runs in a workerd of its own with exactly its
 * uploaded bindings over the same state directory, so uploading a slice restarts that slice
 * only, whatever the number of slices (one workerd for all of them re-serialized and recompiled
 * every slice on every upload, which made a fleet of 120 waddles take minutes to provision). A
 * database a slice binds is then open in that slice's workerd, and in the API's own only when a
 * REST call reaches it (the data path makes none): SQLite's file locks keep both consistent, as
 * they do for the central database under two `wrangler dev` Workers. Miniflare binds databases
 * up front, so deleting a database restarts the API's workerd and those of the slices that bound
 * it; the first REST call that needs a database created since the last restart restarts the
 * API's workerd: creating one restarts nothing by itself. These restarts are serialized, and
 * each waits for the requests in flight and holds new ones back meanwhile, so none is lost.
 * Binding names are never reused, so a request that was routed before a deletion cannot reach
 * another database. Deleting a database also drops its binding from the slices
 * that had it (they answer that it is not theirs), so no slice reaches a deleted database's
 * files again.
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
  const now = options.now ?? systemClock;
  const ids = options.databaseIds ?? [
    LOCAL_CENTRAL_DATABASE_ID,
    ...(await registeredDatabases(options.stateDirectory)).map((row) => row.d1_database_id),
  ];
  const served = new Map<string, ServedDatabase>(ids.map((id, index) => [id, { binding: `DB_${index}`, name: id }]));
  let bindingsEverMade = served.size;
  const bindings = () => Object.fromEntries([...served].map(([id, { binding }]) => [binding, id]));
  const slices = new Map<string, ServedSlice>();
  const namespace = options.dispatchNamespace ?? LOCAL_DISPATCH_NAMESPACE;
  const limiter = new RestRateLimiter(options.rateLimit ?? CLOUDFLARE_API_RATE_LIMIT, now);
  const counts = { query: 0, controlPlane: 0, refused: 0 };
  script ??= bundleWorker(join(import.meta.dirname, 'd1-api-worker.ts'));
  const workerScript = await script;
  const miniflareOptions = () => localMiniflareOptions(bindings(), options.stateDirectory, workerScript);
  const sliceOptions = (uploaded: UploadedScript) => localSliceMiniflareOptions(uploaded, options.stateDirectory);
  const miniflare = await startLocalMiniflareWith(miniflareOptions());
  const lock = new SharedExclusiveLock();
  const accountPrefix = `/client/v4/accounts/${options.accountId}`;
  const prefix = `${accountPrefix}/d1/database`;
  const scriptsPrefix = `${accountPrefix}/workers/dispatch/namespaces/`;

  let workerUrl = await miniflare.ready;
  const agent = new Agent({ keepAlive: true });
  const inWorker = (path: string, body?: Buffer, method?: string, headers?: Record<string, string>) =>
    lock.shared(() => forward(new URL(path, workerUrl), agent, body, method, headers));

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

  // The bindings the API's running workerd has: a database created since its last start is not
  // among them until the next restart, which the first REST call that needs it makes (a statement,
  // its details). So creating a database restarts nothing (its slice's workerd binds it when the
  // slice is uploaded with it), and a provisioning costs one restart of a small workerd.
  let live = new Set(served.keys());
  const rebind = async () => {
    const next = new Set(served.keys());
    workerUrl = await restartLocalMiniflare(miniflare, miniflareOptions());
    live = next;
  };
  const bound = async (id: string) => {
    if (!live.has(id)) await lock.exclusive(() => (live.has(id) || !served.has(id) ? Promise.resolve() : rebind()));
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
    const database = { binding: `DB_${bindingsEverMade++}`, name, createdAt: new Date(now()).toISOString() };
    await lock.exclusive(async () => {
      served.set(id, database);
    });
    // A new database is empty: its details are known without asking workerd, which has not bound it yet.
    return cloudflareSuccess({ uuid: id, name, version: 'production', num_tables: 0, created_at: database.createdAt });
  };

  /** `GET …/d1/database`: every database it serves, in one page (Cloudflare's answer pages them; `page` and `per_page` are not read here). */
  const list = () => {
    const databases = [...served].map(([uuid, database]) => ({
      uuid,
      name: database.name,
      version: 'production',
      ...(database.createdAt ? { created_at: database.createdAt } : {}),
    }));
    const result_info = { page: 1, per_page: databases.length, count: databases.length, total_count: databases.length };
    return Response.json({ success: true, errors: [], messages: [], result: databases, result_info });
  };

  const notFound = (id: string) => cloudflareFailure(404, CloudflareErrorCode.databaseNotFound, `The database ${id} could not be found`);

  const remove = (id: string) =>
    lock.exclusive(async () => {
      if (!served.delete(id)) return notFound(id);
      for (const [name, slice] of slices) {
        const kept = Object.entries(slice.script.d1Databases).filter(([, databaseId]) => databaseId !== id);
        if (kept.length === Object.keys(slice.script.d1Databases).length) continue;
        const script = { ...slice.script, d1Databases: Object.fromEntries(kept) };
        slices.set(name, { ...slice, script, url: await restartLocalMiniflare(slice.miniflare, sliceOptions(script)) });
      }
      await rebind();
      await deleteLocalDatabaseFiles(options.stateDirectory, id);
      return cloudflareSuccess(null);
    });

  const scriptNotFound = (name: string) =>
    cloudflareFailure(404, CloudflareErrorCode.scriptNotFound, `Worker ${name} not found in dispatch namespace ${namespace}`);

  const upload = async (name: string, request: IncomingMessage, body: Buffer) => {
    const uploaded = await parseScriptUpload(request.headers['content-type'], body);
    if (typeof uploaded === 'string') return cloudflareFailure(400, CloudflareErrorCode.badRequest, uploaded);
    const unknown = Object.entries(uploaded.d1Databases).find(([, id]) => !served.has(id));
    if (unknown)
      return cloudflareFailure(400, CloudflareErrorCode.badRequest, `binding ${unknown[0]}: D1 database ${unknown[1]} not found`);
    return lock.exclusive(async () => {
      const previous = slices.get(name);
      const at = new Date(now()).toISOString();
      let started: { miniflare: Miniflare; url: URL };
      try {
        started = previous
          ? { miniflare: previous.miniflare, url: await restartLocalMiniflare(previous.miniflare, sliceOptions(uploaded)) }
          : await startSlice(uploaded);
      } catch (error) {
        // The previous version keeps serving: its workerd is started again with what it had.
        if (previous)
          slices.set(name, { ...previous, url: await restartLocalMiniflare(previous.miniflare, sliceOptions(previous.script)) });
        return cloudflareFailure(400, CloudflareErrorCode.scriptFailed, `Uncaught error at startup: ${messageOf(error)}`);
      }
      const slice: ServedSlice = { script: uploaded, ...started, createdOn: previous?.createdOn ?? at, modifiedOn: at };
      slices.set(name, slice);
      return cloudflareSuccess({
        id: name,
        created_on: slice.createdOn,
        modified_on: slice.modifiedOn,
        has_modules: true,
        handlers: ['fetch'],
        dispatch_namespace: namespace,
      });
    });
  };

  /** Starts a new slice's own workerd (disposed again when it fails to start). */
  const startSlice = async (uploaded: UploadedScript) => {
    const miniflare = await startLocalMiniflareWith(sliceOptions(uploaded));
    return { miniflare, url: await miniflare.ready };
  };

  const removeScript = (name: string) =>
    lock.exclusive(async () => {
      const slice = slices.get(name);
      if (!slice) return scriptNotFound(name);
      slices.delete(name);
      await slice.miniflare.dispose();
      return cloudflareSuccess(null);
    });

  /** The local dispatch namespace: `/dispatch/{namespace}/{script}/{path}` to the slice's Worker. */
  const dispatch = (pathname: string, search: string, request: IncomingMessage, body: Buffer) => {
    const [dispatchNamespace, name, ...path] = pathname.slice('/dispatch/'.length).split('/');
    const slice = dispatchNamespace === namespace && name !== undefined ? slices.get(decodeURIComponent(name)) : undefined;
    if (!slice) return Response.json({ error: `Worker not found: ${name}` }, { status: 404, headers: { 'cf-worker-not-found': '1' } });
    const contentType = request.headers['content-type'];
    const headers: Record<string, string> = typeof contentType === 'string' ? { 'content-type': contentType } : {};
    return lock.shared(() => forward(new URL(`/${path.join('/')}${search}`, slice.url), agent, body, request.method, headers));
  };

  const restRoute = async (request: IncomingMessage, pathname: string, body: Buffer): Promise<Response> => {
    const noRoute = () =>
      cloudflareFailure(404, CloudflareErrorCode.noRoute, `Could not route to ${pathname}, perhaps your object identifier is invalid?`);
    if (pathname.startsWith(scriptsPrefix)) {
      const [scriptNamespace, scripts, name, ...rest] = pathname.slice(scriptsPrefix.length).split('/').map(decodeURIComponent);
      if (scripts !== 'scripts' || name === undefined || rest.length > 0) return noRoute();
      if (scriptNamespace !== namespace)
        return cloudflareFailure(404, CloudflareErrorCode.namespaceNotFound, `dispatch namespace ${scriptNamespace} not found`);
      if (!SCRIPT_NAME.test(name)) return cloudflareFailure(400, CloudflareErrorCode.badRequest, `invalid script name ${name}`);
      if (request.method === 'PUT') return upload(name, request, body);
      if (request.method === 'DELETE') return removeScript(name);
      return noRoute();
    }
    if (pathname !== prefix && !pathname.startsWith(`${prefix}/`)) return noRoute();
    const [id, action, ...rest] = pathname
      .slice(prefix.length + 1)
      .split('/')
      .map(decodeURIComponent);
    if (id === undefined || id === '') return request.method === 'POST' ? create(body) : request.method === 'GET' ? list() : noRoute();
    const methods = action === undefined ? ['GET', 'DELETE'] : action === 'query' || action === 'raw' ? ['POST'] : [];
    if (rest.length > 0 || !methods.includes(request.method ?? '')) return noRoute();
    const database = served.get(id);
    if (!database) return notFound(id);
    if (request.method === 'DELETE') return remove(id);
    await bound(id);
    if (action === 'query' || action === 'raw') return inWorker(`/${action}/${database.binding}`, body);
    return cloudflareSuccess(await details(id, database));
  };

  const route = async (request: IncomingMessage): Promise<Response> => {
    const { pathname, search } = new URL(request.url ?? '/', 'http://local');
    const body = await readBody(request);
    if (pathname.startsWith('/dispatch/')) return dispatch(pathname, search, request, body);
    if (!pathname.startsWith('/client/v4/accounts/'))
      return cloudflareFailure(
        404,
        CloudflareErrorCode.noRoute,
        `Could not route to ${pathname}, perhaps your object identifier is invalid?`,
      );
    const token = request.headers.authorization?.replace(/^Bearer /, '');
    if (request.headers.authorization !== `Bearer ${options.apiToken}` || token === undefined)
      return cloudflareFailure(401, CloudflareErrorCode.authentication, 'Authentication error');
    const decision = limiter.admit(token);
    if (!decision.admitted) {
      counts.refused += 1;
      return tooManyRequests(decision.retryAfterSeconds);
    }
    if (/\/d1\/database\/[^/]+\/(query|raw)$/.test(pathname)) counts.query += 1;
    else counts.controlPlane += 1;
    return restRoute(request, pathname, body);
  };

  const server = createServer((request, response) => {
    route(request).then(
      (answer) => send(response, answer),
      (error: unknown) => send(response, cloudflareFailure(500, CloudflareErrorCode.statementFailed, messageOf(error))),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://${address}:${port}/client/v4`,
    dispatchUrl: `http://${address}:${port}/dispatch/${namespace}`,
    databaseIds: () => [...served.keys()],
    slices: () => Object.fromEntries([...slices].map(([name, slice]) => [name, Object.values(slice.script.d1Databases)])),
    restCalls: () => ({ ...counts }),
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
      await Promise.all([miniflare, ...[...slices.values()].map((slice) => slice.miniflare)].map((instance) => instance.dispose()));
    },
  };
}

/**
 * Cloudflare's answer past its rate limit: HTTP 429 with `retry-after` (whole seconds until
 * calls are admitted again), in the API's envelope.
 */
function tooManyRequests(retryAfterSeconds: number): Response {
  const answer = cloudflareFailure(429, CloudflareErrorCode.rateLimited, 'Please wait and consider throttling your request speed');
  answer.headers.set('retry-after', String(retryAfterSeconds));
  return answer;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function send(response: ServerResponse, answer: Response): Promise<void> {
  const body = Buffer.from(await answer.arrayBuffer());
  const headers: Record<string, string | number> = { 'content-type': 'application/json' };
  answer.headers.forEach((value, name) => {
    if (name !== 'content-length' && name !== 'transfer-encoding') headers[name] = value;
  });
  response.writeHead(answer.status, { ...headers, 'content-length': body.length });
  response.end(body);
}

/**
 * Sends a request to the Worker over a kept-alive connection with `node:http`, which costs a
 * fraction of `fetch` (undici) or `dispatchFetch` per call on this path.
 */
function forward(url: URL, agent: Agent, body?: Buffer, method?: string, headers: Record<string, string> = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      {
        method: method ?? (body === undefined ? 'GET' : 'POST'),
        agent,
        headers: body === undefined ? headers : { ...headers, 'content-length': body.length },
      },
      (incoming) => {
        readBody(incoming).then(
          (answer) =>
            resolve(
              new Response(answer, {
                status: incoming.statusCode ?? 502,
                headers: { 'content-type': String(incoming.headers['content-type'] ?? 'application/json') },
              }),
            ),
          reject,
        );
      },
    );
    outgoing.once('error', reject);
    outgoing.end(body);
  });
}
