import { registerDatabaseQuery } from '@waddle/registry/register-database';
import { TEST_WADDLE_BINDINGS } from './test-config.ts';

/** A waddle of a test platform, served from one of the test Worker's own D1 bindings. */
export interface TestWaddle {
  readonly id: number;
  readonly name: string;
  readonly isPublic: boolean;
  /** The Worker binding that serves its database (`TEST_WADDLE_BINDINGS` names its D1 id). */
  readonly binding: keyof typeof TEST_WADDLE_BINDINGS;
  readonly ownerId?: number;
}

/**
 * The statements that register `waddles` as provisioning does (for one batch of the test's
 * central database): each database's directory row with its static binding
 * (`registerDatabaseQuery`), then the waddle pointing at it. Members are the caller's to add.
 *
 * ```sql
 * INSERT INTO databases (role, d1_database_id, slice, binding, schema_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?);
 * INSERT INTO waddles (id, name, display_name, owner_id, is_public, d1_database_id, primary_database_id)
 *   VALUES (?, ?, ?, ?, ?, ?, (SELECT id FROM databases WHERE d1_database_id = ?));
 * ```
 */
export function registeredWaddles(central: D1Database, waddles: readonly TestWaddle[]): D1PreparedStatement[] {
  return waddles.flatMap((waddle) => {
    const d1DatabaseId = TEST_WADDLE_BINDINGS[waddle.binding];
    const displayName = waddle.name.charAt(0).toUpperCase() + waddle.name.slice(1);
    const entry = registerDatabaseQuery({ role: 'waddle', d1DatabaseId, binding: waddle.binding, schemaVersion: null }, 0).compile();
    return [
      central.prepare(entry.sql).bind(...entry.parameters),
      central
        .prepare(
          'INSERT INTO waddles (id, name, display_name, owner_id, is_public, d1_database_id, primary_database_id) VALUES (?, ?, ?, ?, ?, ?, (SELECT id FROM databases WHERE d1_database_id = ?))',
        )
        .bind(waddle.id, waddle.name, displayName, waddle.ownerId ?? 1, waddle.isPublic ? 1 : 0, d1DatabaseId, d1DatabaseId),
    ];
  });
}
