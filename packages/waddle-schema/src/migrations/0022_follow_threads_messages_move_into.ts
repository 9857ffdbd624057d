import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * Every live message of a thread is covered by its author's read marker there. Posting in a
 * thread already does this (`messages_followed_by_author`, 0021: it follows the thread for the
 * author and moves their marker to the message); this trigger does the same for a message that
 * enters a thread without being posted in it: moved into it (`thread_id` changed) or made live
 * again. The author follows the thread unless they chose otherwise before (an existing row keeps
 * its choice), and their marker moves to the message, never back.
 *
 * With it, a followed thread has a live message by someone else after the follower's marker
 * exactly when its newest live message (`threads.last_message_id`) is after that marker, since
 * the newest message cannot be the follower's own: the followed-thread list decides "has unreads"
 * from the thread row, without reading the thread's messages.
 */
export const followThreadsMessagesMoveInto: Migration = {
  name: '0022_follow_threads_messages_move_into',
  up: () => [
    sql`CREATE TRIGGER messages_followed_by_author_on_move AFTER UPDATE OF thread_id, is_deleted ON messages
      WHEN new.thread_id IS NOT NULL AND new.is_deleted = 0 AND (old.thread_id IS NOT new.thread_id OR old.is_deleted = 1)
      BEGIN
        INSERT OR IGNORE INTO thread_follows (user_id, thread_id, last_read_message_id) VALUES (new.user_id, new.thread_id, new.id);
        UPDATE thread_follows SET last_read_message_id = new.id
          WHERE user_id = new.user_id AND thread_id = new.thread_id AND last_read_message_id < new.id;
      END`,
  ],
  down: () => [sql`DROP TRIGGER messages_followed_by_author_on_move`],
};
