import type { CompiledQuery, Kysely } from 'kysely';

/**
 * The schema a migration is typed against: none. A migration runs against every past version of the
 * schema, so it must not lean on today's generated types (Kysely's own advice for migrations).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are deliberately untyped, see above.
export type AnySchema = any;

/**
 * One schema change, frozen once merged: it takes `Kysely<AnySchema>` and imports nothing from the
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
  up(db: Kysely<AnySchema>): readonly MigrationStatement[];
  /** Undoes `up`, for development (`Migrator.migrateDown`). */
  down(db: Kysely<AnySchema>): readonly MigrationStatement[];
}

/**
 * Anything Kysely can compile into one SQL statement: a schema builder
 * (`db.schema.createTable(...)`), a query builder, or a raw `sql` template.
 */
export interface MigrationStatement {
  compile(db: Kysely<AnySchema>): CompiledQuery;
}
