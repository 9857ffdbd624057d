import { sql } from 'kysely';
import { runBatch, type WaddleDatabase } from '../waddle-database.ts';
import type { ChannelRow } from './channel-row.ts';
import { type OverwriteChange, overwriteChangeStatements } from './overwrite-change.ts';

/** A channel to create, every column given (the API applies its defaults). */
export type NewChannel = Pick<
  ChannelRow,
  | 'name'
  | 'type'
  | 'description'
  | 'category_id'
  | 'position'
  | 'thread_mode'
  | 'slow_mode_seconds'
  | 'auto_archive_hours'
  | 'created_by'
  | 'created_at'
>;

/**
 * Creates a channel with its first overwrites (a private channel's `@everyone` deny), in one
 * `batch()`: the channel never exists without them. Returns its row (the database rejects an
 * unknown `category_id`, and the batch with it). The overwrites name the new channel by
 * `last_insert_rowid()`, which inserts into `channel_overwrites` (a `WITHOUT ROWID` table) leave as it is.
 *
 * ```sql
 * INSERT INTO channels (name, type, description, category_id, position, thread_mode, slow_mode_seconds, auto_archive_hours, created_by, created_at)
 * VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *;
 * -- each overwrite, see overwriteChangeStatements:
 * INSERT INTO channel_overwrites (…) SELECT id, ?, ?, ?, ? FROM channels WHERE id = last_insert_rowid() ON CONFLICT … DO UPDATE …;
 * DELETE FROM channel_overwrites WHERE channel_id = last_insert_rowid() AND … AND allow = 0 AND deny = 0;
 * ```
 *
 * @example
 * ```ts
 * const channel = await createChannel(waddle, fields, [{ target: { kind: 'role', id: 0 }, deny: 1 }]);
 * ```
 */
export async function createChannel(
  waddle: WaddleDatabase,
  channel: NewChannel,
  overwrites: readonly OverwriteChange[] = [],
): Promise<ChannelRow> {
  const created = sql<number>`last_insert_rowid()`;
  const [inserted] = await runBatch(waddle, [
    waddle.db
      .insertInto('channels')
      .values({
        name: channel.name,
        type: channel.type,
        description: channel.description,
        category_id: channel.category_id,
        position: channel.position,
        thread_mode: channel.thread_mode,
        slow_mode_seconds: channel.slow_mode_seconds,
        auto_archive_hours: channel.auto_archive_hours,
        created_by: channel.created_by,
        created_at: channel.created_at,
      })
      .returningAll(),
    ...overwrites.flatMap((change) => overwriteChangeStatements(waddle.db, created, change)),
  ]);
  const [row] = inserted.results;
  // An INSERT … RETURNING that succeeded returns its row.
  if (!row) throw new Error('createChannel: the insert returned no row');
  return row;
}
