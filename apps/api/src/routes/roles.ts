import { createRole as insertRole } from '@waddle/queries/roles/create-role';
import { deleteRole as removeRole } from '@waddle/queries/roles/delete-role';
import { findRole } from '@waddle/queries/roles/find-role';
import { grantRole as insertGrant } from '@waddle/queries/roles/grant-role';
import { listRoles as readRoles } from '@waddle/queries/roles/list-roles';
import { revokeRole as removeGrant } from '@waddle/queries/roles/revoke-role';
import type { RoleRow } from '@waddle/queries/roles/role-row';
import { updateRole as storeRole } from '@waddle/queries/roles/update-role';
import { z } from 'zod';
import { requireOutranks } from '../access/member-rank.ts';
import { requireMember } from '../access/require-member.ts';
import { ALL_PERMISSIONS, DEFAULT_ROLE_SAFE_PERMISSIONS, Permission, permissionNames } from '../access/permissions.ts';
import { openWaddle, type WaddleAccess } from '../access/waddle-access.ts';
import { auditQuery } from '../audit/audit-log.ts';
import type { RequestContext } from '../context/request-context.ts';
import { badRequest, forbidden, notFound } from '../http/api-error.ts';
import { route } from '../http/route.ts';
import { color, patchOf, singleLine } from '../http/schemas.ts';

function roleJson(role: RoleRow) {
  return {
    id: role.id,
    name: role.name,
    color: role.color,
    permissions: role.permissions,
    permissionNames: permissionNames(role.permissions),
    position: role.position,
    isMentionable: role.is_mentionable === 1,
    isDefault: role.is_default === 1,
    createdAt: role.created_at,
  };
}

const permissionsField = z
  .int()
  .min(0)
  .max(ALL_PERMISSIONS)
  .refine((bits) => (bits & ~ALL_PERMISSIONS) === 0, 'has undefined permission bits');

/** Only what the caller holds may be handed out; a role is placed below the caller's own. */
function checkRoleChange(access: WaddleAccess, change: { permissions?: number; position?: number }): void {
  if (access.isOwner) return;
  if (change.permissions !== undefined && (change.permissions & ~access.permissions) !== 0) {
    throw forbidden(
      'missing_permission',
      `a role cannot carry permissions you lack (${permissionNames(change.permissions & ~access.permissions).join(', ')})`,
    );
  }
  if (change.position !== undefined && change.position >= access.rank)
    throw forbidden('outranked', 'a role must be placed below your highest role');
}

/**
 * Bits added to the default role reach every member at once: beyond the safe set, only the owner
 * or an administrator may add them (403 `default_role_restricted`). Taking bits away is for anyone
 * with MANAGE_ROLES.
 */
function checkDefaultRoleChange(access: WaddleAccess, role: RoleRow, permissions: number | undefined): void {
  if (permissions === undefined || access.has(Permission.ADMINISTRATOR)) return;
  const unsafe = permissions & ~role.permissions & ~DEFAULT_ROLE_SAFE_PERMISSIONS;
  if (unsafe !== 0) {
    throw forbidden(
      'default_role_restricted',
      `only the owner or an administrator can add ${permissionNames(unsafe).join(', ')} to @everyone`,
    );
  }
}

async function loadRole(access: WaddleAccess, roleId: number): Promise<RoleRow> {
  const role = await findRole(access.database, roleId);
  if (!role) throw notFound('role');
  return role;
}

async function audit(context: RequestContext, access: WaddleAccess, action: string, metadata: Record<string, unknown>): Promise<void> {
  await auditQuery(context, { action, resourceType: 'waddle', resourceId: String(access.waddle.id), metadata }).execute();
}

/**
 * `GET /v1/waddles/{waddle}/roles`: every role, highest first.
 *
 * ```sql
 * SELECT * FROM roles ORDER BY position DESC, id   -- listRoles; index roles_by_position
 * ```
 */
export const listRoles = route({
  method: 'GET',
  path: '/v1/waddles/{waddle}/roles',
  tag: 'roles',
  summary: 'Roles of a waddle',
  async handle({ params }, context) {
    const { access } = await openWaddle(context, params.waddle);
    return { roles: (await readRoles(access.database)).map(roleJson) };
  },
});

const roleFields = {
  name: singleLine(1, 100).refine((name) => name !== '@everyone', 'is reserved'),
  color: color.nullable().optional(),
  permissions: permissionsField.optional(),
  position: z.int().min(1).max(1_000_000).optional(),
  isMentionable: z.boolean().optional(),
};

/**
 * `POST /v1/waddles/{waddle}/roles` (MANAGE_ROLES): a new role, below the caller's highest role,
 * carrying only permissions the caller has. Recorded in the audit log.
 *
 * ```sql
 * INSERT INTO roles (name, color, permissions, position, is_mentionable, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *
 * ```
 */
export const createRole = route({
  method: 'POST',
  path: '/v1/waddles/{waddle}/roles',
  tag: 'roles',
  summary: 'Create a role',
  status: 201,
  body: z.strictObject(roleFields),
  async handle({ params, body }, context) {
    const { access } = await openWaddle(context, params.waddle);
    access.require(Permission.MANAGE_ROLES, 'creating a role');
    const position = body.position ?? 1;
    checkRoleChange(access, { permissions: body.permissions ?? 0, position });
    const role = await insertRole(access.database, {
      name: body.name,
      color: body.color ?? null,
      permissions: body.permissions ?? 0,
      position,
      isMentionable: body.isMentionable !== false,
      createdAt: context.now,
    });
    await audit(context, access, 'role.create', { roleId: role.id, permissions: role.permissions });
    return roleJson(role);
  },
});

