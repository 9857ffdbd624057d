import type { DB } from '@waddle/central-schema/database';
import type { Kysely } from 'kysely';
import type { DirectoryDatabase } from '../directory-database.ts';
import type { ListingPosition } from './member-waddles.ts';
import { SHOWN_WADDLE_COLUMNS, type ShownWaddle } from './shown-waddle.ts';

/**
 * Public waddles, most members first (ties by id), after a position (`after.key` a member
 * count, `after.id` a waddle id), at most `limit` rows.
 *
 * ```sql
 * SELECT w.id, w.name, w.display_name, w.description, w.icon_url, w.owner_id, w.is_public, w.member_count, w.created_at
 * FROM waddles w WHERE w.is_public = 1
 *   AND (w.member_count < ? OR (w.member_count = ? AND w.id > ?))   -- after a position
 * ORDER BY w.member_count DESC, w.id LIMIT ?                        -- index waddles_public_by_members
 * ```
 */
export function publicWaddles(
  directory: DirectoryDatabase,
  page: { readonly limit: number; readonly after?: ListingPosition },
): Promise<ShownWaddle[]> {
  return publicWaddlesQuery(directory.db, page).execute();
}

/** The query of {@link publicWaddles}, exported so a test can hold it against `EXPLAIN QUERY PLAN`. */
export function publicWaddlesQuery(db: Kysely<DB>, page: { readonly limit: number; readonly after?: ListingPosition }) {
  const { after } = page;
  // The literal 1 (not a bound parameter) lets SQLite match the partial index's `WHERE is_public = 1`.
  let query = db
    .selectFrom('waddles as w')
    .select(SHOWN_WADDLE_COLUMNS)
    .where('w.is_public', '=', (eb) => eb.lit(1));
  if (after) {
    query = query.where((eb) =>
      eb.or([eb('w.member_count', '<', after.key), eb.and([eb('w.member_count', '=', after.key), eb('w.id', '>', after.id)])]),
    );
  }
  return query.orderBy('w.member_count', 'desc').orderBy('w.id').limit(page.limit);
}
