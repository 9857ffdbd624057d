import { createRoute, z } from '@hono/zod-openapi';
import type { ChannelOverwriteRow, OverwriteTarget } from '@waddle/queries/channels/channel-overwrite-row';
import { deleteChannelOverwrite } from '@waddle/queries/channels/delete-channel-overwrite';
import { findChannelOverwrite } from '@waddle/queries/channels/find-channel-overwrite';
import { listChannelOverwrites as readChannelOverwrites } from '@waddle/queries/channels/list-channel-overwrites';
import { setChannelOverwrite } from '@waddle/queries/channels/set-channel-overwrite';
import { findRole } from '@waddle/queries/roles/find-role';
import { requireOutranks } from '../access/member-rank.ts';
import { requireMember } from '../access/require-member.ts';
import { CHANNEL_PERMISSIONS, Permission, permissionNames } from '../access/permissions.ts';
import { type OpenedChannel, openWaddle } from '../access/waddle-access.ts';
import { auditQuery } from '../audit/audit-log.ts';
import type { RequestContext } from '../context/request-context.ts';
import { forbidden, notFound } from '../http/api-error.ts';
import { BODY_ERRORS, errorAnswers, IN_WADDLE_ERRORS, jsonAnswer } from '../http/responses.ts';
import { routeGroup } from '../http/route-group.ts';
import { AUTHENTICATED, AUTHENTICATED_WITH_BODY, NO_QUERY } from '../http/route-middleware.ts';
import { pathId, pathRoleId } from '../http/schemas.ts';
import { permissionNameList } from './permission-name-list.ts';

/** A channel overwrite as the API returns it. */
const overwriteBody = z.strictObject({
  channelId: z.int(),
  targetKind: z.enum(['role', 'member']),
  targetId: z.int().openapi({ description: 'A role id (0 is `@everyone`) or a user id' }),
  allow: z.int(),
  allowNames: permissionNameList,
  deny: z.int(),
  denyNames: permissionNameList,
});

function overwriteJson(overwrite: ChannelOverwriteRow): z.infer<typeof overwriteBody> {
  return {
    channelId: overwrite.channel_id,
    targetKind: overwrite.target_kind,
    targetId: overwrite.target_id,
    allow: overwrite.allow,
    allowNames: permissionNames(overwrite.allow),
    deny: overwrite.deny,
    denyNames: permissionNames(overwrite.deny),
  };
}

/** Bits an overwrite may carry (`CHANNEL_PERMISSIONS`). */
const overwriteBits = z
  .int()
  .min(0)
  .max(CHANNEL_PERMISSIONS)
  .refine((bits) => (bits & ~CHANNEL_PERMISSIONS) === 0, 'has bits an overwrite cannot carry (only channel permissions)')
  .optional()
  .openapi({ description: 'A bitfield of channel permissions; 0 when left out' });

/** The body of a PUT: the whole overwrite, replacing what it had. */
const overwriteFields = z
  .strictObject({ allow: overwriteBits, deny: overwriteBits })
  .refine((body) => ((body.allow ?? 0) & (body.deny ?? 0)) === 0, 'allow and deny share a bit');

/** What changing an overwrite may be refused for, beyond the common answers. */
const OVERWRITE_REFUSALS = {
  403: 'Banned, lacking MANAGE_ROLES in the channel or a permission the change touches (`missing_permission`), or a target not below your highest role (`outranked`)',
};

/**
 * `GET /v1/waddles/{waddle}/channels/{channel}/overwrites` (MANAGE_ROLES or MANAGE_CHANNELS in
 * the channel): every overwrite of a channel the caller can view, members' first, then roles'.
 *
 * ```sql
 * SELECT * FROM channel_overwrites WHERE channel_id = ? ORDER BY target_kind, target_id
 * ```
 */
export const listChannelOverwrites = createRoute({
  operationId: 'listChannelOverwrites',
  method: 'get',
  path: '/v1/waddles/{waddle}/channels/{channel}/overwrites',
  tags: ['channels'],
  summary: 'Permission overwrites of a channel',
  middleware: AUTHENTICATED,
  request: { params: z.strictObject({ waddle: pathId, channel: pathId }), query: NO_QUERY },
  responses: {
    200: jsonAnswer(z.strictObject({ overwrites: z.array(overwriteBody) }), 'Every overwrite of the channel'),
    ...errorAnswers(IN_WADDLE_ERRORS, { 403: 'Banned, or lacking both MANAGE_ROLES and MANAGE_CHANNELS in the channel' }),
  },
});

const ROLE_PATH = '/v1/waddles/{waddle}/channels/{channel}/overwrites/roles/{role}';
const MEMBER_PATH = '/v1/waddles/{waddle}/channels/{channel}/overwrites/members/{user}';
const roleTarget = z.strictObject({ waddle: pathId, channel: pathId, role: pathRoleId });
const memberTarget = z.strictObject({ waddle: pathId, channel: pathId, user: pathId });

