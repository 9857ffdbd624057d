import type { CategoryRow } from '../categories/category-row.ts';
import { runBatch, type WaddleDatabase } from '../waddle-database.ts';
import type { ChannelOverwriteRow } from './channel-overwrite-row.ts';
import type { ChannelRow } from './channel-row.ts';
import { overwritesReaching } from './overwrites-reaching.ts';

/**
 * Every category and every channel, each by position then id, and the channel overwrites that
 * reach the viewer (see `overwritesReaching`), in one `batch()` (one round trip, one snapshot).
 * Who may see which channel is the caller's to decide.
 *
 * ```sql
 * SELECT * FROM categories ORDER BY position, id;
 * SELECT * FROM channels ORDER BY position, id;
 * SELECT o.* FROM channel_overwrites AS o WHERE <reaching the viewer>;
 * ```
 */
export async function listCategoriesAndChannels(
  waddle: WaddleDatabase,
  viewerId: number,
): Promise<{ categories: CategoryRow[]; channels: ChannelRow[]; overwrites: ChannelOverwriteRow[] }> {
  const [categories, channels, overwrites] = await runBatch(waddle, [
    waddle.db.selectFrom('categories').selectAll().orderBy('position').orderBy('id'),
    waddle.db.selectFrom('channels').selectAll().orderBy('position').orderBy('id'),
    overwritesReaching(waddle.db, viewerId),
  ]);
  return { categories: categories.results, channels: channels.results, overwrites: overwrites.results };
}
