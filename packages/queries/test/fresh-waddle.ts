import { env, reset } from 'cloudflare:test';
import { Migrator } from '@waddle/migrator/migrator';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { openWaddleDatabase, type WaddleDatabase } from '../src/waddle-database.ts';

/** Empties the test database, migrates it to the latest waddle schema, and adds channels 1 to 3. */
export async function freshWaddle(): Promise<WaddleDatabase> {
  await reset();
  const { error } = await new Migrator({ database: env.DB, migrations: waddleMigrations }).migrateToLatest();
  if (error) throw error;
  const waddle = openWaddleDatabase(env.DB);
  await waddle.db
    .insertInto('channels')
    .values([1, 2, 3].map((id) => ({ id, name: `channel-${id}`, created_by: 1 })))
    .execute();
  return waddle;
}