/** The request of a PUT: the target in the path, the whole overwrite in the body. */
const putRequest = <Params extends z.ZodType>(params: Params) => ({
  params,
  query: NO_QUERY,
  body: { required: true, content: { 'application/json': { schema: overwriteFields } } },
});
const PUT_ANSWERS = {
  200: jsonAnswer(overwriteBody, 'The overwrite as it is now'),
  ...errorAnswers([...IN_WADDLE_ERRORS, ...BODY_ERRORS], OVERWRITE_REFUSALS),
};
const DELETE_ANSWERS = {
  204: { description: 'The target has no overwrite in the channel any more' },
  ...errorAnswers(IN_WADDLE_ERRORS, OVERWRITE_REFUSALS),
};

/**
 * `PUT /v1/waddles/{waddle}/channels/{channel}/overwrites/roles/{role}` (MANAGE_ROLES in the
 * channel): sets a role's overwrite (0 is `@everyone`) to `allow` and `deny`, replacing it. See
 * `authorizeChange` for who may. Recorded in the audit log.
 *
 * ```sql
 * SELECT * FROM roles WHERE id = ?;
 * SELECT * FROM channel_overwrites WHERE channel_id = ? AND target_kind = 'role' AND target_id = ?;
 * INSERT INTO channel_overwrites (channel_id, target_kind, target_id, allow, deny) VALUES (?, 'role', ?, ?, ?)
 *   ON CONFLICT (channel_id, target_kind, target_id) DO UPDATE SET allow = excluded.allow, deny = excluded.deny RETURNING *
 * ```
 */
export const setRoleOverwrite = createRoute({
  operationId: 'setRoleOverwrite',
  method: 'put',
  path: ROLE_PATH,
  tags: ['channels'],
  summary: 'Set the overwrite of a role in a channel',
  middleware: AUTHENTICATED_WITH_BODY,
  request: putRequest(roleTarget),
  responses: PUT_ANSWERS,
});

/**
 * `DELETE /v1/waddles/{waddle}/channels/{channel}/overwrites/roles/{role}` (MANAGE_ROLES in the
 * channel): removes a role's overwrite (404 `overwrite` when it has none), under the same rules.
 *
 * ```sql
 * DELETE FROM channel_overwrites WHERE channel_id = ? AND target_kind = 'role' AND target_id = ?
 * ```
 */
export const deleteRoleOverwrite = createRoute({
  operationId: 'deleteRoleOverwrite',
  method: 'delete',
  path: ROLE_PATH,
  tags: ['channels'],
  summary: 'Delete the overwrite of a role in a channel',
  middleware: AUTHENTICATED,
  request: { params: roleTarget, query: NO_QUERY },
  responses: DELETE_ANSWERS,
});

/**
 * `PUT /v1/waddles/{waddle}/channels/{channel}/overwrites/members/{user}` (MANAGE_ROLES in the
 * channel): sets a member's own overwrite, replacing it (404 `member` for someone who is not a
 * member). Recorded in the audit log.
 *
 * ```sql
 * SELECT 1 FROM waddle_members WHERE waddle_id = ? AND user_id = ?;   -- central
 * INSERT INTO channel_overwrites (channel_id, target_kind, target_id, allow, deny) VALUES (?, 'member', ?, ?, ?)
 *   ON CONFLICT (channel_id, target_kind, target_id) DO UPDATE SET allow = excluded.allow, deny = excluded.deny RETURNING *
 * ```
 */
export const setMemberOverwrite = createRoute({
  operationId: 'setMemberOverwrite',
  method: 'put',
  path: MEMBER_PATH,
  tags: ['channels'],
  summary: 'Set the overwrite of a member in a channel',
  middleware: AUTHENTICATED_WITH_BODY,
  request: putRequest(memberTarget),
  responses: PUT_ANSWERS,
});

/**
 * `DELETE /v1/waddles/{waddle}/channels/{channel}/overwrites/members/{user}` (MANAGE_ROLES in the
 * channel): removes a member's overwrite, also one left by someone no longer a member.
 *
 * ```sql
 * DELETE FROM channel_overwrites WHERE channel_id = ? AND target_kind = 'member' AND target_id = ?
 * ```
 */
export const deleteMemberOverwrite = createRoute({
  operationId: 'deleteMemberOverwrite',
  method: 'delete',
  path: MEMBER_PATH,
  tags: ['channels'],
  summary: 'Delete the overwrite of a member in a channel',
  middleware: AUTHENTICATED,
  request: { params: memberTarget, query: NO_QUERY },
  responses: DELETE_ANSWERS,
});

/**
 * Who may change a target's overwrite from what it is to `next` (Discord's rules for "Edit
 * Channel Permissions"): MANAGE_ROLES in the channel; every bit the change adds or takes away, in
 * allow or in deny, held by the caller in the channel (nobody grants or denies what they do not
 * hold); the target below the caller's highest role (a role's position; a member's highest role,
 * and never the owner), except `@everyone`, the caller's own overwrite, and for the owner and
 * administrators, whom no hierarchy binds.
 *
 * ```sql
 * SELECT * FROM roles WHERE id = ?;   -- a role target: it must exist (404 role)
 * SELECT max(r.position) AS top FROM member_roles mr JOIN roles r ON r.id = mr.role_id WHERE mr.user_id = ?;   -- a member target
 * SELECT * FROM channel_overwrites WHERE channel_id = ? AND target_kind = ? AND target_id = ?;
 * ```
 */
