import { z } from '@hono/zod-openapi';
import type { RecordedAttachment } from '@waddle/queries/attachments/record-attachment';

/** An attachment as the API answers it once recorded. */
export const attachmentBody = z.strictObject({
  id: z.int(),
  messageId: z.int(),
  filename: z.string(),
  sizeBytes: z.int(),
  mimeType: z.string().nullable(),
  url: z.string().openapi({ description: 'Where members who see the channel download it: `/v1/waddles/{waddle}/attachments/{id}`' }),
  createdAt: z.int(),
});

/** The answer for a recorded attachment row. */
export function attachmentJson(row: RecordedAttachment): z.infer<typeof attachmentBody> {
  return {
    id: row.id,
    messageId: row.message_id,
    filename: row.filename,
    sizeBytes: row.size_bytes,
    mimeType: row.mime_type,
    url: row.url,
    createdAt: row.created_at,
  };
}
