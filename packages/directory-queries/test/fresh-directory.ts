import { env, reset } from 'cloudflare:test';
import { centralMigrations } from '@waddle/central-schema/migrations';
import { Migrator } from '@waddle/migrator/migrator';
import { type DirectoryDatabase, openDirectoryDatabase } from '../src/directory-database.ts';

/** Empties the test database, migrates it to the latest central schema, and adds users 1 to 3 and waddles 10 (public) and 11 (private). */
export async function freshDirectory(): Promise<DirectoryDatabase> {
  await reset();
  const { error } = await new Migrator({ database: env.DB, migrations: centralMigrations }).migrateToLatest();
  if (error) throw error;
  const directory = openDirectoryDatabase(env.DB);
  await directory.db
    .insertInto('users')
    .values([1, 2, 3].map((id) => ({ id, username: `user${id}` })))
    .execute();
  // Each waddle's database in the directory first (11's through a static binding), as provisioning registers them.
  await directory.db
    .insertInto('databases')
    .values([
      { role: 'waddle', d1_database_id: 'db-10', binding: null, created_at: 0, updated_at: 0 },
      { role: 'waddle', d1_database_id: 'db-11', binding: 'WADDLE_11', created_at: 0, updated_at: 0 },
    ])
    .execute();
  const primary = (d1DatabaseId: string) => directory.db.selectFrom('databases').select('id').where('d1_database_id', '=', d1DatabaseId);
  await directory.db
    .insertInto('waddles')
    .values([
      {
        id: 10,
        name: 'open',
        display_name: 'Open',
        owner_id: 1,
        is_public: 1,
        d1_database_id: 'db-10',
        primary_database_id: primary('db-10'),
      },
      {
        id: 11,
        name: 'closed',
        display_name: 'Closed',
        owner_id: 1,
        is_public: 0,
        d1_database_id: 'db-11',
        primary_database_id: primary('db-11'),
      },
    ])
    .execute();
  return directory;
}
