import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * The registry of waddles and of the D1 database that holds each one. Workers find a waddle's
 * database through `d1_database_id` (and `d1_binding` where a Worker has a static binding),
 * never through one binding per waddle. `schema_version` is the newest migration applied to it;
 * `database_size_mb` and `size_sampled_at` are copied from the monitor's latest sample.
 */
export const createWaddles: Migration = {
  name: '0003_create_waddles',
  up: (db) => [
    db.schema
      .createTable('waddles')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement().notNull())
      .addColumn('name', 'text', (c) => c.notNull().unique().check(sql`length(name) BETWEEN 2 AND 64 AND name NOT GLOB '*[^a-z0-9-]*'`))
      .addColumn('display_name', 'text', (c) => c.notNull().check(sql`length(display_name) BETWEEN 1 AND 100`))
      .addColumn('description', 'text', (c) => c.check(sql`length(description) <= 1024`))
      .addColumn('icon_url', 'text', (c) => c.check(sql`length(icon_url) <= 2048`))
      .addColumn('banner_url', 'text', (c) => c.check(sql`length(banner_url) <= 2048`))
      .addColumn('owner_id', 'integer', (c) => c.notNull().references('users.id'))
      .addColumn('is_public', 'integer', (c) => c.notNull().defaultTo(0).check(sql`is_public IN (0, 1)`))
      .addColumn('is_verified', 'integer', (c) => c.notNull().defaultTo(0).check(sql`is_verified IN (0, 1)`))
      .addColumn('member_count', 'integer', (c) => c.notNull().defaultTo(0).check(sql`member_count >= 0`))
      .addColumn('message_count', 'integer', (c) => c.notNull().defaultTo(0).check(sql`message_count >= 0`))
      .addColumn('shard_count', 'integer', (c) => c.notNull().defaultTo(1).check(sql`shard_count >= 1`))
      .addColumn('d1_database_id', 'text', (c) => c.notNull().unique().check(sql`length(d1_database_id) BETWEEN 1 AND 64`))
      .addColumn('d1_binding', 'text', (c) => c.check(sql`d1_binding NOT GLOB '*[^A-Z0-9_]*'`))
      .addColumn('schema_version', 'text')
      .addColumn('database_size_mb', 'integer', (c) => c.notNull().defaultTo(0).check(sql`database_size_mb >= 0`))
      .addColumn('size_sampled_at', 'integer')
      .addColumn('features', 'text', (c) => c.notNull().defaultTo('[]').check(sql`json_valid(features) AND json_type(features) = 'array'`))
      .addColumn('created_at', 'integer', (c) => c.notNull().defaultTo(sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`))
      .addColumn('updated_at', 'integer', (c) => c.notNull().defaultTo(sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`))
      .modifyEnd(sql`STRICT`),
    db.schema
      .createIndex('waddles_public_by_members')
      .on('waddles')
      .columns(['member_count desc', 'id'])
      .where(sql<boolean>`is_public = 1`),
    db.schema.createIndex('waddles_by_owner').on('waddles').column('owner_id'),
  ],
  down: (db) => [db.schema.dropTable('waddles')],
};
