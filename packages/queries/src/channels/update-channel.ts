import { runBatch, type WaddleDatabase } from '../waddle-database.ts';
import type { ChannelRow } from './channel-row.ts';
import { type OverwriteChange, overwriteChangeStatements } from './overwrite-change.ts';

/** The columns of a channel that can change after it is created. */
export type ChannelChanges = Partial<
  Pick<
    ChannelRow,
    | 'name'
    | 'type'
    | 'description'
    | 'category_id'
    | 'position'
    | 'is_archived'
    | 'thread_mode'
    | 'slow_mode_seconds'
    | 'auto_archive_hours'
  >
>;

/**
 * Sets the given columns of a channel (only those: a column left out, or `undefined`, keeps its
 * value) and applies the overwrite changes, in one `batch()`, and returns the row; `undefined`
 * when there is no such channel (then nothing is written). Archiving is `{ is_archived: 1 }`.
 * Without a column to set, the row is read instead.
 *
 * ```sql
 * UPDATE channels SET <each given column> = ? WHERE id = ? RETURNING *;   -- or, without columns: SELECT * FROM channels WHERE id = ?
 * -- each overwrite change: see overwriteChangeStatements
 * ```
 *
 * @example
 * ```ts
 * const channel = await updateChannel(waddle, 3, { name: 'general', slow_mode_seconds: 30 });
 * ```
 */
export async function updateChannel(
  waddle: WaddleDatabase,
  channelId: number,
  changes: ChannelChanges,
  overwrites: readonly OverwriteChange[] = [],
): Promise<ChannelRow | undefined> {
  const { db } = waddle;
  // Kysely leaves undefined values out of the SET; with none left there is nothing to update.
  const [channel] = await runBatch(waddle, [
    Object.values(changes).some((value) => value !== undefined)
      ? db.updateTable('channels').set(changes).where('id', '=', channelId).returningAll()
      : db.selectFrom('channels').selectAll().where('id', '=', channelId),
    ...overwrites.flatMap((change) => overwriteChangeStatements(db, channelId, change)),
  ]);
  return channel.results[0];
}
