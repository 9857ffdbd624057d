import type { DirectoryDatabase } from '../directory-database.ts';
import type { ListingPosition } from '../waddles/member-waddles.ts';

/** A member of a waddle as listed: the membership and the user's public profile. */
export interface ListedMember {
  readonly user_id: number;
  readonly nickname: string | null;
  readonly joined_at: number;
  readonly username: string;
  readonly display_name: string | null;
  readonly avatar_url: string | null;
}

/**
 * The members of a waddle, most recently joined first (ties by user id), after a position
 * (`after.key` a join time, `after.id` a user id), at most `limit` rows.
 *
 * ```sql
 * SELECT m.user_id, m.nickname, m.joined_at, u.username, u.display_name, u.avatar_url
 * FROM waddle_members m JOIN users u ON u.id = m.user_id
 * WHERE m.waddle_id = ? AND (m.joined_at < ? OR (m.joined_at = ? AND m.user_id > ?))   -- after a position
 * ORDER BY m.joined_at DESC, m.user_id LIMIT ?                                        -- index waddle_members_by_waddle
 * ```
 */
export function listMembers(
  directory: DirectoryDatabase,
  waddleId: number,
  page: { readonly limit: number; readonly after?: ListingPosition },
): Promise<ListedMember[]> {
  const { after } = page;
  let query = directory.db
    .selectFrom('waddle_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'm.nickname', 'm.joined_at', 'u.username', 'u.display_name', 'u.avatar_url'])
    .where('m.waddle_id', '=', waddleId);
  if (after) {
    query = query.where((eb) =>
      eb.or([eb('m.joined_at', '<', after.key), eb.and([eb('m.joined_at', '=', after.key), eb('m.user_id', '>', after.id)])]),
    );
  }
  return query.orderBy('m.joined_at', 'desc').orderBy('m.user_id').limit(page.limit).execute();
}
