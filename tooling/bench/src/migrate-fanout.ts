import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { centralMigrations } from '@waddle/central-schema/migrations';
import { systemClock } from '@waddle/clock/clock';
import { openNodeSqliteDatabase } from '@waddle/d1/node-sqlite';
import { Migrator } from '@waddle/migrator/migrator';
import { localTarget } from '@waddle/platform/local-target';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { recordSlicePlacement, slicePlacement, startBenchLocalApi, uploadSlicePlacement } from './local-slices.ts';
import { registerDatabaseQuery } from '@waddle/registry/register-database';
import { statementOf } from '@waddle/registry/directory-kysely';

/** How the fan-out reaches the databases: through their binding slices (a deployment's way), or bound to the fan-out Worker. */
export type FanOutReach = 'slices' | 'bindings';

/** What one timed fan-out did. */
export interface FanOutTiming {
  readonly seconds: number;
  /** Slices the databases were placed in (0 when bound directly). */
  readonly slices: number;
  /** REST query or batch calls the local API answered during the fan-out (through slices; 0 when bound directly, no API runs). */
  readonly restQueryCalls: number;
}

/**
 * Times a one-migration fan-out over `count` local waddle databases: each database is a copy of
 * one at the second-to-last waddle migration, the directory lists them all, and `migrateAll`
 * (concurrency 8, inside workerd as `pnpm migrate` runs it locally) brings them to the last.
 *
 * With `reach: 'slices'`, as on a deployment: the directory places the databases in binding
 * slices of `SLICE_CAPACITY` (1,000 databases are 4 slices), the local D1 API serves them and
 * runs the slices uploaded through it, and the fan-out is what `pnpm migrate` runs with
 * `SLICES_DISPATCH_URL` set: each slice's bounded migrate job over its databases, the fan-out
 * Worker bound to the central database only; the local API's REST query calls are counted over
 * the fan-out. With `'bindings'`, every database is bound to the fan-out Worker (the figure from
 * before slices). Returns seconds, setup excluded.
 */
export async function timeMigrateFanOut(
  stateDirectory: string,
  count: number,
  log: (line: string) => void,
  reach: FanOutReach = 'slices',
): Promise<FanOutTiming> {
  rmSync(stateDirectory, { recursive: true, force: true });
  mkdirSync(stateDirectory, { recursive: true });
  const target = localTarget(stateDirectory);
  const ids = Array.from({ length: count }, (_, i) => `fanout-${i}`);
  const placement = reach === 'slices' ? slicePlacement(ids) : new Map<string, string[]>();

  // Create every database file once (Miniflare names files after the id), then overwrite each
  // with a template at N-1: much faster than migrating 1,000 databases through D1 for the setup.
  const template = join(stateDirectory, 'template.sqlite');
  const templateDb = openNodeSqliteDatabase(template);
  const prepared = await new Migrator({ database: templateDb, migrations: waddleMigrations.slice(0, -1) }).migrateToLatest();
  if (prepared.error) throw prepared.error;
  templateDb.close();
  const opened = await target.open([target.centralDatabaseId, ...ids]);
  const central = opened.get(target.centralDatabaseId);
  const migrated = await new Migrator({ database: central, migrations: centralMigrations }).migrateToLatest();
  if (migrated.error) throw migrated.error;
  await central.prepare("INSERT INTO users (id, username) VALUES (1, 'bench')").run();
  for (let start = 0; start < ids.length; start += 20) {
    await central.batch(
      ids
        .slice(start, start + 20)
        .flatMap((id) => [
          statementOf(
            central,
            registerDatabaseQuery({ role: 'waddle', d1DatabaseId: id, schemaVersion: waddleMigrations.at(-2)!.name }, 0),
          ),
          central
            .prepare(
              'INSERT INTO waddles (name, display_name, owner_id, d1_database_id, primary_database_id) VALUES (?, ?, 1, ?, (SELECT id FROM databases WHERE d1_database_id = ?))',
            )
            .bind(id, id, id, id),
        ]),
    );
  }
  await recordSlicePlacement(central, placement, systemClock());
  const before = new Set(readdirSync(join(stateDirectory, 'd1', 'miniflare-D1DatabaseObject')));
  for (let start = 0; start < ids.length; start += 50) {
    await Promise.all(ids.slice(start, start + 50).map((id) => opened.get(id).prepare('SELECT 1').all()));
  }
  await opened.dispose();
  const folder = join(stateDirectory, 'd1', 'miniflare-D1DatabaseObject');
  const created = readdirSync(folder).filter((file) => file.endsWith('.sqlite') && !before.has(file));
  if (created.length !== count) throw new Error(`expected ${count} new database files, found ${created.length}`);
  for (const file of created) {
    for (const suffix of ['-wal', '-shm']) rmSync(join(folder, `${file}${suffix}`), { force: true });
    copyFileSync(template, join(folder, file));
  }

  const local = reach === 'slices' ? await startBenchLocalApi(stateDirectory, ids) : undefined;
  try {
    if (local) {
      await uploadSlicePlacement(local.cf, placement);
      log(`  ${count} databases in ${placement.size} slices of the local API`);
    }
    log(`  ${count} databases at ${waddleMigrations.at(-2)!.name}; migrating to ${waddleMigrations.at(-1)!.name}`);
    const fanOutTarget = local ? localTarget(stateDirectory, { sliceDispatchUrl: local.api.dispatchUrl }) : target;
    const restBefore = local?.api.restCalls().query ?? 0;
    const started = performance.now();
    const report = await fanOutTarget.migrateAll!({ concurrency: 8 });
    const seconds = (performance.now() - started) / 1000;
    const restQueryCalls = (local?.api.restCalls().query ?? 0) - restBefore;
    const migratedCount = report.outcomes.filter((o) => o.status === 'migrated').length;
    if (report.failed.length > 0 || migratedCount !== count) {
      throw new Error(`fan-out: ${migratedCount} migrated, ${report.failed.length} failed (${report.failed[0]?.error})`);
    }
    return { seconds, slices: placement.size, restQueryCalls };
  } finally {
    await local?.api.close();
  }
}
