import { relative } from 'node:path';
import { type Clock, systemClock } from '@waddle/clock/clock';
import { type CommandLine, parseCommandLine } from '@waddle/command-line/parse-command-line';
import { centralMigrations } from '@waddle/central-schema/migrations';
import type { D1DatabaseLike } from '@waddle/d1/database';
import type { Migration } from '@waddle/migrator/migration';
import { checkSchemaHealth } from '@waddle/migrator/schema-health';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { seedDemoPlatform } from '../demo/seed-demo-platform.ts';
import { runFanOut } from '@waddle/provisioning/migrate-all';
import { writeDevVars } from '../local/dev-vars.ts';
import { LOCAL_ACCOUNT_ID, LOCAL_DISPATCH_NAMESPACE, type LocalD1Api, startLocalD1Api } from '../local/local-d1-api.ts';
import { serveLocalSlices } from '../local/serve-local-slices.ts';
import { LOCAL_STATE_DIRECTORY } from '../local/local-state-directory.ts';
import { ensureLocalSecrets, localSecretsFile } from '../local/local-secrets.ts';
import { registeredDatabases } from '../local/registered-databases.ts';
import { describeDatabase } from '@waddle/registry/database-directory-row';
import { listAllDatabases } from '@waddle/registry/list-databases';
import { REPOSITORY_ROOT } from '../local/repository-root.ts';
import { type RunningWorker, startWorker } from '../local/worker-processes.ts';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import { localTarget } from '../targets/local-target.ts';
import { centralKysely } from '../central-kysely.ts';
import { textTable } from '../text-table.ts';
import { DEMO_USERS } from '../demo/demo-content.ts';
import { type CommandIo, consoleIo } from './command-io.ts';
import { localToken } from './token.ts';
import { untilStopSignal } from './until-stop-signal.ts';

/** `waddle up`: its usage and options. */
export const UP_COMMAND_LINE = {
  command: 'waddle up',
  description: [
    'Migrates every local database, seeds the demo platform once and prints it, then serves the local',
    'D1 REST API (127.0.0.1:8789) and the api and monitor Workers (wrangler dev, 127.0.0.1:8787 and',
    '8788) on the same local state until Ctrl-C, which stops them and exits 0. What `npm start` runs.',
  ].join('\n'),
  options: { 'no-workers': { type: 'boolean', description: 'stop after seeding: serve neither the local D1 API nor the Workers' } },
} satisfies CommandLine;

/** `waddle up [--no-workers]`: {@link up} from the command line; exit code 1 when it failed, 2 for bad arguments. */
export async function upCommand(argv: readonly string[], io: CommandIo = consoleIo): Promise<number> {
  const parsed = parseCommandLine(UP_COMMAND_LINE, argv, io);
  if ('exitCode' in parsed) return parsed.exitCode;
  return (await up({ workers: !parsed.values['no-workers'], log: io.out })) ? 0 : 1;
}

/** Where `waddle up` serves the local D1 REST API. */
const LOCAL_D1_API_PORT = 8789;

/**
 * The main job, on local D1: migrates the central database and every waddle database of its
 * directory of databases, provisions and seeds the demo platform once (users, three waddles with
 * roles, channels, threads, messages in several languages, reactions), prints every database of
 * the directory, then (unless `workers` is false) serves the local D1 REST API on 127.0.0.1:8789
 * (every database of the directory, and those it creates) and its dispatch namespace, puts every
 * database of the directory into a slice there (`serveLocalSlices`: the slices the directory
 * names are uploaded again, the rest, the demo's included, moved in), writes both Workers'
 * `.dev.vars` (the API's address, account and token, `SLICES_DISPATCH_URL` and `SLICES_NAMESPACE`,
 * the api's `AUTH_SECRET`, the monitor's `MONITOR_TOKEN`, generated once and kept in
 * `.wrangler/local-secrets.json`) and serves the api and monitor Workers with
 * `wrangler dev` on the same state until Ctrl-C or SIGTERM (then it stops them in order and
 * answers `true`). Running it again reuses the data and the secrets.
 */
