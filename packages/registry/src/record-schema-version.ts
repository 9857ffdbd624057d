import type { D1DatabaseLike } from '@waddle/d1/database';
import { directoryKysely, statementOf } from './directory-kysely.ts';

/** The schema version a database was found at or migrated to. */
export interface SchemaVersionRecord {
  readonly d1DatabaseId: string;
  readonly schemaVersion: string | null;
}

/**
 * The statement that records a database's schema version in the directory, stamped `now`.
 *
 * ```sql
 * UPDATE databases SET schema_version = ?, updated_at = ? WHERE d1_database_id = ?
 * ```
 */
export function recordSchemaVersionQuery(record: SchemaVersionRecord, now: number) {
  return directoryKysely
    .updateTable('databases')
    .set({ schema_version: record.schemaVersion, updated_at: now })
    .where('d1_database_id', '=', record.d1DatabaseId);
}

/**
 * Records the schema versions of several databases in one batch (one statement each; a migrate
 * fan-out sends them 25 at a time rather than one central write per database).
 *
 * ```sql
 * UPDATE databases SET schema_version = ?, updated_at = ? WHERE d1_database_id = ?;   -- × records
 * ```
 *
 * @example
 * ```ts
 * await recordSchemaVersions(central, [{ d1DatabaseId, schemaVersion: '0021_add_x' }], clock());
 * ```
 */
export async function recordSchemaVersions(central: D1DatabaseLike, records: readonly SchemaVersionRecord[], now: number): Promise<void> {
  if (records.length === 0) return;
  await central.batch(records.map((record) => statementOf(central, recordSchemaVersionQuery(record, now))));
}
