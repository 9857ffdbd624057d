import { z } from '@hono/zod-openapi';

/** A caller's state in one thread (`ThreadUnreads` of the query library): follow state, read marker, capped counts. */
export const threadUnreadsBody = z.strictObject({
  threadId: z.int(),
  channelId: z.int(),
  title: z.string(),
  lastMessageId: z.int().nullable().openapi({ description: 'The newest live message of the thread (its activity)' }),
  lastMessageAt: z.int().nullable(),
  following: z.boolean(),
  muted: z.boolean().openapi({ description: 'Muted: not followed, and its mentions raise no count' }),
  lastReadMessageId: z
    .int()
    .openapi({ description: "The thread's read marker: its own, or the channel's when that is further (0: nothing read)" }),
  unreadCount: z.int().openapi({ description: 'Live messages by others after the marker, counted up to 100' }),
  unreadCapped: z.boolean(),
  mentionCount: z.int().openapi({ description: 'Of those, the ones mentioning the caller (0 in a muted thread), up to 100' }),
  mentionsCapped: z.boolean(),
});
