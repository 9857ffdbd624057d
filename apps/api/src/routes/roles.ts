import { createRoute, z } from '@hono/zod-openapi';
import { createRole as insertRole } from '@waddle/queries/roles/create-role';
import { deleteRole as removeRole } from '@waddle/queries/roles/delete-role';
import { findRole } from '@waddle/queries/roles/find-role';
import { grantRole as insertGrant } from '@waddle/queries/roles/grant-role';
import { listRoles as readRoles } from '@waddle/queries/roles/list-roles';
import { revokeRole as removeGrant } from '@waddle/queries/roles/revoke-role';
import type { RoleRow } from '@waddle/queries/roles/role-row';
import { updateRole as storeRole } from '@waddle/queries/roles/update-role';
import { requireOutranks } from '../access/member-rank.ts';
import { requireMember } from '../access/require-member.ts';
import { ALL_PERMISSIONS, DEFAULT_ROLE_SAFE_PERMISSIONS, Permission, permissionNames } from '../access/permissions.ts';
import { openWaddle, type WaddleAccess } from '../access/waddle-access.ts';
import { auditQuery } from '../audit/audit-log.ts';
import type { RequestContext } from '../context/request-context.ts';
import { badRequest, forbidden, notFound } from '../http/api-error.ts';
import { BODY_ERRORS, errorAnswers, IN_WADDLE_ERRORS, jsonAnswer } from '../http/responses.ts';
import { routeGroup } from '../http/route-group.ts';
import { AUTHENTICATED, AUTHENTICATED_WITH_BODY, NO_QUERY } from '../http/route-middleware.ts';
import { color, pathId, pathRoleId, patchOf, singleLine } from '../http/schemas.ts';
import { permissionNameList } from './permission-name-list.ts';

/** A role as the API returns it. */
const roleBody = z.strictObject({
  id: z.int().openapi({ description: '0 is the default role, `@everyone`' }),
  name: z.string(),
  color: z.string().nullable(),
  permissions: z.int(),
  permissionNames: permissionNameList,
  position: z.int(),
  isMentionable: z.boolean(),
  isDefault: z.boolean(),
  createdAt: z.int(),
});

