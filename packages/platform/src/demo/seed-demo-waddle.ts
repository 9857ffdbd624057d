import type { D1DatabaseLike } from '@waddle/d1/database';

const WELCOME = 'Welcome to Waddle! This is the first message of the demo waddle.';

/**
 * Gives the demo waddle a channel and a first (indexed) message, once: running it again changes
 * nothing.
 *
 * ```sql
 * INSERT INTO channels (id, name, created_by) VALUES (1, 'general', ?) ON CONFLICT DO NOTHING;
 * INSERT INTO messages (channel_id, user_id, content) SELECT 1, ?, ? WHERE NOT EXISTS (SELECT 1 FROM messages WHERE channel_id = 1);
 * INSERT INTO messages_fts (rowid, body) SELECT id, content FROM messages WHERE ... AND changes() > 0;
 * ```
 */
export async function seedDemoWaddle(waddle: D1DatabaseLike, ownerId: number): Promise<void> {
  await waddle.batch([
    waddle.prepare("INSERT INTO channels (id, name, created_by) VALUES (1, 'general', ?) ON CONFLICT DO NOTHING").bind(ownerId),
    waddle
      .prepare('INSERT INTO messages (channel_id, user_id, content) SELECT 1, ?, ? WHERE NOT EXISTS (SELECT 1 FROM messages WHERE channel_id = 1)')
      .bind(ownerId, WELCOME),
    waddle.prepare('INSERT INTO messages_fts (rowid, body) SELECT last_insert_rowid(), ? WHERE changes() > 0').bind(WELCOME),
  ]);
}
