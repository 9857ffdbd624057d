import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { signAccessToken } from '@waddle/auth-token/access-token';
import { DEFAULT_KEY_ID } from '@waddle/auth-token/token-keys';
import { centralMigrations } from '@waddle/central-schema/migrations';
import { systemClock } from '@waddle/clock/clock';
import { Migrator } from '@waddle/migrator/migrator';
import { startWorker } from '@waddle/platform/worker-processes';
import { localTarget } from '@waddle/platform/local-target';
import { postMessages } from '@waddle/queries/messages/post-message';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { type LoadResult, runLoad } from './load-generator.ts';
import { type BenchLocalApi, recordSlicePlacement, slicePlacement, startBenchLocalApi, uploadSlicePlacement } from './local-slices.ts';
import { registerDatabaseQuery } from '@waddle/registry/register-database';
import { statementOf } from '@waddle/registry/directory-kysely';

const REPOSITORY_ROOT = resolve(import.meta.dirname, '../../..');
const WADDLE_DATABASE_ID = 'bench-api-waddle';
const USERS = 20;
const SECRET = 'bench-secret-for-the-local-load-test-only';

export interface ApiLoadResult {
  readonly list: LoadResult;
  readonly post: LoadResult;
  /** REST query or batch calls the local API answered while the requests were served (the data path's; must be 0). */
  readonly restQueryCalls: number;
}

/**
 * How the api Worker reaches the waddle: `slice`, the deployment's data path (the directory
 * places the database in a binding slice of the local API, the Worker dispatches to it), or
 * `rest` (the directory gives neither slice nor binding, so the Worker's REST connector serves
 * it: only to show that the counter sees such calls).
 */
export type ApiLoadReach = 'slice' | 'rest';

/**
 * A bounded load test of the api Worker as `wrangler dev` serves it on loopback, on the local
 * platform `npm start` runs: the Worker bound to the central database only, the local D1 API
 * (Cloudflare's rate limit on) serving a waddle of `messages` messages in one channel, which the
 * Worker reaches as `reach` says (by default through its binding slice, `SLICES_DISPATCH_URL`,
 * with the REST API configured too, so a REST call would be possible and counted), and
 * `requests` requests from `concurrency` clients for each of listing the newest page of 50
 * (`GET …/messages`) and posting one message (`POST …/messages`, authors in turn). Every answer
 * must be 200 or 201; anything else counts as an error. The local API's REST query calls are
 * counted from the first request to the last answer.
 */
export async function measureApiLoad(
  persistRoot: string,
  log: (line: string) => void,
  options: {
    readonly messages?: number;
    readonly requests?: number;
    readonly concurrency?: number;
    readonly port?: number;
    readonly reach?: ApiLoadReach;
  } = {},
): Promise<ApiLoadResult> {
  const { messages = 5_000, requests = 2_000, concurrency = 8, port = 8797, reach = 'slice' } = options;
  const placement = reach === 'slice' ? slicePlacement([WADDLE_DATABASE_ID]) : new Map<string, string[]>();
  rmSync(persistRoot, { recursive: true, force: true });
  const stateDirectory = join(persistRoot, 'v3');
  mkdirSync(stateDirectory, { recursive: true });
  const target = localTarget(stateDirectory);

  const opened = await target.open([target.centralDatabaseId, WADDLE_DATABASE_ID]);
  try {
    const central = opened.get(target.centralDatabaseId);
    const waddle = opened.get(WADDLE_DATABASE_ID);
    for (const [database, migrations] of [
      [central, centralMigrations],
      [waddle, waddleMigrations],
    ] as const) {
      const { error } = await new Migrator({ database, migrations }).migrateToLatest();
      if (error) throw error;
    }
    const userIds = Array.from({ length: USERS }, (_, i) => i + 1);
    await central.batch([
      ...userIds.map((id) => central.prepare('INSERT INTO users (id, username) VALUES (?, ?)').bind(id, `load-${id}`)),
      statementOf(central, registerDatabaseQuery({ role: 'waddle', d1DatabaseId: WADDLE_DATABASE_ID, schemaVersion: null }, 0)),
      central
        .prepare(
          "INSERT INTO waddles (id, name, display_name, owner_id, d1_database_id, primary_database_id) VALUES (1, 'load', 'Load', 1, ?1, (SELECT id FROM databases WHERE d1_database_id = ?1))",
        )
        .bind(WADDLE_DATABASE_ID),
      ...userIds.map((id) => central.prepare('INSERT INTO waddle_members (waddle_id, user_id) VALUES (1, ?)').bind(id)),
    ]);
    await recordSlicePlacement(central, placement, systemClock());
    await waddle.prepare("INSERT INTO channels (id, name, created_by) VALUES (1, 'general', 1)").run();
    const library = openWaddleDatabase(waddle);
    for (let first = 0; first < messages; first += 50) {
      await postMessages(
        library,
        Array.from({ length: Math.min(50, messages - first) }, (_, k) => ({
          channelId: 1,
          authorId: ((first + k) % USERS) + 1,
          content: `seed message ${first + k}`,
          createdAt: systemClock(),
        })),
      );
    }
  } finally {
    await opened.dispose();
  }
  log(
    `  ${messages.toLocaleString('en')} messages seeded, reached through ${reach === 'slice' ? 'its slice' : 'the REST API'}; serving the api with wrangler dev on 127.0.0.1:${port}`,
  );
  const local = await startBenchLocalApi(stateDirectory, [WADDLE_DATABASE_ID]);
  try {
    await uploadSlicePlacement(local.cf, placement);
    return await loadTheApi(persistRoot, local, { centralDatabaseId: target.centralDatabaseId, requests, concurrency, port }, log);
  } finally {
    await local.api.close();
  }
}

