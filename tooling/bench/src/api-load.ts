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

const REPOSITORY_ROOT = resolve(import.meta.dirname, '../../..');
const WADDLE_DATABASE_ID = 'bench-api-waddle';
const USERS = 20;
const SECRET = 'bench-secret-for-the-local-load-test-only';

export interface ApiLoadResult {
  readonly list: LoadResult;
  readonly post: LoadResult;
}

/**
 * A bounded load test of the api Worker as `wrangler dev` serves it on loopback: a waddle of
 * `messages` messages in one channel, bound to the Worker (the registry names the binding, the
 * fast path of a deployment), and `requests` requests from `concurrency` clients for each of
 * listing the newest page of 50 (`GET …/messages`) and posting one message (`POST …/messages`,
 * authors in turn). Every answer must be 200 or 201; anything else counts as an error.
 */
export async function measureApiLoad(
  persistRoot: string,
  log: (line: string) => void,
  options: { readonly messages?: number; readonly requests?: number; readonly concurrency?: number; readonly port?: number } = {},
): Promise<ApiLoadResult> {
  const { messages = 5_000, requests = 2_000, concurrency = 8, port = 8797 } = options;
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
      central
        .prepare(
          "INSERT INTO waddles (id, name, display_name, owner_id, d1_database_id, d1_binding) VALUES (1, 'load', 'Load', 1, ?, 'BENCH_WADDLE')",
        )
        .bind(WADDLE_DATABASE_ID),
      ...userIds.map((id) => central.prepare('INSERT INTO waddle_members (waddle_id, user_id) VALUES (1, ?)').bind(id)),
    ]);
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
  log(`  ${messages.toLocaleString('en')} messages seeded; serving the api with wrangler dev on 127.0.0.1:${port}`);

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
        { binding: 'CENTRAL_DB', database_name: 'central', database_id: target.centralDatabaseId },
        { binding: 'BENCH_WADDLE', database_name: 'load', database_id: WADDLE_DATABASE_ID },
      ],
    }),
  );
  const worker = await startWorker('api', port, {
    configPath,
    persistTo: persistRoot,
    vars: { AUTH_SECRET: SECRET },
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
    for (const run of [list, post]) if (run.firstError) log(`  first error: ${run.firstError}`);
    return { list, post };
  } finally {
    await worker.stop();
  }
}
