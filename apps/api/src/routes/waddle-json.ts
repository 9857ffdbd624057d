import { z } from '@hono/zod-openapi';
import type { ShownWaddle } from '@waddle/directory-queries/waddles/shown-waddle';

/** The fields of a waddle as the API returns it (never its database's location). */
export const waddleFields = {
  id: z.int(),
  name: z.string(),
  displayName: z.string(),
  description: z.string().nullable(),
  iconUrl: z.string().nullable(),
  ownerId: z.int(),
  isPublic: z.boolean(),
  memberCount: z.int(),
  createdAt: z.int().openapi({ description: 'ms since the epoch' }),
};

/** A waddle as the API returns it. */
export const waddleBody = z.strictObject(waddleFields);

/** A waddle as the API returns it (never its database's location). */
export function waddleJson(row: ShownWaddle): z.infer<typeof waddleBody> {
  return {
    id: row.id,
    name: row.name,
    displayName: row.display_name,
    description: row.description,
    iconUrl: row.icon_url,
    ownerId: row.owner_id,
    isPublic: row.is_public === 1,
    memberCount: row.member_count,
    createdAt: row.created_at,
  };
}
