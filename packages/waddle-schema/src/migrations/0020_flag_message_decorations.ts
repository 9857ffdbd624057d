import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * `messages.decorations` says what a page has to look up beside a message: bit 1, it has at
 * least one reaction; bit 2, at least one attachment. Nine messages in ten have neither, and a
 * page then reads only their rows. The flag costs one byte per message (a zero is stored in the
 * record header alone).
 *
 * Triggers keep it equal to what `reactions` and `message_attachments` hold, whoever writes
 * them: an insert sets the bit, the delete of the last row clears it (a tombstone's reactions and
 * attachments are deleted by the triggers of 0006 and 0011, so a tombstone ends with 0), and a row
 * moved to another message moves the bit. A set bit without rows behind it would only cost a
 * lookup; a clear bit with rows behind it would hide them, so no path clears a bit while a row
 * remains. The last two statements set the flags of the messages that already have reactions or
 * attachments, in the same atomic batch as the triggers, so no page ever reads a missing flag.
 */
export const flagMessageDecorations: Migration = {
  name: '0020_flag_message_decorations',
  up: (db) => [
    db.schema
      .alterTable('messages')
      .addColumn('decorations', 'integer', (c) => c.notNull().defaultTo(0).check(sql`decorations BETWEEN 0 AND 3`)),
    ...flagKeptBy('reactions', 1),
    ...flagKeptBy('message_attachments', 2),
    sql`UPDATE messages SET decorations = decorations | 1 WHERE id IN (SELECT message_id FROM reactions)`,
    sql`UPDATE messages SET decorations = decorations | 2 WHERE id IN (SELECT message_id FROM message_attachments)`,
  ],
  down: (db) => [
    ...['reactions', 'message_attachments'].flatMap((table) =>
      ['insert', 'delete', 'move'].map((event) => sql`DROP TRIGGER ${sql.raw(`${table}_flag_message_after_${event}`)}`),
    ),
    db.schema.alterTable('messages').dropColumn('decorations'),
  ],
};

/** The triggers that keep bit `bit` of `messages.decorations` equal to "`table` has a row for this message". */
function flagKeptBy(table: 'reactions' | 'message_attachments', bit: 1 | 2) {
  const t = sql.raw(table);
  const name = (event: string) => sql.raw(`${table}_flag_message_after_${event}`);
  const set = (message: 'new' | 'old') =>
    sql`UPDATE messages SET decorations = decorations | ${sql.raw(String(bit))} WHERE id = ${sql.raw(message)}.message_id AND decorations & ${sql.raw(String(bit))} = 0;`;
  const clearIfLast = sql`UPDATE messages SET decorations = decorations & ~${sql.raw(String(bit))}
          WHERE id = old.message_id AND NOT EXISTS (SELECT 1 FROM ${t} WHERE message_id = old.message_id);`;
  return [
    sql`CREATE TRIGGER ${name('insert')} AFTER INSERT ON ${t}
      BEGIN
        ${set('new')}
      END`,
    sql`CREATE TRIGGER ${name('delete')} AFTER DELETE ON ${t}
      BEGIN
        ${clearIfLast}
      END`,
    sql`CREATE TRIGGER ${name('move')} AFTER UPDATE OF message_id ON ${t}
      WHEN old.message_id IS NOT new.message_id
      BEGIN
        ${set('new')}
        ${clearIfLast}
      END`,
  ];
}
