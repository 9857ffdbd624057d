import type { WaddleDatabase } from '../waddle-database.ts';
import type { ChannelRow } from './channel-row.ts';

/** A channel to create, every column given (the API applies its defaults). */
export type NewChannel = Pick<
  ChannelRow,
  | 'name'
  | 'type'
  | 'description'
  | 'category_id'
  | 'position'
  | 'is_private'
  | 'thread_mode'
  | 'slow_mode_seconds'
  | 'auto_archive_hours'
  | 'created_by'
  | 'created_at'
>;

/**
 * Creates a channel and returns its row (the database rejects an unknown `category_id`).
 *
 * ```sql
 * INSERT INTO channels (name, type, description, category_id, position, is_private, thread_mode, slow_mode_seconds, auto_archive_hours, created_by, created_at)
 * VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *
 * ```
 */
export function createChannel(waddle: WaddleDatabase, channel: NewChannel): Promise<ChannelRow> {
  return waddle.db
    .insertInto('channels')
    .values({
      name: channel.name,
      type: channel.type,
      description: channel.description,
      category_id: channel.category_id,
      position: channel.position,
      is_private: channel.is_private,
      thread_mode: channel.thread_mode,
      slow_mode_seconds: channel.slow_mode_seconds,
      auto_archive_hours: channel.auto_archive_hours,
      created_by: channel.created_by,
      created_at: channel.created_at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
