import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { centralMigrations } from '@waddle/central-schema/migrations';
import { Migrator } from '@waddle/migrator/migrator';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import { registerDatabaseQuery } from '@waddle/registry/register-database';
import { statementOf } from '@waddle/registry/directory-kysely';

export interface FixtureWaddle {
  readonly name: string;
  readonly d1DatabaseId: string;
  /** How many of the waddle migrations it has before the fan-out. */
  readonly applied: number;
}

/** A fresh state directory for a local target. */
export function temporaryStateDirectory(): string {
  return mkdtempSync(join(tmpdir(), 'waddle-platform-'));
}

/**
 * A migrated central database listing `count` waddles whose databases sit at mixed versions
 * (waddle `i` has the first `i % (n + 1)` migrations; some none at all), with the registry's
 * `schema_version` telling the truth about each.
 */
export async function seedRegistry(target: DatabaseTarget, count: number): Promise<FixtureWaddle[]> {
  const waddles = Array.from({ length: count }, (_, i) => ({
    name: `w${i}`,
    d1DatabaseId: `test-waddle-${i}`,
    applied: i % (waddleMigrations.length + 1),
  }));
  const opened = await target.open([target.centralDatabaseId, ...waddles.map((w) => w.d1DatabaseId)]);
  try {
    const central = opened.get(target.centralDatabaseId);
    const { error } = await new Migrator({ database: central, migrations: centralMigrations }).migrateToLatest();
    if (error) throw error;
    await central.prepare("INSERT INTO users (id, username) VALUES (1, 'owner')").run();
    for (const waddle of waddles) {
      const migrations = waddleMigrations.slice(0, waddle.applied);
      if (migrations.length > 0) {
        const result = await new Migrator({ database: opened.get(waddle.d1DatabaseId), migrations }).migrateToLatest();
        if (result.error) throw result.error;
      }
      await central.batch([
        statementOf(
          central,
          registerDatabaseQuery({ role: 'waddle', d1DatabaseId: waddle.d1DatabaseId, schemaVersion: migrations.at(-1)?.name ?? null }, 0),
        ),
        central
          .prepare(
            'INSERT INTO waddles (name, display_name, owner_id, d1_database_id, primary_database_id) VALUES (?, ?, 1, ?, (SELECT id FROM databases WHERE d1_database_id = ?))',
          )
          .bind(waddle.name, waddle.name, waddle.d1DatabaseId, waddle.d1DatabaseId),
      ]);
    }
  } finally {
    await opened.dispose();
  }
  return waddles;
}

/** Each database's recorded migrations, and the versions the directory of databases records for them. */
export async function inspect(target: DatabaseTarget, waddles: readonly FixtureWaddle[]) {
  const opened = await target.open([target.centralDatabaseId, ...waddles.map((w) => w.d1DatabaseId)]);
  try {
    const recorded = new Map<string, string[]>();
    for (const waddle of waddles) {
      const { results } = await opened
        .get(waddle.d1DatabaseId)
        .prepare('SELECT name FROM schema_migrations ORDER BY name')
        .all<{ name: string }>()
        .catch(() => ({ results: [] as { name: string }[] }));
      recorded.set(
        waddle.name,
        results.map((r) => r.name),
      );
    }
    const { results: directory } = await opened
      .get(target.centralDatabaseId)
      .prepare('SELECT d1_database_id, schema_version FROM databases ORDER BY id')
      .all<{ d1_database_id: string; schema_version: string | null }>();
    return { recorded, directory };
  } finally {
    await opened.dispose();
  }
}
