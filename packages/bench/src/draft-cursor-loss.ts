import type { DatabaseSync } from 'node:sqlite';

/**
 * How many messages of a channel the draft's pagination never returns: it pages newest first on
 * `created_at` alone, a DATETIME of one-second resolution (`CURRENT_TIMESTAMP`), with
 * `created_at < cursor`, so every message sharing the second of a page's last message but not on
 * that page is skipped.
 *
 * ```sql
 * SELECT id, created_at / 1000 AS second FROM messages WHERE channel_id = ? [AND created_at / 1000 < ?]
 * ORDER BY created_at DESC LIMIT 50
 * ```
 */
export function draftCursorLoss(db: DatabaseSync, channelId: number): { total: number; lost: number } {
  const { total } = db.prepare('SELECT count(*) AS total FROM messages WHERE channel_id = ?').get(channelId) as { total: number };
  const first = db.prepare('SELECT id, created_at / 1000 AS second FROM messages WHERE channel_id = ? ORDER BY created_at DESC LIMIT 50');
  const next = db.prepare('SELECT id, created_at / 1000 AS second FROM messages WHERE channel_id = ? AND created_at / 1000 < ? ORDER BY created_at DESC LIMIT 50');
  const seen = new Set<number>();
  let page = first.all(channelId) as { id: number; second: number }[];
  while (page.length > 0) {
    for (const row of page) seen.add(row.id);
    page = next.all(channelId, page.at(-1)!.second) as { id: number; second: number }[];
  }
  return { total, lost: total - seen.size };
}
