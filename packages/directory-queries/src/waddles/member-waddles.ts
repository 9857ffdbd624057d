import type { DirectoryDatabase } from '../directory-database.ts';
import { SHOWN_WADDLE_COLUMNS, type ShownWaddle } from './shown-waddle.ts';

/** Where a listing ordered by a key and then an id stopped: its last row's two values. */
export interface ListingPosition {
  readonly key: number;
  readonly id: number;
}

/**
 * The waddles a user belongs to, most recently joined first (ties by waddle id), after a
 * position (`after.key` a join time, `after.id` a waddle id), at most `limit` rows.
 *
 * ```sql
 * SELECT w.id, w.name, w.display_name, w.description, w.icon_url, w.owner_id, w.is_public, w.member_count, w.created_at, m.joined_at
 * FROM waddle_members m JOIN waddles w ON w.id = m.waddle_id
 * WHERE m.user_id = ? AND (m.joined_at < ? OR (m.joined_at = ? AND m.waddle_id > ?))   -- after a position
 * ORDER BY m.joined_at DESC, m.waddle_id LIMIT ?                                      -- index waddle_members_by_user
 * ```
 *
 * @example
 * ```ts
 * const rows = await memberWaddles(directory, 42, { limit: 101 });
 * const next = await memberWaddles(directory, 42, { limit: 101, after: { key: rows[99].joined_at, id: rows[99].id } });
 * ```
 */
export function memberWaddles(
  directory: DirectoryDatabase,
  userId: number,
  page: { readonly limit: number; readonly after?: ListingPosition },
): Promise<(ShownWaddle & { joined_at: number })[]> {
  const { after } = page;
  let query = directory.db
    .selectFrom('waddle_members as m')
    .innerJoin('waddles as w', 'w.id', 'm.waddle_id')
    .select([...SHOWN_WADDLE_COLUMNS, 'm.joined_at'])
    .where('m.user_id', '=', userId);
  if (after) {
    query = query.where((eb) =>
      eb.or([eb('m.joined_at', '<', after.key), eb.and([eb('m.joined_at', '=', after.key), eb('m.waddle_id', '>', after.id)])]),
    );
  }
  return query.orderBy('m.joined_at', 'desc').orderBy('m.waddle_id').limit(page.limit).execute();
}
