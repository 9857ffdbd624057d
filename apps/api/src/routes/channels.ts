import { createRoute, z } from '@hono/zod-openapi';
import { categoryExists } from '@waddle/queries/categories/category-exists';
import { createChannel as insertChannel } from '@waddle/queries/channels/create-channel';
import { listCategoriesAndChannels } from '@waddle/queries/channels/list-channels';
import { type ChannelChanges, updateChannel as storeChannel } from '@waddle/queries/channels/update-channel';
import { Permission } from '../access/permissions.ts';
import { isPrivateChannel, privacyChanges } from '../access/private-channel.ts';
import { openWaddle, type WaddleAccess } from '../access/waddle-access.ts';
import { auditQuery } from '../audit/audit-log.ts';
import type { RequestContext } from '../context/request-context.ts';
import { notFound } from '../http/api-error.ts';
import { BODY_ERRORS, errorAnswers, IN_WADDLE_ERRORS, jsonAnswer } from '../http/responses.ts';
import { routeGroup } from '../http/route-group.ts';
import { AUTHENTICATED, AUTHENTICATED_WITH_BODY, NO_QUERY } from '../http/route-middleware.ts';
import { id, pathId, patchOf, singleLine } from '../http/schemas.ts';
import { categoryBody, categoryJson } from './category-json.ts';
import { channelBody, channelJson } from './channel-json.ts';

/**
 * `GET /v1/waddles/{waddle}/channels`: the categories and the channels the caller can view
 * (VIEW_CHANNELS after the channel's overwrites), archived ones included and marked.
 *
 * ```sql
 * SELECT * FROM categories ORDER BY position, id;
 * SELECT * FROM channels ORDER BY position, id;
 * SELECT o.* FROM channel_overwrites AS o WHERE <reaching the caller>;
 * ```
 */
export const listChannels = createRoute({
  operationId: 'listChannels',
  method: 'get',
  path: '/v1/waddles/{waddle}/channels',
  tags: ['channels'],
  summary: 'Categories and the visible channels',
  middleware: AUTHENTICATED,
  request: { params: z.strictObject({ waddle: pathId }), query: NO_QUERY },
  responses: {
    200: jsonAnswer(
      z.strictObject({ categories: z.array(categoryBody), channels: z.array(channelBody) }),
      'Every category, and the channels the caller can see, by position',
    ),
    ...errorAnswers(IN_WADDLE_ERRORS),
  },
});

const channelFields = {
  name: singleLine(1, 100),
  type: z.enum(['text', 'voice', 'announcement']).optional(),
  description: singleLine(0, 1024).nullable().optional(),
  categoryId: id.nullable().optional(),
  position: z.int().min(0).max(1_000_000).optional(),
  isPrivate: z.boolean().optional().openapi({
    description: "Writes the `@everyone` overwrite's VIEW_CHANNELS deny (and an allow for the caller: see docs/channel-permissions.md)",
  }),
  threadMode: z.enum(['required', 'optional', 'disabled']).optional(),
  slowModeSeconds: z.int().min(0).max(21600).optional(),
  autoArchiveHours: z.int().min(1).max(8760).optional(),
};

async function requireCategory(access: WaddleAccess, categoryId: number | null | undefined): Promise<void> {
  if (categoryId == null) return;
  if (!(await categoryExists(access.database, categoryId))) throw notFound('category');
}

async function audit(
  context: RequestContext,
  access: WaddleAccess,
  action: string,
  channelId: number,
  metadata: Record<string, unknown> = {},
): Promise<void> {
  await auditQuery(context, { action, resourceType: 'channel', resourceId: `${access.waddle.id}:${channelId}`, metadata }).execute();
}

/**
 * `POST /v1/waddles/{waddle}/channels` (MANAGE_CHANNELS). `isPrivate: true` creates it with an
 * `@everyone` overwrite denying VIEW_CHANNELS and, unless the caller is the owner or an
 * administrator, one allowing it to the caller (see `privacyChanges`), in the same batch.
 *
 * ```sql
 * INSERT INTO channels (name, type, description, category_id, position, thread_mode, slow_mode_seconds, auto_archive_hours, created_by, created_at)
 * VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *;
 * INSERT INTO channel_overwrites (…) SELECT id, … FROM channels WHERE id = last_insert_rowid() ON CONFLICT … DO UPDATE …;   -- isPrivate
 * ```
 */
export const createChannel = createRoute({
  operationId: 'createChannel',
  method: 'post',
  path: '/v1/waddles/{waddle}/channels',
  tags: ['channels'],
  summary: 'Create a channel',
  middleware: AUTHENTICATED_WITH_BODY,
  request: {
    params: z.strictObject({ waddle: pathId }),
    query: NO_QUERY,
    body: { required: true, content: { 'application/json': { schema: z.strictObject(channelFields) } } },
  },
  responses: { 201: jsonAnswer(channelBody, 'The new channel'), ...errorAnswers([...IN_WADDLE_ERRORS, ...BODY_ERRORS]) },
});

/** The channel's columns a PATCH body sets (booleans stored as 0/1); a field left out keeps its column. */
function channelChanges(body: Partial<z.infer<z.ZodObject<typeof channelFields>>> & { isArchived?: boolean }): ChannelChanges {
  return {
    name: body.name,
    type: body.type,
    description: body.description,
    category_id: body.categoryId,
    position: body.position,
    is_archived: body.isArchived === undefined ? undefined : body.isArchived ? 1 : 0,
    thread_mode: body.threadMode,
    slow_mode_seconds: body.slowModeSeconds,
    auto_archive_hours: body.autoArchiveHours,
  };
}

