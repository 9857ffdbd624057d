import type { Databases } from '@waddle/central-schema/database';
import type { Selectable } from 'kysely';
import type { DatabaseLocation } from './database-connectors.ts';

/** What a database is for: a waddle's primary database, or (with message sharding) one of its message shards. */
export type DatabaseRole = Databases['role'];

/**
 * One database of the directory (`databases`), with the waddle whose primary database it is
 * (`waddle_id` and `waddle_name` are null for a database that is no waddle's primary, such as a
 * message shard or a database whose waddle was deleted before it).
 */
export type DatabaseDirectoryRow = Readonly<Selectable<Databases>> & {
  readonly waddle_id: number | null;
  readonly waddle_name: string | null;
};

/**
 * Where a connector finds a directory row's database: its D1 id, the binding a Worker of the
 * platform has for it, and its slice. A binding of a slice is not a binding of the caller, so a
 * database reached through a slice has no `d1Binding` here, only its `slice` (the slice finds the
 * binding from the D1 id, see `sliceBindingName`).
 *
 * @example
 * ```ts
 * const database = reachDatabase(connectors, locationOf(row));
 * ```
 */
export function locationOf(row: Pick<DatabaseDirectoryRow, 'd1_database_id' | 'slice' | 'binding'>): DatabaseLocation {
  return { d1DatabaseId: row.d1_database_id, d1Binding: row.slice === null ? row.binding : null, slice: row.slice };
}

/**
 * How reports name a database: `waddle <name>` for a waddle's primary database, otherwise its role
 * and D1 id (`message_shard 3f2…`, or `waddle 3f2…` for a waddle database no waddle row points at).
 *
 * @example
 * ```ts
 * describeDatabase(row); // 'waddle penguins'
 * ```
 */
export function describeDatabase(row: Pick<DatabaseDirectoryRow, 'role' | 'd1_database_id' | 'waddle_name'>): string {
  return row.waddle_name === null ? `${row.role} ${row.d1_database_id}` : `waddle ${row.waddle_name}`;
}
