import { env, reset } from 'cloudflare:test';
import { Migrator } from '@waddle/migrator/migrator';
import { Kysely } from 'kysely';
import { D1Dialect } from 'kysely-d1';
import type { DB } from '../src/generated/database.ts';
import { centralMigrations } from '../src/migrations/index.ts';

/** Empties the test database and migrates it to the latest central schema. */
export async function freshCentralDatabase(): Promise<Kysely<DB>> {
  await reset();
  const { error } = await new Migrator({ database: env.DB, migrations: centralMigrations }).migrateToLatest();
  if (error) throw error;
  return new Kysely<DB>({ dialect: new D1Dialect({ database: env.DB }) });
}
