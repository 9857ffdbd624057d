import type { DatabaseSync } from 'node:sqlite';

/**
 * How many messages of a channel the draft's pagination never returns. The draft pages newest
 * first on `created_at` alone, a DATETIME of one-second resolution (`CURRENT_TIMESTAMP`):
 *
 * ```sql
 * SELECT * FROM messages WHERE channel_id = ? AND created_at < ? ORDER BY created_at DESC LIMIT 50
 * ```
 *
 * with the cursor set to the last row's `created_at`, so every message that shares the second of
 * a page's last message but did not fit on that page is skipped. The walk is simulated over the
 * channel's messages sorted by time (this schema has no index on seconds to run the draft's SQL
 * page by page).
 */
export function draftCursorLoss(db: DatabaseSync, channelId: number): { total: number; lost: number } {
  const seconds = (
    db
      .prepare('SELECT created_at / 1000 AS second FROM messages WHERE channel_id = ? ORDER BY created_at DESC, id DESC')
      .all(channelId) as { second: number }[]
  ).map((row) => row.second);
  let seen = 0;
  let start = 0;
  while (start < seconds.length) {
    const page = seconds.slice(start, start + 50);
    seen += page.length;
    const cursor = page.at(-1)!;
    start += page.length;
    while (start < seconds.length && seconds[start]! >= cursor) start += 1;
  }
  return { total: seconds.length, lost: seconds.length - seen };
}