async function authorizeChange(
  context: RequestContext,
  { access, channel }: OpenedChannel,
  target: OverwriteTarget,
  next: { readonly allow: number; readonly deny: number },
  doing: string,
): Promise<ChannelOverwriteRow | undefined> {
  access.require(Permission.MANAGE_ROLES, doing);
  const unbound = access.isOwner || (access.basePermissions & Permission.ADMINISTRATOR) !== 0;
  if (target.kind === 'role') {
    const role = await findRole(access.database, target.id);
    if (!role) throw notFound('role');
    if (!unbound && !role.is_default && role.position >= access.rank)
      throw forbidden('outranked', `${doing}: the role is not below your highest role`);
  } else if (!unbound && target.id !== context.caller.id) {
    await requireOutranks(access, access.database, target.id, doing);
  }
  const current = await findChannelOverwrite(access.database, channel.id, target);
  const touched = ((current?.allow ?? 0) ^ next.allow) | ((current?.deny ?? 0) ^ next.deny);
  const lacking = touched & ~access.permissions;
  if (lacking !== 0)
    throw forbidden('missing_permission', `${doing} touches permissions you lack (${permissionNames(lacking).join(', ')})`);
  return current;
}

async function audit(
  context: RequestContext,
  opened: OpenedChannel,
  action: string,
  target: OverwriteTarget,
  bits: { readonly allow: number; readonly deny: number },
): Promise<void> {
  await auditQuery(context, {
    action,
    resourceType: 'channel',
    resourceId: `${opened.access.waddle.id}:${opened.channel.id}`,
    metadata: { ...(target.kind === 'role' ? { roleId: target.id } : { userId: target.id }), allow: bits.allow, deny: bits.deny },
  }).execute();
}

/** Sets a target's overwrite after `authorizeChange`. */
async function setOverwrite(
  context: RequestContext,
  params: { readonly waddle: number; readonly channel: number },
  target: OverwriteTarget,
  body: z.infer<typeof overwriteFields>,
): Promise<ChannelOverwriteRow> {
  const opened = await openWaddle(context, params.waddle, { channelId: params.channel });
  const bits = { allow: body.allow ?? 0, deny: body.deny ?? 0 };
  if (target.kind === 'member') await requireMember(context, opened.access.waddle.id, target.id);
  await authorizeChange(context, opened, target, bits, 'setting an overwrite');
  const overwrite = await setChannelOverwrite(opened.access.database, opened.channel.id, target, bits);
  await audit(context, opened, 'channel.overwrite.set', target, bits);
  return overwrite;
}

/** Deletes a target's overwrite after `authorizeChange` (404 `overwrite` when there is none). */
async function deleteOverwrite(
  context: RequestContext,
  params: { readonly waddle: number; readonly channel: number },
  target: OverwriteTarget,
): Promise<void> {
  const opened = await openWaddle(context, params.waddle, { channelId: params.channel });
  const current = await authorizeChange(context, opened, target, { allow: 0, deny: 0 }, 'deleting an overwrite');
  if (!current || !(await deleteChannelOverwrite(opened.access.database, opened.channel.id, target))) throw notFound('overwrite');
  await audit(context, opened, 'channel.overwrite.delete', target, { allow: 0, deny: 0 });
}

/** The overwrite routes: listing a channel's, setting and deleting a role's or a member's. */
export const channelOverwrites = routeGroup()
  .openapi(listChannelOverwrites, async (c) => {
    const params = c.req.valid('param');
    const { access, channel } = await openWaddle(await c.var.requestContext(params.waddle), params.waddle, { channelId: params.channel });
    if (!access.has(Permission.MANAGE_ROLES)) access.require(Permission.MANAGE_CHANNELS, "listing a channel's overwrites");
    return c.json({ overwrites: (await readChannelOverwrites(access.database, channel.id)).map(overwriteJson) }, 200);
  })
  .openapi(setRoleOverwrite, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const overwrite = await setOverwrite(context, params, { kind: 'role', id: params.role }, c.req.valid('json'));
    return c.json(overwriteJson(overwrite), 200);
  })
  .openapi(deleteRoleOverwrite, async (c) => {
    const params = c.req.valid('param');
    await deleteOverwrite(await c.var.requestContext(params.waddle), params, { kind: 'role', id: params.role });
    return c.body(null, 204);
  })
  .openapi(setMemberOverwrite, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const overwrite = await setOverwrite(context, params, { kind: 'member', id: params.user }, c.req.valid('json'));
    return c.json(overwriteJson(overwrite), 200);
  })
  .openapi(deleteMemberOverwrite, async (c) => {
    const params = c.req.valid('param');
    await deleteOverwrite(await c.var.requestContext(params.waddle), params, { kind: 'member', id: params.user });
    return c.body(null, 204);
  });
