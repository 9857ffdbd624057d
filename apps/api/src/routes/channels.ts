import { categoryExists } from '@waddle/queries/categories/category-exists';
import { createChannel as insertChannel } from '@waddle/queries/channels/create-channel';
import { listCategoriesAndChannels } from '@waddle/queries/channels/list-channels';
import { type ChannelChanges, updateChannel as storeChannel } from '@waddle/queries/channels/update-channel';
import { z } from 'zod';
import { Permission } from '../access/permissions.ts';
import { openWaddle, type WaddleAccess } from '../access/waddle-access.ts';
import { auditQuery } from '../audit/audit-log.ts';
import type { RequestContext } from '../context/request-context.ts';
import { notFound } from '../http/api-error.ts';
import { route } from '../http/route.ts';
import { id, patchOf, singleLine } from '../http/schemas.ts';
import { channelJson } from './channel-json.ts';

/**
 * `GET /v1/waddles/{waddle}/channels`: the categories and the channels the caller can see
 * (private ones only with VIEW_PRIVATE_CHANNELS), archived ones included and marked.
 *
 * ```sql
 * SELECT * FROM categories ORDER BY position, id;
 * SELECT * FROM channels ORDER BY position, id;
 * ```
 */
export const listChannels = route({
  method: 'GET',
  path: '/v1/waddles/{waddle}/channels',
  tag: 'channels',
  summary: 'Categories and the visible channels',
  async handle({ params }, context) {
    const { access } = await openWaddle(context, params.waddle);
    const { categories, channels } = await listCategoriesAndChannels(access.database);
    return {
      categories: categories.map((c) => ({
        id: c.id,
        name: c.name,
        position: c.position,
        collapsedByDefault: c.collapsed_by_default === 1,
      })),
      channels: channels.filter((channel) => access.canSee(channel)).map(channelJson),
    };
  },
});

const channelFields = {
  name: singleLine(1, 100),
  type: z.enum(['text', 'voice', 'announcement']).optional(),
  description: singleLine(0, 1024).nullable().optional(),
  categoryId: id.nullable().optional(),
  position: z.int().min(0).max(1_000_000).optional(),
  isPrivate: z.boolean().optional(),
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
 * `POST /v1/waddles/{waddle}/channels` (MANAGE_CHANNELS).
 *
 * ```sql
 * INSERT INTO channels (name, type, description, category_id, position, is_private, thread_mode, slow_mode_seconds, auto_archive_hours, created_by, created_at)
 * VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *
 * ```
 */
export const createChannel = route({
  method: 'POST',
  path: '/v1/waddles/{waddle}/channels',
  tag: 'channels',
  summary: 'Create a channel',
  status: 201,
  body: z.strictObject(channelFields),
  async handle({ params, body }, context) {
    const { access } = await openWaddle(context, params.waddle);
    access.require(Permission.MANAGE_CHANNELS, 'creating a channel');
    await requireCategory(access, body.categoryId);
    const channel = await insertChannel(access.database, {
      name: body.name,
      type: body.type ?? 'text',
      description: body.description ?? null,
      category_id: body.categoryId ?? null,
      position: body.position ?? 0,
      is_private: body.isPrivate ? 1 : 0,
      thread_mode: body.threadMode ?? 'optional',
      slow_mode_seconds: body.slowModeSeconds ?? 0,
      auto_archive_hours: body.autoArchiveHours ?? 168,
      created_by: context.caller.id,
      created_at: context.now,
    });
    await audit(context, access, 'channel.create', channel.id, { name: channel.name });
    return channelJson(channel);
  },
});

/** The channel's columns a PATCH body sets (booleans stored as 0/1); a field left out keeps its column. */
function channelChanges(body: Partial<z.infer<z.ZodObject<typeof channelFields>>> & { isArchived?: boolean }): ChannelChanges {
  const flag = (value: boolean | undefined) => (value === undefined ? undefined : value ? 1 : 0);
  return {
    name: body.name,
    type: body.type,
    description: body.description,
    category_id: body.categoryId,
    position: body.position,
    is_private: flag(body.isPrivate),
    is_archived: flag(body.isArchived),
    thread_mode: body.threadMode,
    slow_mode_seconds: body.slowModeSeconds,
    auto_archive_hours: body.autoArchiveHours,
  };
}

/**
 * `PATCH /v1/waddles/{waddle}/channels/{channel}` (MANAGE_CHANNELS): changes the given fields
 * only (`isArchived: false` brings an archived channel back).
 *
 * ```sql
 * UPDATE channels SET <each given column> = ? WHERE id = ? RETURNING *
 * ```
 */
export const updateChannel = route({
  method: 'PATCH',
  path: '/v1/waddles/{waddle}/channels/{channel}',
  tag: 'channels',
  summary: 'Update a channel',
  body: patchOf({ ...channelFields, isArchived: z.boolean() }),
  async handle({ params, body }, context) {
    const { access, channel } = await openWaddle(context, params.waddle, { channelId: params.channel });
    access.require(Permission.MANAGE_CHANNELS, 'changing a channel');
    await requireCategory(access, body.categoryId);
    const updated = await storeChannel(access.database, channel.id, channelChanges(body));
    // Deleted meanwhile by another request: as if it had not been found.
    if (!updated) throw notFound('channel');
    await audit(context, access, 'channel.update', channel.id, {
      fields: Object.entries(body)
        .filter(([, value]) => value !== undefined)
        .map(([field]) => field),
    });
    return channelJson(updated);
  },
});

/**
 * `POST /v1/waddles/{waddle}/channels/{channel}/archive` (MANAGE_CHANNELS): archives a channel:
 * it stays readable, and nobody can post in it until it is brought back.
 *
 * ```sql
 * UPDATE channels SET is_archived = 1 WHERE id = ? RETURNING *   -- updateChannel
 * ```
 */
export const archiveChannel = route({
  method: 'POST',
  path: '/v1/waddles/{waddle}/channels/{channel}/archive',
  tag: 'channels',
  summary: 'Archive a channel',
  async handle({ params }, context) {
    const { access, channel } = await openWaddle(context, params.waddle, { channelId: params.channel });
    access.require(Permission.MANAGE_CHANNELS, 'archiving a channel');
    const updated = await storeChannel(access.database, channel.id, { is_archived: 1 });
    if (!updated) throw notFound('channel');
    await audit(context, access, 'channel.archive', channel.id);
    return channelJson(updated);
  },
});
