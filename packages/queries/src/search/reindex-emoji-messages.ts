import { sql } from 'kysely';
import { InvalidQueryError } from '../invalid-query-error.ts';
import { runBatch, type WaddleDatabase } from '../waddle-database.ts';
import { containsEmoji, searchableText } from './searchable-text.ts';
import { boundLimit } from '../bound-limit.ts';

export interface EmojiReindexSlice {
  /** Live messages read in this slice. */
  readonly scanned: number;
  /** Those holding an emoji: their index entry was rewritten (unless the message changed meanwhile). */
  readonly reindexed: number;
  /** Pass as `after` for the next slice; `null` when the slice reached the last message. */
  readonly next: number | null;
}

/**
 * The backfill that makes emoji searchable in messages indexed before {@link searchableText}
 * gave emoji tokens: rewrites the index entry of every live message holding an emoji, `limit`
 * messages (by id) a slice, so it fits a Worker invocation on any database. Run it after
 * deploying this version, passing each slice's `next` back as `after` until it is `null`;
 * store `next` to resume later (each slice is idempotent, and repeating one does no harm).
 * Messages without emoji are indexed exactly as before and are not written.
 *
 * A message edited, deleted or tombstoned between the read and the write is left alone: each
 * entry is replaced only if the message still has the content that was read (its writer has
 * indexed the new text itself).
 *
 * ```sql
 * SELECT id, content FROM messages WHERE id > ? AND is_deleted = 0 AND content IS NOT NULL ORDER BY id LIMIT CAST(? AS INTEGER);
 * -- then, in one batch, for each of them holding an emoji:
 * INSERT OR REPLACE INTO messages_fts (rowid, body)
 *   SELECT id, ? FROM messages WHERE id = ? AND is_deleted = 0 AND content = ?;
 * ```
 *
 * @example
 * ```ts
 * let after: number | null = 0;
 * while (after !== null) after = (await reindexEmojiMessages(waddle, { after })).next;
 * ```
 */
export async function reindexEmojiMessages(
  waddle: WaddleDatabase,
  options: { readonly after?: number; readonly limit?: number } = {},
): Promise<EmojiReindexSlice> {
  const after = options.after ?? 0;
  const limit = options.limit ?? 500;
  if (!Number.isSafeInteger(after) || after < 0) throw new InvalidQueryError('after', 'must be a message id or 0');
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new InvalidQueryError('limit', 'must be an integer from 1 to 1000');
  const rows = await waddle.db
    .selectFrom('messages')
    .select(['id', 'content'])
    .where('id', '>', after)
    .where('is_deleted', '=', 0)
    .where('content', 'is not', null)
    .orderBy('id')
    .limit(boundLimit(limit))
    .execute();
  const withEmoji = rows.filter((row): row is { id: number; content: string } => row.content !== null && containsEmoji(row.content));
  if (withEmoji.length > 0) {
    await runBatch(
      waddle,
      withEmoji.map(({ id, content }) => {
        const replace = sql`INSERT OR REPLACE INTO messages_fts (rowid, body)
          SELECT id, ${searchableText(content)} FROM messages WHERE id = ${id} AND is_deleted = 0 AND content = ${content}`;
        return { compile: () => replace.compile(waddle.db) };
      }),
    );
  }
  return { scanned: rows.length, reindexed: withEmoji.length, next: rows.length === limit ? rows.at(-1)!.id : null };
}
