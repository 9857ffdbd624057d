/**
 * The bookkeeping table every migrated database carries: one row per applied migration. It is
 * created by the same batch as the first migration, so a failed first migration leaves no trace.
 * Generated types exclude it.
 *
 * Its statements are raw SQL on purpose: they run on a database at any schema version (none at
 * all, older or newer than this code), so they cannot lean on one version's generated types, and
 * they are frozen like a migration (`STRICT, WITHOUT ROWID` has no Kysely builder). The migrator
 * sends each one from `migrator.ts`, where a comment names the test that exercises it.
 */
export const SCHEMA_MIGRATIONS_TABLE = 'schema_migrations';

export const CREATE_SCHEMA_MIGRATIONS_SQL = `CREATE TABLE IF NOT EXISTS ${SCHEMA_MIGRATIONS_TABLE} (
  name TEXT PRIMARY KEY NOT NULL,
  applied_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID`;

export const SELECT_APPLIED_MIGRATIONS_SQL = `SELECT name, applied_at AS appliedAt FROM ${SCHEMA_MIGRATIONS_TABLE} ORDER BY name`;

export const INSERT_APPLIED_MIGRATION_SQL = `INSERT INTO ${SCHEMA_MIGRATIONS_TABLE} (name, applied_at) VALUES (?, ?)`;

export const DELETE_APPLIED_MIGRATION_SQL = `DELETE FROM ${SCHEMA_MIGRATIONS_TABLE} WHERE name = ?`;
