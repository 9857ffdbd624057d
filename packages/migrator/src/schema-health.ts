import type { D1DatabaseLike } from '@waddle/d1/database';
import type { Migration } from './migration.ts';
import { Migrator } from './migrator.ts';

/**
 * How a database's schema compares with this code's migrations. `ahead`: the database carries
 * migrations this code does not know, and code must not write to it.
 */
export interface SchemaHealth {
  readonly state: 'current' | 'behind' | 'ahead';
  /** Newest migration applied to the database (`null`: none). */
  readonly version: string | null;
  /** Newest migration this code has. */
  readonly latest: string | null;
  readonly pending: readonly string[];
  readonly unknown: readonly string[];
}

/**
 * Reads a database's schema version against the code's (for `/health` and before writing).
 *
 * ```sql
 * SELECT name, applied_at AS appliedAt FROM schema_migrations ORDER BY name;
 * ```
 */
export async function checkSchemaHealth(database: D1DatabaseLike, migrations: readonly Migration[]): Promise<SchemaHealth> {
  const status = await new Migrator({ database, migrations }).getStatus();
  const state = status.unknown.length > 0 ? 'ahead' : status.pending.length > 0 ? 'behind' : 'current';
  return {
    state,
    version: status.version,
    latest: migrations.at(-1)?.name ?? null,
    pending: status.pending,
    unknown: status.unknown,
  };
}
