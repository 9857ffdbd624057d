import { env, reset } from 'cloudflare:test';
import { Migrator } from '@waddle/migrator/migrator';
import { Kysely } from 'kysely';
import { D1Dialect } from 'kysely-d1';
import type { DB } from '../src/generated/database.ts';
import { waddleMigrations } from '../src/migrations/index.ts';

/** Empties the test database and migrates it to the latest waddle schema. */
export async function freshWaddleDatabase(): Promise<Kysely<DB>> {
  await reset();
  const { error } = await new Migrator({ database: env.DB, migrations: waddleMigrations }).migrateToLatest();
  if (error) throw error;
  return new Kysely<DB>({ dialect: new D1Dialect({ database: env.DB }) });
}
