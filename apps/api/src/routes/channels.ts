import { z } from 'zod';
import { Permission } from '../access/permissions.ts';
import { type ChannelRow, openWaddle, type WaddleAccess } from '../access/waddle-access.ts';
import { auditStatement } from '../audit/audit-log.ts';
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
    const d1 = access.database.d1;
    const [categories, channels] = await d1.batch([
      d1.prepare('SELECT * FROM categories ORDER BY position, id'),
      d1.prepare('SELECT * FROM channels ORDER BY position, id'),
    ]);
    return {
      categories: (categories!.results as { id: number; name: string; position: number; collapsed_by_default: number }[]).map((c) => ({
        id: c.id,
        name: c.name,
        position: c.position,
        collapsedByDefault: c.collapsed_by_default === 1,
      })),
      channels: (channels!.results as ChannelRow[]).filter((channel) => access.canSee(channel)).map(channelJson),
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
  const found = await access.database.d1.prepare('SELECT 1 FROM categories WHERE id = ?').bind(categoryId).first();
  if (!found) throw notFound('category');
}

async function audit(
  context: RequestContext,
  access: WaddleAccess,
  action: string,
  channelId: number,
  metadata: Record<string, unknown> = {},
): Promise<void> {
  await auditStatement(context, { action, resourceType: 'channel', resourceId: `${access.waddle.id}:${channelId}`, metadata }).run();
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
    const channel = await access.database.d1
      .prepare(
        `INSERT INTO channels (name, type, description, category_id, position, is_private, thread_mode, slow_mode_seconds, auto_archive_hours, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      )
      .bind(
        body.name,
        body.type ?? 'text',
        body.description ?? null,
        body.categoryId ?? null,
        body.position ?? 0,
        body.isPrivate ? 1 : 0,
        body.threadMode ?? 'optional',
        body.slowModeSeconds ?? 0,
        body.autoArchiveHours ?? 168,
        context.caller.id,
        context.now,
      )
      .first<ChannelRow>();
    await audit(context, access, 'channel.create', channel!.id, { name: channel!.name });
    return channelJson(channel!);
  },
});

const COLUMN_OF = {
  name: 'name',
  type: 'type',
  description: 'description',
  categoryId: 'category_id',
  position: 'position',
  isPrivate: 'is_private',
  isArchived: 'is_archived',
  threadMode: 'thread_mode',
  slowModeSeconds: 'slow_mode_seconds',
  autoArchiveHours: 'auto_archive_hours',
} as const;

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
    const entries = Object.entries(body).filter(([, value]) => value !== undefined) as [keyof typeof COLUMN_OF, unknown][];
    const updated = await access.database.d1
      .prepare(`UPDATE channels SET ${entries.map(([field]) => `${COLUMN_OF[field]} = ?`).join(', ')} WHERE id = ? RETURNING *`)
      .bind(...entries.map(([, value]) => (typeof value === 'boolean' ? (value ? 1 : 0) : value)), channel!.id)
      .first<ChannelRow>();
    await audit(context, access, 'channel.update', channel!.id, { fields: entries.map(([field]) => field) });
    return channelJson(updated!);
  },
});

/**
 * `POST /v1/waddles/{waddle}/channels/{channel}/archive` (MANAGE_CHANNELS): archives a channel:
 * it stays readable, and nobody can post in it until it is brought back.
 *
 * ```sql
 * UPDATE channels SET is_archived = 1 WHERE id = ? RETURNING *
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
    const updated = await access.database.d1
      .prepare('UPDATE channels SET is_archived = 1 WHERE id = ? RETURNING *')
      .bind(channel!.id)
      .first<ChannelRow>();
    await audit(context, access, 'channel.archive', channel!.id);
    return channelJson(updated!);
  },
});
