import type { ShownWaddle } from '@waddle/directory-queries/waddles/shown-waddle';

/** A waddle as the API returns it (never its database's location). */
export function waddleJson(row: ShownWaddle) {
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
