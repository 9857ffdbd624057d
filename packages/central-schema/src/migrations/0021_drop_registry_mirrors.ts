import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * Drops the registry columns the directory of databases superseded (0017), now that no code reads
 * them: `waddles.d1_binding`, `schema_version`, `database_size_mb` and `size_sampled_at`, with the
 * three triggers that copied every directory update into them (each size sample, migration and
 * move into a slice wrote the waddle row a second time). A waddle's database is its directory row
 * (`waddles.primary_database_id`), which holds its reach, schema version and size.
 *
 * `waddles.d1_database_id` stays: it is `UNIQUE`, which SQLite's `DROP COLUMN` refuses, and the
 * table rebuild that would drop it cannot run on D1, whose foreign keys are always on (dropping
 * `waddles` to rebuild it would cascade into every table that references it). It is the D1 id
 * of the waddle's primary database, written once with the waddle; the data path places a waddle
 * from the directory row alone (`locationOf`). The trigger that registers a waddle inserted
 * without a directory row is made again without the dropped columns: its database is registered
 * by D1 id alone (no slice, no binding, no schema version yet).
 */
export const dropRegistryMirrors: Migration = {
  name: '0021_drop_registry_mirrors',
  up: (db) => [
    sql`DROP TRIGGER databases_mirror_reach`,
    sql`DROP TRIGGER databases_mirror_size`,
    sql`DROP TRIGGER databases_mirror_schema_version`,
    sql`DROP TRIGGER waddles_register_primary_database`,
    db.schema.alterTable('waddles').dropColumn('d1_binding'),
    db.schema.alterTable('waddles').dropColumn('schema_version'),
    db.schema.alterTable('waddles').dropColumn('database_size_mb'),
    db.schema.alterTable('waddles').dropColumn('size_sampled_at'),
    sql`CREATE TRIGGER waddles_register_primary_database AFTER INSERT ON waddles WHEN new.primary_database_id IS NULL
      BEGIN
        INSERT INTO databases (role, d1_database_id, created_at, updated_at)
          VALUES ('waddle', new.d1_database_id, new.created_at, new.updated_at);
        UPDATE waddles SET primary_database_id = last_insert_rowid() WHERE id = new.id;
      END`,
  ],
  down: (db) => [
    sql`DROP TRIGGER waddles_register_primary_database`,
    db.schema.alterTable('waddles').addColumn('d1_binding', 'text', (c) => c.check(sql`d1_binding NOT GLOB '*[^A-Z0-9_]*'`)),
    db.schema.alterTable('waddles').addColumn('schema_version', 'text'),
    db.schema
      .alterTable('waddles')
      .addColumn('database_size_mb', 'integer', (c) => c.notNull().defaultTo(0).check(sql`database_size_mb >= 0`)),
    db.schema.alterTable('waddles').addColumn('size_sampled_at', 'integer'),
    sql`UPDATE waddles SET
        d1_binding = (SELECT CASE WHEN d.slice IS NULL THEN d.binding END FROM databases AS d WHERE d.id = waddles.primary_database_id),
        schema_version = (SELECT d.schema_version FROM databases AS d WHERE d.id = waddles.primary_database_id),
        database_size_mb = coalesce((SELECT d.size_bytes / 1000000 FROM databases AS d WHERE d.id = waddles.primary_database_id), 0),
        size_sampled_at = (SELECT d.size_measured_at FROM databases AS d WHERE d.id = waddles.primary_database_id)`,
    sql`CREATE TRIGGER waddles_register_primary_database AFTER INSERT ON waddles WHEN new.primary_database_id IS NULL
      BEGIN
        INSERT INTO databases (role, d1_database_id, binding, schema_version, created_at, updated_at)
          VALUES ('waddle', new.d1_database_id, nullif(new.d1_binding, ''), new.schema_version, new.created_at, new.updated_at);
        UPDATE waddles SET primary_database_id = last_insert_rowid() WHERE id = new.id;
      END`,
    sql`CREATE TRIGGER databases_mirror_schema_version AFTER UPDATE OF schema_version ON databases
      BEGIN
        UPDATE waddles SET schema_version = new.schema_version WHERE primary_database_id = new.id;
      END`,
    sql`CREATE TRIGGER databases_mirror_size AFTER UPDATE OF size_bytes, size_measured_at ON databases WHEN new.size_bytes IS NOT NULL
      BEGIN
        UPDATE waddles SET database_size_mb = new.size_bytes / 1000000, size_sampled_at = new.size_measured_at WHERE primary_database_id = new.id;
      END`,
    sql`CREATE TRIGGER databases_mirror_reach AFTER UPDATE OF slice, binding ON databases
      BEGIN
        UPDATE waddles SET d1_binding = CASE WHEN new.slice IS NULL THEN new.binding END WHERE primary_database_id = new.id;
      END`,
  ],
};