/** The load itself, once the waddle is served: the api Worker under `wrangler dev`, then the two runs. */
async function loadTheApi(
  persistRoot: string,
  { api, cf }: BenchLocalApi,
  load: { readonly centralDatabaseId: string; readonly requests: number; readonly concurrency: number; readonly port: number },
  log: (line: string) => void,
): Promise<ApiLoadResult> {
  const { centralDatabaseId, requests, concurrency, port } = load;
  const configPath = join(persistRoot, 'wrangler.jsonc');
  writeFileSync(
    configPath,
    JSON.stringify({
      name: 'waddle-api-load',
      main: join(REPOSITORY_ROOT, 'apps', 'api', 'src', 'index.ts'),
      compatibility_date: '2026-11-01',
      // As apps/api/wrangler.jsonc: the reference page's Swagger UI files are text modules.
      rules: [{ type: 'Text', globs: ['swagger-ui-dist/swagger-ui-bundle.js', 'swagger-ui-dist/swagger-ui.css'], fallthrough: true }],
      d1_databases: [
        // The waddle is the local API's (one process opens each database): reached through it only.
        { binding: 'CENTRAL_DB', database_name: 'central', database_id: centralDatabaseId },
      ],
    }),
  );
  const worker = await startWorker('api', port, {
    configPath,
    persistTo: persistRoot,
    vars: {
      AUTH_SECRET: SECRET,
      SLICES_DISPATCH_URL: api.dispatchUrl,
      CLOUDFLARE_API_BASE_URL: cf.baseUrl,
      CLOUDFLARE_ACCOUNT_ID: cf.accountId,
      CLOUDFLARE_API_TOKEN: cf.apiToken,
    },
    logFile: join(dirname(configPath), 'wrangler-dev.log'),
  });
  try {
    const tokens = await Promise.all(
      Array.from({ length: USERS }, (_, i) =>
        signAccessToken({ kid: DEFAULT_KEY_ID, secret: SECRET }, { userId: i + 1, now: systemClock() }),
      ),
    );
    const url = `${worker.url}/v1/waddles/1/channels/1/messages`;
    const warm = await fetch(url, { headers: { authorization: `Bearer ${tokens[0]}` } });
    if (warm.status !== 200) throw new Error(`the api answered ${warm.status} to the first page: ${await warm.text()}`);
    const restBefore = api.restCalls().query;
    const list = await runLoad((i) => fetch(`${url}?before=50`, { headers: { authorization: `Bearer ${tokens[i % USERS]}` } }), {
      requests,
      concurrency,
      expectStatus: 200,
    });
    log(
      `  list: ${list.requestsPerSecond.toFixed(0)} req/s, p50 ${list.p50Ms.toFixed(1)} ms, p99 ${list.p99Ms.toFixed(1)} ms, ${list.errors} errors`,
    );
    const post = await runLoad(
      (i) =>
        fetch(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${tokens[i % USERS]}`, 'content-type': 'application/json' },
          body: JSON.stringify({ content: `load message ${i}` }),
        }),
      { requests, concurrency, expectStatus: 201 },
    );
    log(
      `  post: ${post.requestsPerSecond.toFixed(0)} req/s, p50 ${post.p50Ms.toFixed(1)} ms, p99 ${post.p99Ms.toFixed(1)} ms, ${post.errors} errors`,
    );
    const restQueryCalls = api.restCalls().query - restBefore;
    log(`  REST query calls while serving: ${restQueryCalls}`);
    for (const run of [list, post]) if (run.firstError) log(`  first error: ${run.firstError}`);
    return { list, post, restQueryCalls };
  } finally {
    await worker.stop();
  }
}
