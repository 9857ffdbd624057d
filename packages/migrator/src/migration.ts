import type { CompiledQuery, Kysely } from 'kysely';

/**
 * One schema change, frozen once merged: it takes `Kysely<any>` and imports nothing from the
 * package's current types or queries.
 *
 * `up` and `down` do not execute anything. They return the statements to run, built with Kysely's
 * schema builder or `sql` (FTS5 tables, triggers); the {@link Migrator} compiles them and sends
 * them to D1 in one `batch()` together with the row that records the migration, so a migration is
 * applied whole or not at all.
 *
 * @example
 * ```ts
 * export const createCategories: Migration = {
 *   name: '0001_create_categories',
 *   up: (db) => [
 *     db.schema.createTable('categories')
 *       .addColumn('id', 'integer', (c) => c.primaryKey())
 *       .addColumn('name', 'text', (c) => c.notNull()),
 *   ],
 *   down: (db) => [db.schema.dropTable('categories')],
 * };
 * ```
 */
export interface Migration {
  /** `NNNN_verb_object`, for example `0004_create_messages`; unique and in order. */
  readonly name: string;
  up(db: Kysely<any>): readonly MigrationStatement[];
  /** Undoes `up`, for development (`Migrator.migrateDown`). */
  down(db: Kysely<any>): readonly MigrationStatement[];
}

/**
 * Anything Kysely can compile into one SQL statement: a schema builder
 * (`db.schema.createTable(...)`), a query builder, or a raw `sql` template.
 */
export interface MigrationStatement {
  compile(db: Kysely<any>): CompiledQuery;
}
