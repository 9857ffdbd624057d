import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * A waddle is its primary database's directory row: inserting one without `primary_database_id`,
 * or setting it to null, is refused with a message that says so, instead of registering the
 * database by its D1 id as 0017's trigger did (made again by 0021 without the dropped columns; the
 * down migration restores 0021's). It was for code that predated the directory; every writer now
 * inserts the directory row first, as provisioning does (see `registerDatabaseQuery`). A
 * waddle without that row would have nothing to serve: the API finds a waddle's database through
 * it alone, and such a waddle answered 404.
 */
export const requirePrimaryDatabase: Migration = {
  name: '0022_require_primary_database',
  up: () => [
    sql`DROP TRIGGER waddles_register_primary_database`,
    sql`CREATE TRIGGER waddles_need_primary_database BEFORE INSERT ON waddles WHEN new.primary_database_id IS NULL
      BEGIN
        SELECT RAISE(ABORT, 'waddles: primary_database_id is required: insert the database into databases first and point the waddle at its row');
      END`,
    sql`CREATE TRIGGER waddles_keep_primary_database BEFORE UPDATE OF primary_database_id ON waddles WHEN new.primary_database_id IS NULL
      BEGIN
        SELECT RAISE(ABORT, 'waddles: primary_database_id is required: a waddle keeps its primary database');
      END`,
  ],
  down: () => [
    sql`DROP TRIGGER waddles_keep_primary_database`,
    sql`DROP TRIGGER waddles_need_primary_database`,
    sql`CREATE TRIGGER waddles_register_primary_database AFTER INSERT ON waddles WHEN new.primary_database_id IS NULL
      BEGIN
        INSERT INTO databases (role, d1_database_id, created_at, updated_at)
          VALUES ('waddle', new.d1_database_id, new.created_at, new.updated_at);
        UPDATE waddles SET primary_database_id = last_insert_rowid() WHERE id = new.id;
      END`,
  ],
};