function roleJson(role: RoleRow): z.infer<typeof roleBody> {
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
export const listRoles = createRoute({
  operationId: 'listRoles',
  method: 'get',
  path: '/v1/waddles/{waddle}/roles',
  tags: ['roles'],
  summary: 'Roles of a waddle',
  middleware: AUTHENTICATED,
  request: { params: z.strictObject({ waddle: pathId }), query: NO_QUERY },
  responses: {
    200: jsonAnswer(z.strictObject({ roles: z.array(roleBody) }), 'Every role, highest first'),
    ...errorAnswers(IN_WADDLE_ERRORS),
  },
});

const roleFields = {
  name: singleLine(1, 100).refine((name) => name !== '@everyone', 'is reserved'),
  color: color.nullable().optional(),
  permissions: permissionsField.optional(),
  position: z.int().min(1).max(1_000_000).optional(),
  isMentionable: z.boolean().optional(),
};

/** What a role change may be refused for, beyond the common answers. */
const ROLE_REFUSALS = {
  403: 'Banned, lacking MANAGE_ROLES or a permission the role would carry (`missing_permission`), a role not below yours (`outranked`), or a bit only the owner or an administrator adds to @everyone (`default_role_restricted`)',
};

/**
 * `POST /v1/waddles/{waddle}/roles` (MANAGE_ROLES): a new role, below the caller's highest role,
 * carrying only permissions the caller has. Recorded in the audit log.
 *
 * ```sql
 * INSERT INTO roles (name, color, permissions, position, is_mentionable, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *
 * ```
 */
export const createRole = createRoute({
  operationId: 'createRole',
  method: 'post',
  path: '/v1/waddles/{waddle}/roles',
  tags: ['roles'],
  summary: 'Create a role',
  middleware: AUTHENTICATED_WITH_BODY,
  request: {
    params: z.strictObject({ waddle: pathId }),
    query: NO_QUERY,
    body: { required: true, content: { 'application/json': { schema: z.strictObject(roleFields) } } },
  },
  responses: { 201: jsonAnswer(roleBody, 'The new role'), ...errorAnswers([...IN_WADDLE_ERRORS, ...BODY_ERRORS], ROLE_REFUSALS) },
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
export const updateRole = createRoute({
  operationId: 'updateRole',
  method: 'patch',
  path: '/v1/waddles/{waddle}/roles/{role}',
  tags: ['roles'],
  summary: 'Update a role',
  middleware: AUTHENTICATED_WITH_BODY,
  request: {
    params: z.strictObject({ waddle: pathId, role: pathRoleId }),
    query: NO_QUERY,
    body: { required: true, content: { 'application/json': { schema: patchOf(roleFields) } } },
  },
  responses: { 200: jsonAnswer(roleBody, 'The role as changed'), ...errorAnswers([...IN_WADDLE_ERRORS, ...BODY_ERRORS], ROLE_REFUSALS) },
});

/**
 * `DELETE /v1/waddles/{waddle}/roles/{role}` (MANAGE_ROLES): removes a role below the caller's
 * highest, and every grant of it (the schema cascades). The default role cannot be deleted.
 *
 * ```sql
 * DELETE FROM roles WHERE id = ?
 * ```
 */
export const deleteRole = createRoute({
  operationId: 'deleteRole',
  method: 'delete',
  path: '/v1/waddles/{waddle}/roles/{role}',
  tags: ['roles'],
  summary: 'Delete a role',
  middleware: AUTHENTICATED,
  request: { params: z.strictObject({ waddle: pathId, role: pathRoleId }), query: NO_QUERY },
  responses: { 204: { description: 'The role and its grants are gone' }, ...errorAnswers(IN_WADDLE_ERRORS, ROLE_REFUSALS) },
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

/** `PUT` or `DELETE /v1/waddles/{waddle}/members/{user}/roles/{role}`. */
function grantRoute(method: 'put' | 'delete') {
  return createRoute({
    operationId: method === 'put' ? 'grantRole' : 'revokeRole',
    method,
    path: '/v1/waddles/{waddle}/members/{user}/roles/{role}',
    tags: ['roles'],
    summary: method === 'put' ? 'Grant a role to a member' : 'Revoke a role from a member',
    middleware: AUTHENTICATED,
    request: { params: z.strictObject({ waddle: pathId, user: pathId, role: pathRoleId }), query: NO_QUERY },
    responses: {
      204: { description: method === 'put' ? 'The member holds the role' : 'The member does not hold the role' },
      ...errorAnswers(IN_WADDLE_ERRORS, ROLE_REFUSALS),
    },
  });
}

/**
 * `PUT /v1/waddles/{waddle}/members/{user}/roles/{role}` (MANAGE_ROLES): grants a role below the
 * caller's highest to a member they outrank. Granting twice changes nothing.
 *
 * ```sql
 * INSERT INTO member_roles (user_id, role_id, granted_by, granted_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING
 * ```
 */
export const grantRole = grantRoute('put');

/**
 * `DELETE /v1/waddles/{waddle}/members/{user}/roles/{role}` (MANAGE_ROLES): revokes a grant.
 *
 * ```sql
 * DELETE FROM member_roles WHERE user_id = ? AND role_id = ?
 * ```
 */
export const revokeRole = grantRoute('delete');

/** The role routes: listing, creating, changing and deleting roles; granting and revoking them. */
export const roles = routeGroup()
  .openapi(listRoles, async (c) => {
    const params = c.req.valid('param');
    const { access } = await openWaddle(await c.var.requestContext(params.waddle), params.waddle);
    return c.json({ roles: (await readRoles(access.database)).map(roleJson) }, 200);
  })
  .openapi(createRole, async (c) => {
    const params = c.req.valid('param');
    const body = c.req.valid('json');
    const context = await c.var.requestContext(params.waddle);
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
    return c.json(roleJson(role), 201);
  })
  .openapi(updateRole, async (c) => {
    const params = c.req.valid('param');
    const body = c.req.valid('json');
    const context = await c.var.requestContext(params.waddle);
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
    return c.json(roleJson(updated), 200);
  })
  .openapi(deleteRole, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const { access } = await openWaddle(context, params.waddle);
    access.require(Permission.MANAGE_ROLES, 'deleting a role');
    const role = await loadRole(access, params.role);
    if (role.is_default) throw badRequest('invalid_path', 'the default role cannot be deleted');
    checkRoleChange(access, { position: role.position });
    await removeRole(access.database, role.id);
    await audit(context, access, 'role.delete', { roleId: role.id, name: role.name });
    return c.body(null, 204);
  })
  .openapi(grantRole, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const { access, role } = await prepareGrant(context, params, 'granting a role');
    await insertGrant(access.database, { userId: params.user, roleId: role.id, grantedBy: context.caller.id, grantedAt: context.now });
    await audit(context, access, 'member.role.grant', { userId: params.user, roleId: role.id });
    return c.body(null, 204);
  })
  .openapi(revokeRole, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const { access, role } = await prepareGrant(context, params, 'revoking a role');
    await removeGrant(access.database, { userId: params.user, roleId: role.id });
    await audit(context, access, 'member.role.revoke', { userId: params.user, roleId: role.id });
    return c.body(null, 204);
  });
