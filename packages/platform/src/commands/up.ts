import type { DB as CentralDB } from '@waddle/central-schema/database';
import { centralMigrations } from '@waddle/central-schema/migrations';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { Kysely } from 'kysely';
import { D1Dialect } from 'kysely-d1';
import { DEMO_WADDLE, seedDemoDirectory } from '../demo/seed-demo-directory.ts';
import { seedDemoWaddle } from '../demo/seed-demo-waddle.ts';
import { LOCAL_CENTRAL_DATABASE_ID, openLocalDatabases } from '../local/local-databases.ts';
import { type DatabaseMigration, migrateDatabase } from '../migrate-database.ts';
import { textTable } from '../text-table.ts';

/**
 * The main job on local D1: creates and migrates the central directory database and one demo
 * waddle database (registered in the directory), seeds them once, and prints what it made.
 * Running it again migrates only what is pending and seeds nothing twice.
 */
export async function up(log: (line: string) => void = console.log): Promise<boolean> {
  const local = await openLocalDatabases([LOCAL_CENTRAL_DATABASE_ID, DEMO_WADDLE.d1DatabaseId]);
  try {
    log(`local D1 state: ${local.stateDirectory}`);
    const centralDatabase = local.get(LOCAL_CENTRAL_DATABASE_ID);
    const central = await migrateDatabase(centralDatabase, centralMigrations);
    report('central', central, log);
    if (central.error) return false;

    const waddleDatabase = local.get(DEMO_WADDLE.d1DatabaseId);
    const waddle = await migrateDatabase(waddleDatabase, waddleMigrations);
    report(`waddle ${DEMO_WADDLE.name}`, waddle, log);
    if (waddle.error) return false;

    const directory = new Kysely<CentralDB>({ dialect: new D1Dialect({ database: centralDatabase as unknown as D1Database }) });
    const waddleId = await seedDemoDirectory(directory, waddle.toVersion);
    const owner = await directory.selectFrom('waddles').select('owner_id').where('id', '=', waddleId).executeTakeFirstOrThrow();
    await seedDemoWaddle(openWaddleDatabase(waddleDatabase), owner.owner_id);

    log('');
    log(textTable([
      ['database', 'D1 id', 'schema version', 'tables', 'rows'],
      ['central', LOCAL_CENTRAL_DATABASE_ID, central.toVersion ?? '-', ...(await census(centralDatabase))],
      [`waddle ${DEMO_WADDLE.name} (#${waddleId})`, DEMO_WADDLE.d1DatabaseId, waddle.toVersion ?? '-', ...(await census(waddleDatabase))],
    ]));
    return true;
  } finally {
    await local.dispose();
  }
}

function report(label: string, migration: DatabaseMigration, log: (line: string) => void): void {
  const applied = migration.results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
  if (migration.error) {
    log(`${label}: FAILED at ${migration.results.find((r) => r.status === 'Error')?.migrationName ?? 'start'}: ${String(migration.error)}`);
  } else if (applied.length === 0) {
    log(`${label}: up to date at ${migration.toVersion}`);
  } else {
    log(`${label}: ${migration.fromVersion ?? 'empty'} -> ${migration.toVersion} (${applied.length} migrations applied)`);
  }
}

/** How many tables of the schema a database has, and how many rows they hold in all. */
async function census(database: D1DatabaseLike): Promise<[string, string]> {
  const { results: tables } = await database
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts_%' AND name <> 'schema_migrations' AND sql NOT LIKE 'CREATE VIRTUAL%'")
    .all<{ name: string }>();
  const counts = await database.batch<{ n: number }>(tables.map(({ name }) => database.prepare(`SELECT count(*) AS n FROM "${name}"`)));
  const rows = counts.reduce((sum, result) => sum + (result.results[0]?.n ?? 0), 0);
  return [String(tables.length), String(rows)];
}
