import type { ChannelRow } from './channel-row.ts';
import type { WaddleDatabase } from '../waddle-database.ts';

/**
 * Every channel's id and whether it is private: what deciding which channels a caller may see
 * needs (search and unread counts are limited to those).
 *
 * ```sql
 * SELECT id, is_private FROM channels
 * ```
 */
export function listChannelVisibility(waddle: WaddleDatabase): Promise<Pick<ChannelRow, 'id' | 'is_private'>[]> {
  return waddle.db.selectFrom('channels').select(['id', 'is_private']).execute();
}
