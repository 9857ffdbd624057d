import { postMessage } from '@waddle/queries/messages/post-message';
import type { WaddleDatabase } from '@waddle/queries/waddle-database';

/**
 * Gives the demo waddle a channel and a first message, once: running it again changes nothing.
 * The message goes through the query library, so it is indexed for search like any other.
 */
export async function seedDemoWaddle(waddle: WaddleDatabase, ownerId: number): Promise<void> {
  await waddle.db
    .insertInto('channels')
    .values({ id: 1, name: 'general', created_by: ownerId })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const existing = await waddle.db.selectFrom('messages').select('id').where('channel_id', '=', 1).limit(1).executeTakeFirst();
  if (!existing) {
    await postMessage(waddle, { channelId: 1, authorId: ownerId, content: 'Welcome to Waddle! This is the first message of the demo waddle.' });
  }
}
