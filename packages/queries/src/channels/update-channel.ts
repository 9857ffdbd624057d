import type { WaddleDatabase } from '../waddle-database.ts';
import type { ChannelRow } from './channel-row.ts';

/** The columns of a channel that can change after it is created. */
export type ChannelChanges = Partial<
  Pick<
    ChannelRow,
    | 'name'
    | 'type'
    | 'description'
    | 'category_id'
    | 'position'
    | 'is_private'
    | 'is_archived'
    | 'thread_mode'
    | 'slow_mode_seconds'
    | 'auto_archive_hours'
  >
>;

/**
 * Sets the given columns of a channel (only those: a column left out, or `undefined`, keeps its
 * value) and returns the row; `undefined` when there is no such channel. Archiving is
 * `{ is_archived: 1 }`. At least one column must be given.
 *
 * ```sql
 * UPDATE channels SET <each given column> = ? WHERE id = ? RETURNING *
 * -- archiving:
 * UPDATE channels SET is_archived = 1 WHERE id = ? RETURNING *
 * ```
 *
 * @example
 * ```ts
 * const channel = await updateChannel(waddle, 3, { name: 'general', slow_mode_seconds: 30 });
 * ```
 */
export function updateChannel(waddle: WaddleDatabase, channelId: number, changes: ChannelChanges): Promise<ChannelRow | undefined> {
  return waddle.db.updateTable('channels').set(changes).where('id', '=', channelId).returningAll().executeTakeFirst();
}
