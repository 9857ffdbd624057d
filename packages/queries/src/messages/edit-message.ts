import { sql } from 'kysely';
import { type MentionAuthority, mentionStatement, NO_MENTION_AUTHORITY } from '../mentions/mention-statement.ts';
import { writtenMentions } from '../mentions/mention-syntax.ts';
import { searchableText } from '../search/searchable-text.ts';
import { runBatch, type WaddleDatabase } from '../waddle-database.ts';
import { requireValidContent } from './require-valid-content.ts';

/**
 * Replaces a live message's text and re-indexes it, in one atomic `batch()`. The schema's
 * triggers record the previous text in `message_edits`, count the edit, and take the old text out
 * of the search index, so the message is found by its new text only. Returns `false` (and changes
 * nothing) when the message does not exist, is tombstoned, or already has this text. Content
 * the schema must not hold (ill-formed, control characters, over 10,000 code points) raises
 * `InvalidQueryError` before anything is sent, as in `postMessage`.
 *
 * ```sql
 * UPDATE messages SET content = ?, edited_at = ? WHERE id = ? AND is_deleted = 0 AND content IS NOT ?;
 * INSERT INTO messages_fts (rowid, body) SELECT ?, ? WHERE changes() > 0;
 * INSERT INTO message_mentions … WHERE m.id = ? AND m.is_deleted = 0 …;   -- when the new text mentions someone
 * ```
 *
 * Mentions follow the text: the schema's trigger deletes the message's mentions when its content
 * changes, and the new text's are recorded in the same batch (see `mentionStatement`; pass the
 * same `mentionAuthority` as for `postMessage`), so an edit that adds a mention adds it to the
 * counts and one that removes it takes it out.
 */
export async function editMessage(
  waddle: WaddleDatabase,
  edit: {
    readonly messageId: number;
    readonly content: string;
    readonly editedAt: number;
    readonly mentionAuthority?: MentionAuthority;
  },
): Promise<boolean> {
  requireValidContent(edit.content, 'content');
  const written = writtenMentions(edit.content, 'content');
  const update = waddle.db
    .updateTable('messages')
    .set({ content: edit.content, edited_at: edit.editedAt })
    .where('id', '=', edit.messageId)
    .where('is_deleted', '=', 0)
    .where('content', 'is not', edit.content);
  const reindex = sql`INSERT INTO messages_fts (rowid, body) SELECT ${edit.messageId}, ${searchableText(edit.content)} WHERE changes() > 0`;
  const mentions = mentionStatement(waddle.db, edit.messageId, written, edit.mentionAuthority ?? NO_MENTION_AUTHORITY);
  const [updated] = await runBatch(waddle, [update, { compile: () => reindex.compile(waddle.db) }, ...(mentions ? [mentions] : [])]);
  return (updated!.meta.changes ?? 0) > 0;
}