export async function up(
  options: {
    readonly workers?: boolean;
    readonly target?: DatabaseTarget;
    readonly log?: (line: string) => void;
    readonly messagesPerWaddle?: number;
    readonly clock?: Clock;
  } = {},
): Promise<boolean> {
  const log = options.log ?? console.log;
  const target = options.target ?? localTarget();
  const clock = options.clock ?? systemClock;
  const migrated = await runFanOut({ target });
  for (const failure of migrated.failed) log(`FAILED ${failure.database} (${failure.d1DatabaseId}): ${failure.error}`);
  if (migrated.failed.length > 0) return false;
  const applied = migrated.outcomes.filter((o) => o.status === 'migrated');
  log(
    applied.length === 0
      ? 'every database is up to date'
      : applied.map((o) => `${o.database}: ${o.fromVersion ?? 'empty'} -> ${o.toVersion}`).join('\n'),
  );

  const opened = await target.open([target.centralDatabaseId]);
  const central = opened.get(target.centralDatabaseId);
  let demoUser: { id: number; username: string } | null;
  try {
    await seedDemoPlatform(central, target, log, clock(), options.messagesPerWaddle);
    const directory = await listAllDatabases(central);
    demoUser =
      (await centralKysely(central)
        .selectFrom('users')
        .select(['id', 'username'])
        .where('username', '=', DEMO_USERS[0])
        .executeTakeFirst()) ?? null;
    const databases = await target.open(directory.map((d) => d.d1_database_id));
    try {
      log('');
      log(
        textTable([
          ['database', 'D1 id', 'schema version', 'tables', 'rows'],
          ['central', target.centralDatabaseId, await versionOf(central, centralMigrations), ...(await census(central))],
          ...(await Promise.all(
            directory.map(async (d) => {
              const database = databases.get(d.d1_database_id);
              const name = d.waddle_id === null ? describeDatabase(d) : `${describeDatabase(d)} (#${d.waddle_id})`;
              return [name, d.d1_database_id, await versionOf(database, waddleMigrations), ...(await census(database))];
            }),
          )),
        ]),
      );
    } finally {
      await databases.dispose();
    }
  } finally {
    await opened.dispose();
  }
  if (options.workers === false) return true;

  log('');
  log('starting the local D1 REST API and the Workers (wrangler dev) on the same local state…');
  const secrets = await ensureLocalSecrets(REPOSITORY_ROOT);
  let d1Api: LocalD1Api;
  try {
    // Not the central database: the Workers reach it through their own binding, and one file
    // should not be open for writing in two workerd processes (this one and wrangler dev's).
    const waddleDatabaseIds = (await registeredDatabases(LOCAL_STATE_DIRECTORY)).map((row) => row.d1_database_id);
    d1Api = await startLocalD1Api({
      stateDirectory: LOCAL_STATE_DIRECTORY,
      accountId: LOCAL_ACCOUNT_ID,
      apiToken: secrets.cloudflareApiToken,
      databaseIds: waddleDatabaseIds,
      port: LOCAL_D1_API_PORT,
    });
  } catch (error) {
    log(`the local D1 REST API did not start on 127.0.0.1:${LOCAL_D1_API_PORT}: ${String(error)}`);
    return false;
  }
  try {
    for (const line of await serveLocalSlices(d1Api, secrets.cloudflareApiToken, target, clock)) log(line);
  } catch (error) {
    await d1Api.close();
    log(`the local slices did not start: ${String(error)}`);
    return false;
  }
  const devVars = await writeDevVars(
    REPOSITORY_ROOT,
    { baseUrl: d1Api.baseUrl, accountId: LOCAL_ACCOUNT_ID, dispatchUrl: d1Api.dispatchUrl, namespace: LOCAL_DISPATCH_NAMESPACE },
    secrets,
  );
  const workers: RunningWorker[] = [];
  try {
    workers.push(await startWorker('api', 8787), await startWorker('monitor', 8788));
  } catch (error) {
    await Promise.all(workers.map((w) => w.stop()));
    await d1Api.close();
    log(String(error));
    return false;
  }
  log(
    `local D1 REST API: ${d1Api.baseUrl}  (account ${LOCAL_ACCOUNT_ID}, ${d1Api.databaseIds().length} waddle databases; what the Workers reach past their binding)`,
  );
  for (const worker of workers) log(`${worker.name}: ${worker.url}  (try ${worker.url}/health; log: ${worker.logFile})`);
  log(
    `secrets: ${localSecretsFile(REPOSITORY_ROOT)} (kept across runs), written to ${devVars.map((file) => relative(REPOSITORY_ROOT, file)).join(' and ')}`,
  );
  // wrangler dev fires no cron triggers: ask the monitor for a first sample of every database.
  const sampled = await fetch(`${workers[1]!.url}/api/sample`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secrets.monitorToken}` },
  }).then(
    (response) => (response.ok ? 'first size sample taken' : `first size sample refused (${response.status})`),
    (error: unknown) => `first size sample failed: ${String(error)}`,
  );
  log(`monitor: ${sampled}`);
  if (demoUser) {
    const token = await localToken(demoUser.id, 24 * 3600, clock());
    log('');
    log(`API token for ${demoUser.username} (user ${demoUser.id}), valid 24 h (another: npm run -s token <user-id>):`);
    log(token);
    log(`try: curl -H "Authorization: Bearer ${token}" ${workers[0]!.url}/v1/waddles`);
    log(`dashboard: ${workers[1]!.url}/?token=${secrets.monitorToken}`);
    log(`API reference: ${workers[0]!.url}/v1/docs (the OpenAPI document: ${workers[0]!.url}/v1/openapi.json)`);
  }
  log('Ctrl-C stops everything.');
  await untilStopSignal(async () => {
    log('stopping…');
    await Promise.all(workers.map((w) => w.stop()));
    await d1Api.close();
  });
  log('stopped');
  return true;
}

/** The newest migration a database has, as the migrator reads its bookkeeping (`-`: none). */
async function versionOf(database: D1DatabaseLike, migrations: readonly Migration[]): Promise<string> {
  return (await checkSchemaHealth(database, migrations)).version ?? '-';
}

/** How many tables of the schema a database has, and how many rows they hold in all. */
async function census(database: D1DatabaseLike): Promise<[string, string]> {
  // Raw: a walk of SQLite's catalog (sqlite_master) and a count of each table it names, whatever the
  // schema version; neither is a table of the generated types. test/up.test.ts checks the counts it prints.
  const { results: tables } = await database
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts_%' AND name <> 'schema_migrations' AND sql NOT LIKE 'CREATE VIRTUAL%'",
    )
    .all<{ name: string }>();
  const counts = await database.batch<{ n: number }>(tables.map(({ name }) => database.prepare(`SELECT count(*) AS n FROM "${name}"`)));
  const rows = counts.reduce((sum, result) => sum + (result.results[0]?.n ?? 0), 0);
  return [String(tables.length), String(rows)];
}
