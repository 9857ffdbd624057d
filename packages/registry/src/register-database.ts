import type { DatabaseRole } from './database-directory-row.ts';
import type { DatabaseReach } from './assign-reach.ts';
import { directoryKysely } from './directory-kysely.ts';

/** A database to enter in the directory. */
export interface NewDirectoryEntry extends Partial<DatabaseReach> {
  readonly role: DatabaseRole;
  readonly d1DatabaseId: string;
  /** The newest migration applied to it (null for an empty database). */
  readonly schemaVersion: string | null;
}

/**
 * The statement that enters a database in the directory, stamped `now`: for the batch that
 * registers what it belongs to (a waddle row points at it through `primary_database_id`, so the
 * entry comes first), so that the database and its owner are registered together or not at all.
 *
 * ```sql
 * INSERT INTO databases (role, d1_database_id, slice, binding, schema_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
 * ```
 *
 * @example
 * ```ts
 * await central.batch([
 *   statementOf(central, registerDatabaseQuery({ role: 'waddle', d1DatabaseId, schemaVersion }, clock())),
 *   central.prepare('INSERT INTO waddles (…, primary_database_id) VALUES (…, (SELECT id FROM databases WHERE d1_database_id = ?))').bind(…),
 * ]);
 * ```
 */
export function registerDatabaseQuery(entry: NewDirectoryEntry, now: number) {
  return directoryKysely.insertInto('databases').values({
    role: entry.role,
    d1_database_id: entry.d1DatabaseId,
    slice: entry.slice ?? null,
    binding: entry.binding ?? null,
    schema_version: entry.schemaVersion,
    created_at: now,
    updated_at: now,
  });
}
