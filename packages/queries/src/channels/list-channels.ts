import type { CategoryRow } from '../categories/category-row.ts';
import { runBatch, type WaddleDatabase } from '../waddle-database.ts';
import type { ChannelRow } from './channel-row.ts';

/**
 * Every category and every channel, each by position then id, in one `batch()` (one round trip,
 * one snapshot). Who may see which channel is the caller's to decide.
 *
 * ```sql
 * SELECT * FROM categories ORDER BY position, id;
 * SELECT * FROM channels ORDER BY position, id;
 * ```
 */
export async function listCategoriesAndChannels(waddle: WaddleDatabase): Promise<{ categories: CategoryRow[]; channels: ChannelRow[] }> {
  const [categories, channels] = await runBatch(waddle, [
    waddle.db.selectFrom('categories').selectAll().orderBy('position').orderBy('id'),
    waddle.db.selectFrom('channels').selectAll().orderBy('position').orderBy('id'),
  ]);
  return { categories: categories.results, channels: channels.results };
}
