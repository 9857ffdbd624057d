import type { WaddleDatabase } from '../waddle-database.ts';
import type { RoleRow } from './role-row.ts';

/** A role to create; its id is assigned by the database. */
export interface NewRole {
  readonly name: string;
  readonly color: string | null;
  readonly permissions: number;
  readonly position: number;
  readonly isMentionable: boolean;
  /** When it was created (ms since the epoch): the caller's clock. */
  readonly createdAt: number;
}

/**
 * Creates a role and returns its row.
 *
 * ```sql
 * INSERT INTO roles (name, color, permissions, position, is_mentionable, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *
 * ```
 *
 * @example
 * ```ts
 * const role = await createRole(waddle, { name: 'mods', color: null, permissions: 4, position: 2, isMentionable: true, createdAt: now });
 * ```
 */
export function createRole(waddle: WaddleDatabase, role: NewRole): Promise<RoleRow> {
  return waddle.db
    .insertInto('roles')
    .values({
      name: role.name,
      color: role.color,
      permissions: role.permissions,
      position: role.position,
      is_mentionable: role.isMentionable ? 1 : 0,
      created_at: role.createdAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
