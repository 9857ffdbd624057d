import type { Waddles } from '@waddle/central-schema/database';
import type { Selectable } from 'kysely';
import type { DirectoryDatabase } from '../directory-database.ts';

/** The registry columns of a waddle that are shown to users (never its database's location). */
export const SHOWN_WADDLE_COLUMNS = [
  'w.id',
  'w.name',
  'w.display_name',
  'w.description',
  'w.icon_url',
  'w.owner_id',
  'w.is_public',
  'w.member_count',
  'w.created_at',
] as const;

/** A waddle's registry row as shown to users. */
export type ShownWaddle = Pick<
  Selectable<Waddles>,
  'id' | 'name' | 'display_name' | 'description' | 'icon_url' | 'owner_id' | 'is_public' | 'member_count' | 'created_at'
>;

/**
 * One waddle's shown registry row; `undefined` when there is none.
 *
 * ```sql
 * SELECT w.id, w.name, w.display_name, w.description, w.icon_url, w.owner_id, w.is_public, w.member_count, w.created_at
 * FROM waddles w WHERE w.id = ?
 * ```
 */
export function findShownWaddle(directory: DirectoryDatabase, waddleId: number): Promise<ShownWaddle | undefined> {
  return directory.db.selectFrom('waddles as w').select(SHOWN_WADDLE_COLUMNS).where('w.id', '=', waddleId).executeTakeFirst();
}