/**
 * `PATCH /v1/waddles/{waddle}/channels/{channel}` (MANAGE_CHANNELS in the channel): changes the
 * given fields only (`isArchived: false` brings an archived channel back); `isPrivate` changes the
 * `@everyone` overwrite as `privacyChanges` says, in the same batch.
 *
 * ```sql
 * UPDATE channels SET <each given column> = ? WHERE id = ? RETURNING *;   -- or SELECT * FROM channels WHERE id = ? with isPrivate alone
 * INSERT INTO channel_overwrites (…) SELECT id, … FROM channels WHERE id = ? ON CONFLICT … DO UPDATE …;   -- isPrivate
 * ```
 */
export const updateChannel = createRoute({
  operationId: 'updateChannel',
  method: 'patch',
  path: '/v1/waddles/{waddle}/channels/{channel}',
  tags: ['channels'],
  summary: 'Update a channel',
  middleware: AUTHENTICATED_WITH_BODY,
  request: {
    params: z.strictObject({ waddle: pathId, channel: pathId }),
    query: NO_QUERY,
    body: { required: true, content: { 'application/json': { schema: patchOf({ ...channelFields, isArchived: z.boolean() }) } } },
  },
  responses: { 200: jsonAnswer(channelBody, 'The channel as changed'), ...errorAnswers([...IN_WADDLE_ERRORS, ...BODY_ERRORS]) },
});

/**
 * `POST /v1/waddles/{waddle}/channels/{channel}/archive` (MANAGE_CHANNELS): archives a channel:
 * it stays readable, and nobody can post in it until it is brought back.
 *
 * ```sql
 * UPDATE channels SET is_archived = 1 WHERE id = ? RETURNING *   -- updateChannel
 * ```
 */
export const archiveChannel = createRoute({
  operationId: 'archiveChannel',
  method: 'post',
  path: '/v1/waddles/{waddle}/channels/{channel}/archive',
  tags: ['channels'],
  summary: 'Archive a channel',
  middleware: AUTHENTICATED,
  request: { params: z.strictObject({ waddle: pathId, channel: pathId }), query: NO_QUERY },
  responses: { 200: jsonAnswer(channelBody, 'The channel, archived'), ...errorAnswers(IN_WADDLE_ERRORS) },
});

/** The channel routes: listing (with the categories), creating, changing and archiving channels. */
export const channels = routeGroup()
  .openapi(listChannels, async (c) => {
    const params = c.req.valid('param');
    const { access } = await openWaddle(await c.var.requestContext(params.waddle), params.waddle);
    const { categories, channels, overwrites } = await listCategoriesAndChannels(access.database, access.userId);
    const shown = channels.flatMap((channel) => {
      const reaching = overwrites.filter((overwrite) => overwrite.channel_id === channel.id);
      return access.canView(reaching) ? [channelJson(channel, isPrivateChannel(reaching))] : [];
    });
    return c.json({ categories: categories.map(categoryJson), channels: shown }, 200);
  })
  .openapi(createChannel, async (c) => {
    const params = c.req.valid('param');
    const body = c.req.valid('json');
    const context = await c.var.requestContext(params.waddle);
    const { access } = await openWaddle(context, params.waddle);
    access.require(Permission.MANAGE_CHANNELS, 'creating a channel');
    await requireCategory(access, body.categoryId);
    const isPrivate = body.isPrivate === true;
    const channel = await insertChannel(
      access.database,
      {
        name: body.name,
        type: body.type ?? 'text',
        description: body.description ?? null,
        category_id: body.categoryId ?? null,
        position: body.position ?? 0,
        thread_mode: body.threadMode ?? 'optional',
        slow_mode_seconds: body.slowModeSeconds ?? 0,
        auto_archive_hours: body.autoArchiveHours ?? 168,
        created_by: context.caller.id,
        created_at: context.now,
      },
      isPrivate ? privacyChanges(true, access) : [],
    );
    await audit(context, access, 'channel.create', channel.id, { name: channel.name, isPrivate });
    return c.json(channelJson(channel, isPrivate), 201);
  })
  .openapi(updateChannel, async (c) => {
    const params = c.req.valid('param');
    const body = c.req.valid('json');
    const context = await c.var.requestContext(params.waddle);
    const { access, channel, overwrites } = await openWaddle(context, params.waddle, { channelId: params.channel });
    access.require(Permission.MANAGE_CHANNELS, 'changing a channel');
    await requireCategory(access, body.categoryId);
    const privacy = body.isPrivate === undefined ? [] : privacyChanges(body.isPrivate, access);
    const updated = await storeChannel(access.database, channel.id, channelChanges(body), privacy);
    // Deleted meanwhile by another request: as if it had not been found.
    if (!updated) throw notFound('channel');
    await audit(context, access, 'channel.update', channel.id, {
      fields: Object.entries(body)
        .filter(([, value]) => value !== undefined)
        .map(([field]) => field),
    });
    return c.json(channelJson(updated, body.isPrivate ?? isPrivateChannel(overwrites)), 200);
  })
  .openapi(archiveChannel, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const { access, channel, overwrites } = await openWaddle(context, params.waddle, { channelId: params.channel });
    access.require(Permission.MANAGE_CHANNELS, 'archiving a channel');
    const updated = await storeChannel(access.database, channel.id, { is_archived: 1 });
    if (!updated) throw notFound('channel');
    await audit(context, access, 'channel.archive', channel.id);
    return c.json(channelJson(updated, isPrivateChannel(overwrites)), 200);
  });