/**
 * `PATCH /v1/waddles/{waddle}/roles/{role}` (MANAGE_ROLES): change a role below the caller's
 * highest. The default role (`@everyone`) keeps its name and position; only its permissions,
 * color and mentionability change, and beyond view, send, react and start threads only the owner
 * or an administrator may add permissions to it. Nobody adds permissions they lack.
 *
 * ```sql
 * UPDATE roles SET name = ?, color = ?, permissions = ?, position = ?, is_mentionable = ? WHERE id = ? RETURNING *
 * ```
 */
export const updateRole = route({
  method: 'PATCH',
  path: '/v1/waddles/{waddle}/roles/{role}',
  tag: 'roles',
  summary: 'Update a role',
  body: patchOf(roleFields),
  async handle({ params, body }, context) {
    const { access } = await openWaddle(context, params.waddle);
    access.require(Permission.MANAGE_ROLES, 'changing a role');
    const role = await loadRole(access, params.role);
    if (role.is_default && (body.name !== undefined || body.position !== undefined))
      throw badRequest('invalid_body', 'the default role keeps its name and position');
    if (role.is_default) checkDefaultRoleChange(access, role, body.permissions);
    else checkRoleChange(access, { position: role.position });
    checkRoleChange(access, { permissions: body.permissions, position: body.position });
    const next = {
      name: body.name ?? role.name,
      color: body.color === undefined ? role.color : body.color,
      permissions: body.permissions ?? role.permissions,
      position: body.position ?? role.position,
      is_mentionable: body.isMentionable === undefined ? role.is_mentionable : body.isMentionable ? 1 : 0,
    } as const;
    const updated = await storeRole(access.database, role.id, next);
    // Deleted meanwhile by another request: as if it had not been found.
    if (!updated) throw notFound('role');
    await audit(context, access, 'role.update', {
      roleId: role.id,
      before: { permissions: role.permissions, position: role.position },
      after: { permissions: next.permissions, position: next.position },
    });
    return roleJson(updated);
  },
});

/**
 * `DELETE /v1/waddles/{waddle}/roles/{role}` (MANAGE_ROLES): removes a role below the caller's
 * highest, and every grant of it (the schema cascades). The default role cannot be deleted.
 *
 * ```sql
 * DELETE FROM roles WHERE id = ?
 * ```
 */
export const deleteRole = route({
  method: 'DELETE',
  path: '/v1/waddles/{waddle}/roles/{role}',
  tag: 'roles',
  summary: 'Delete a role',
  status: 204,
  async handle({ params }, context) {
    const { access } = await openWaddle(context, params.waddle);
    access.require(Permission.MANAGE_ROLES, 'deleting a role');
    const role = await loadRole(access, params.role);
    if (role.is_default) throw badRequest('invalid_path', 'the default role cannot be deleted');
    checkRoleChange(access, { position: role.position });
    await removeRole(access.database, role.id);
    await audit(context, access, 'role.delete', { roleId: role.id, name: role.name });
  },
});

/** Checks shared by granting and revoking: permission, a real non-default role below the caller, a member outranked. */
async function prepareGrant(context: RequestContext, params: { waddle: number; user: number; role: number }, doing: string) {
  const { access } = await openWaddle(context, params.waddle);
  access.require(Permission.MANAGE_ROLES, doing);
  const role = await loadRole(access, params.role);
  if (role.is_default) throw badRequest('invalid_path', 'every member holds the default role');
  await requireMember(context, access.waddle.id, params.user);
  checkRoleChange(access, { position: role.position });
  if (params.user !== context.caller.id) await requireOutranks(access, access.database, params.user, doing);
  return { access, role };
}

/**
 * `PUT /v1/waddles/{waddle}/members/{user}/roles/{role}` (MANAGE_ROLES): grants a role below the
 * caller's highest to a member they outrank. Granting twice changes nothing.
 *
 * ```sql
 * INSERT INTO member_roles (user_id, role_id, granted_by, granted_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING
 * ```
 */
export const grantRole = route({
  method: 'PUT',
  path: '/v1/waddles/{waddle}/members/{user}/roles/{role}',
  tag: 'roles',
  summary: 'Grant a role to a member',
  status: 204,
  async handle({ params }, context) {
    const { access, role } = await prepareGrant(context, params, 'granting a role');
    await insertGrant(access.database, { userId: params.user, roleId: role.id, grantedBy: context.caller.id, grantedAt: context.now });
    await audit(context, access, 'member.role.grant', { userId: params.user, roleId: role.id });
  },
});

/**
 * `DELETE /v1/waddles/{waddle}/members/{user}/roles/{role}` (MANAGE_ROLES): revokes a grant.
 *
 * ```sql
 * DELETE FROM member_roles WHERE user_id = ? AND role_id = ?
 * ```
 */
export const revokeRole = route({
  method: 'DELETE',
  path: '/v1/waddles/{waddle}/members/{user}/roles/{role}',
  tag: 'roles',
  summary: 'Revoke a role from a member',
  status: 204,
  async handle({ params }, context) {
    const { access, role } = await prepareGrant(context, params, 'revoking a role');
    await removeGrant(access.database, { userId: params.user, roleId: role.id });
    await audit(context, access, 'member.role.revoke', { userId: params.user, roleId: role.id });
  },
});
