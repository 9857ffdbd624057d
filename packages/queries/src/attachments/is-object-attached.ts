import type { WaddleDatabase } from '../waddle-database.ts';

/**
 * Whether an attachment row names this object of the attachment bucket: an upload whose ledger row
 * outlived its attachment (the request stopped between the two writes) is attached, and its object
 * must stay.
 *
 * ```sql
 * select 1 as "one" from "message_attachments" where "object_key" = ?   -- message_attachments_by_object_key
 * ```
 */
export async function isObjectAttached(waddle: WaddleDatabase, objectKey: string): Promise<boolean> {
  const row = await waddle.db
    .selectFrom('message_attachments')
    .select((eb) => eb.lit(1).as('one'))
    .where('object_key', '=', objectKey)
    .executeTakeFirst();
  return row !== undefined;
}
