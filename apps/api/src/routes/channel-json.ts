import { z } from '@hono/zod-openapi';
import type { ChannelRow } from '@waddle/queries/channels/channel-row';

/** A channel as the API returns it. */
export const channelBody = z.strictObject({
  id: z.int(),
  name: z.string(),
  type: z.enum(['text', 'voice', 'announcement', 'thread']),
  description: z.string().nullable(),
  position: z.int(),
  categoryId: z.int().nullable(),
  isPrivate: z.boolean().openapi({ description: 'The `@everyone` overwrite denies VIEW_CHANNELS (see GET …/overwrites)' }),
  isArchived: z.boolean(),
  threadMode: z.enum(['required', 'optional', 'disabled']),
  slowModeSeconds: z.int(),
  autoArchiveHours: z.int(),
  createdBy: z.int(),
  createdAt: z.int().openapi({ description: 'ms since the epoch' }),
  messageCount: z.int(),
  lastMessageId: z.int().nullable(),
  lastMessageAt: z.int().nullable(),
});

/** A channel as the API returns it; `isPrivate` comes from its `@everyone` overwrite (`isPrivateChannel`). */
export function channelJson(channel: ChannelRow, isPrivate: boolean): z.infer<typeof channelBody> {
  return {
    id: channel.id,
    name: channel.name,
    type: channel.type,
    description: channel.description,
    position: channel.position,
    categoryId: channel.category_id,
    isPrivate,
    isArchived: channel.is_archived === 1,
    threadMode: channel.thread_mode,
    slowModeSeconds: channel.slow_mode_seconds,
    autoArchiveHours: channel.auto_archive_hours,
    createdBy: channel.created_by,
    createdAt: channel.created_at,
    messageCount: channel.message_count,
    lastMessageId: channel.last_message_id,
    lastMessageAt: channel.last_message_at,
  };
}
