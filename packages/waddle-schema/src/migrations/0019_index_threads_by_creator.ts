import type { Migration } from '@waddle/migrator/migration';

/**
 * The threads a user started, through an index: a data export lists their titles, and an
 * erasure finds the ones only they wrote in.
 */
export const indexThreadsByCreator: Migration = {
  name: '0019_index_threads_by_creator',
  up: (db) => [db.schema.createIndex('threads_by_creator').on('threads').columns(['created_by', 'id'])],
  down: (db) => [db.schema.dropIndex('threads_by_creator')],
};
