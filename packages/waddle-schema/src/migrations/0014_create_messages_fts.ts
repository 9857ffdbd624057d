import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * The full-text index: a contentless FTS5 table (it stores no copy of the text) whose rowid is
 * the message id. `unicode61 remove_diacritics 2` folds case and diacritics for Latin, Cyrillic
 * and Greek, so `cafe` finds `Café`.
 *
 * The writer indexes a message in the same `batch()` as the message itself, with text prepared
 * by the query library (CJK runs split into overlapping bigrams, which no SQL expression can do;
 * D1 cannot load a custom tokenizer). Removal needs no text (`contentless_delete=1`), so
 * triggers take a message out of the index the moment it is tombstoned, hard-deleted or edited:
 * an old text can never be found again, even if a writer forgets to re-index.
 * The index holds nothing that `messages` does not: it can be rebuilt from it.
 */
export const createMessagesFts: Migration = {
  name: '0014_create_messages_fts',
  up: () => [
    sql`CREATE VIRTUAL TABLE messages_fts USING fts5(
      body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
    )`,
    sql`CREATE TRIGGER messages_fts_forget_edited AFTER UPDATE OF content ON messages
      WHEN old.content IS NOT new.content
      BEGIN
        DELETE FROM messages_fts WHERE rowid = old.id;
      END`,
    sql`CREATE TRIGGER messages_fts_forget_tombstone AFTER UPDATE OF is_deleted ON messages
      WHEN new.is_deleted = 1 AND old.is_deleted = 0
      BEGIN
        DELETE FROM messages_fts WHERE rowid = old.id;
      END`,
    sql`CREATE TRIGGER messages_fts_forget_deleted AFTER DELETE ON messages
      BEGIN
        DELETE FROM messages_fts WHERE rowid = old.id;
      END`,
  ],
  down: () => [
    sql`DROP TRIGGER messages_fts_forget_deleted`,
    sql`DROP TRIGGER messages_fts_forget_tombstone`,
    sql`DROP TRIGGER messages_fts_forget_edited`,
    sql`DROP TABLE messages_fts`,
  ],
};
