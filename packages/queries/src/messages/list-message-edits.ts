import type { DB, MessageEdits } from '@waddle/waddle-schema/database';
import type { Kysely, Selectable } from 'kysely';
import type { WaddleDatabase } from '../waddle-database.ts';
import { boundLimit } from '../bound-limit.ts';

/** One edit of a message: the text it replaced, and when. */
export type MessageEditRow = Pick<Selectable<MessageEdits>, 'id' | 'previous_content' | 'edited_at'>;

/**
 * The query of a page of a message's edit history, oldest first (by id), after `afterId`, at most
 * `limit` rows, through the index `message_edits_by_message`. Built, not run.
 *
 * ```sql
 * select "id", "previous_content", "edited_at" from "message_edits"
 * where "message_id" = ? and "id" > ? order by "id" limit CAST(? AS INTEGER)
 * ```
 */
export function messageEditPageQuery(db: Kysely<DB>, messageId: number, limit: number, afterId = 0) {
  return db
    .selectFrom('message_edits')
    .select(['id', 'previous_content', 'edited_at'])
    .where('message_id', '=', messageId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(boundLimit(limit));
}

/**
 * A page of a message's edit history, oldest first: each edit with the text it replaced
 * (`previous_content`) and its time (`edited_at`), as the schema's trigger recorded it. A
 * tombstoned message has none (the schema deletes the history with the content), nor does one
 * never edited. Deciding who may read it is the caller's.
 *
 * ```sql
 * select "id", "previous_content", "edited_at" from "message_edits"
 * where "message_id" = ? and "id" > ? order by "id" limit CAST(? AS INTEGER)   -- message_edits_by_message
 * ```
 *
 * @example
 * ```ts
 * const edits = await listMessageEdits(waddle, { messageId: 7, limit: 51 });
 * const more = await listMessageEdits(waddle, { messageId: 7, limit: 51, afterId: edits.at(-1)!.id });
 * ```
 */
export function listMessageEdits(
  waddle: WaddleDatabase,
  page: { readonly messageId: number; readonly limit: number; readonly afterId?: number },
): Promise<MessageEditRow[]> {
  return messageEditPageQuery(waddle.db, page.messageId, page.limit, page.afterId).execute();
}
