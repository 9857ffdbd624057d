import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * A reply to a message in an older message shard (docs/message-shards.md, section 3).
 * `messages.reply_to_id` is a foreign key to `messages` of the same database, so a reply posted
 * into a later shard to a message of an earlier one cannot be stored there. Such a reply keeps
 * the replied message's id in `reply_to_elsewhere_id`, with no foreign key (the message is in
 * another database; its shard is found by the id's range); a `CHECK` keeps at most one of the two
 * set. When the replied message is hard-deleted its shard cannot clear this column: a page then
 * finds no such message and shows `replyTo: null`, as `ON DELETE SET NULL` does for a local one.
 * Nothing is indexed: the column is read with the page's own rows, never searched by.
 */
export const addReplyToElsewhere: Migration = {
  name: '0028_add_reply_to_elsewhere',
  up: (db) => [
    db.schema
      .alterTable('messages')
      .addColumn('reply_to_elsewhere_id', 'integer', (c) =>
        c.check(sql`reply_to_elsewhere_id IS NULL OR (reply_to_id IS NULL AND reply_to_elsewhere_id >= 1)`),
      ),
  ],
  down: (db) => [db.schema.alterTable('messages').dropColumn('reply_to_elsewhere_id')],
};
