import { z } from '@hono/zod-openapi';

/** A message with everything a client draws beside it (`PageMessage` of the query library, whose lists are read-only). */
const pageMessage = z.strictObject({
  id: z.int(),
  channelId: z.int(),
  threadId: z.int().nullable(),
  authorId: z.int(),
  content: z.string().nullable().openapi({ description: '`null` for a deleted message (a placeholder)' }),
  contentType: z.enum(['text', 'image', 'file', 'system']),
  metadata: z.unknown().openapi({ description: 'JSON the message carries beside its text (`null`: none)' }),
  createdAt: z.int(),
  editedAt: z.int().nullable(),
  editCount: z.int(),
  edited: z.boolean(),
  pinned: z.boolean(),
  deleted: z.boolean(),
  replyTo: z
    .strictObject({
      id: z.int(),
      authorId: z.int(),
      excerpt: z.string().nullable().openapi({ description: 'The first 200 characters; `null` when that message was deleted' }),
      deleted: z.boolean(),
    })
    .nullable(),
  reactions: z
    .array(
      z.strictObject({
        emoji: z.string(),
        count: z.int(),
        reacted: z.boolean().openapi({ description: 'The caller is among those who reacted' }),
      }),
    )
    .readonly(),
  attachments: z
    .array(z.strictObject({ id: z.int(), filename: z.string(), sizeBytes: z.int(), mimeType: z.string().nullable(), url: z.string() }))
    .readonly(),
});

/** A page of a channel's or thread's messages (`MessagePage` of the query library), oldest first. */
export const messagePageBody = z.strictObject({
  messages: z.array(pageMessage).readonly(),
  foundOldest: z.boolean().openapi({ description: 'No message is older than the first one here' }),
  foundNewest: z.boolean().openapi({ description: 'No message was newer than the last one here when it was read' }),
  foundAnchor: z.boolean().openapi({ description: 'The anchor message is in the page' }),
  olderCursor: z
    .string()
    .nullable()
    .openapi({ description: 'Pass as `cursor` with `before` for the page just older; `null` once `foundOldest`' }),
  newerCursor: z.string().openapi({ description: 'Pass as `cursor` with `after` for the page just newer (also to poll)' }),
});
