import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { centralMigrations } from '@waddle/central-schema/migrations';
import { openNodeSqliteDatabase } from '@waddle/d1/node-sqlite';
import { Migrator } from '@waddle/migrator/migrator';
import { localTarget } from '@waddle/platform/local-target';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';

/**
 * Times a one-migration fan-out over `count` local waddle databases: each database is a copy of
 * one at the second-to-last waddle migration, the registry lists them all, and `migrateAll`
 * (concurrency 8, inside workerd as `pnpm migrate` runs it locally) brings them to the last.
 * Returns seconds, setup excluded.
 */
export async function timeMigrateFanOut(stateDirectory: string, count: number, log: (line: string) => void): Promise<number> {
  rmSync(stateDirectory, { recursive: true, force: true });
  mkdirSync(stateDirectory, { recursive: true });
  const target = localTarget(stateDirectory);
  const ids = Array.from({ length: count }, (_, i) => `fanout-${i}`);

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
        .map((id) =>
          central
            .prepare('INSERT INTO waddles (name, display_name, owner_id, d1_database_id, schema_version) VALUES (?, ?, 1, ?, ?)')
            .bind(id, id, id, waddleMigrations.at(-2)!.name),
        ),
    );
  }
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
  log(`  ${count} databases at ${waddleMigrations.at(-2)!.name}; migrating to ${waddleMigrations.at(-1)!.name}`);

  const started = performance.now();
  const report = await target.migrateAll!({ concurrency: 8 });
  const seconds = (performance.now() - started) / 1000;
  const migratedCount = report.outcomes.filter((o) => o.status === 'migrated').length;
  if (report.failed.length > 0 || migratedCount !== count) {
    throw new Error(`fan-out: ${migratedCount} migrated, ${report.failed.length} failed (${report.failed[0]?.error})`);
  }
  return seconds;
}
