import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * The directory of databases: one row per D1 database the platform owns (the central one aside),
 * which is what every walk over "every database" (migrate, the monitor, privacy jobs, `waddle up`)
 * pages through, by `id`.
 *
 * - `role`: `waddle` (a waddle's primary database) today; `message_shard` is reserved for a
 *   waddle's message shards (the shard's waddle and id range come with them).
 * - `d1_database_id`: its D1 id.
 * - `slice`, `binding`: where the data path reaches it. A slice (a Worker of the dispatch
 *   namespace, named as Cloudflare names scripts) reaches it through one of its bindings; with no
 *   slice, `binding` is a static binding of the platform's own Workers; with neither, only the
 *   REST API reaches it.
 * - `schema_version`: the newest migration applied to it, recorded by provisioning and migrate.
 * - `size_bytes`, `size_measured_at`: its last measured size, recorded by the monitor.
 * - `waddles.primary_database_id`: the directory row of a waddle's primary database.
 *
 * Existing waddles are registered by the last statements. `waddles.d1_database_id`, `d1_binding`,
 * `schema_version`, `database_size_mb` and `size_sampled_at` stay until no code reads them;
 * meanwhile triggers keep them equal to the directory, and a waddle inserted without a directory
 * row (code that predates the directory) gets one. The monitor's cursors now count directory ids:
 * they start over.
 */
export const createDatabases: Migration = {
  name: '0017_create_databases',
  up: (db) => [
    db.schema
      .createTable('databases')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement().notNull())
      .addColumn('role', 'text', (c) => c.notNull().check(sql`role IN ('waddle', 'message_shard')`))
      .addColumn('d1_database_id', 'text', (c) => c.notNull().unique().check(sql`length(d1_database_id) BETWEEN 1 AND 64`))
      .addColumn('slice', 'text', (c) =>
        c.check(sql`length(slice) BETWEEN 1 AND 64 AND slice NOT GLOB '*[^a-z0-9_-]*' AND slice NOT GLOB '-*'`),
      )
      .addColumn('binding', 'text', (c) => c.check(sql`length(binding) BETWEEN 1 AND 64 AND binding NOT GLOB '*[^A-Z0-9_]*'`))
      .addColumn('schema_version', 'text', (c) => c.check(sql`length(schema_version) BETWEEN 1 AND 128`))
      .addColumn('size_bytes', 'integer', (c) => c.check(sql`size_bytes >= 0`))
      .addColumn('size_measured_at', 'integer')
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .addCheckConstraint('databases_slice_has_binding', sql`slice IS NULL OR binding IS NOT NULL`)
      .addCheckConstraint('databases_size_measured', sql`(size_bytes IS NULL) = (size_measured_at IS NULL)`)
      .modifyEnd(sql`STRICT`),
    db.schema.createIndex('databases_by_role').on('databases').columns(['role', 'id']),
    db.schema
      .createIndex('databases_by_slice')
      .on('databases')
      .columns(['slice', 'binding'])
      .unique()
      .where(sql<boolean>`slice IS NOT NULL`),
    db.schema.alterTable('waddles').addColumn('primary_database_id', 'integer', (c) => c.references('databases.id')),
    db.schema.createIndex('waddles_by_primary_database').on('waddles').column('primary_database_id').unique(),
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
    sql`INSERT INTO databases (role, d1_database_id, binding, schema_version, size_bytes, size_measured_at, created_at, updated_at)
      SELECT 'waddle', w.d1_database_id, nullif(w.d1_binding, ''), w.schema_version, m.size_bytes, CASE WHEN m.size_bytes IS NOT NULL THEN m.sampled_at END,
             w.created_at, w.updated_at
      FROM waddles w LEFT JOIN monitored_databases m ON m.d1_database_id = w.d1_database_id
      ORDER BY w.id`,
    sql`UPDATE waddles SET primary_database_id = (SELECT d.id FROM databases d WHERE d.d1_database_id = waddles.d1_database_id)`,
    db.schema.alterTable('monitor_cursors').renameColumn('after_waddle_id', 'after_database_id'),
    sql`UPDATE monitor_cursors SET after_database_id = 0`,
  ],
  down: (db) => [
    db.schema.alterTable('monitor_cursors').renameColumn('after_database_id', 'after_waddle_id'),
    sql`DROP TRIGGER databases_mirror_reach`,
    sql`DROP TRIGGER databases_mirror_size`,
    sql`DROP TRIGGER databases_mirror_schema_version`,
    sql`DROP TRIGGER waddles_register_primary_database`,
    db.schema.dropIndex('waddles_by_primary_database'),
    db.schema.alterTable('waddles').dropColumn('primary_database_id'),
    db.schema.dropTable('databases'),
  ],
};
