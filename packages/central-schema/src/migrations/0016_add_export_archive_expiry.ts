import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * Export archives expire: a finished export's chunks are deleted some time after it finished,
 * so no copy of a user's data stays in the directory indefinitely.
 *
 * - `privacy_jobs.archive_deleted_at`: when the last chunk of an export's archive was deleted
 *   on expiry (NULL while the archive is kept, and for erasures). The job row stays, so asking
 *   for the archive again can be told that it expired.
 * - `privacy_jobs_kept_archives`: the finished exports whose archive is still kept, oldest first,
 *   so the expiry pass finds the expired ones without visiting every job ever run.
 */
export const addExportArchiveExpiry: Migration = {
  name: '0016_add_export_archive_expiry',
  up: (db) => [
    db.schema
      .alterTable('privacy_jobs')
      .addColumn('archive_deleted_at', 'integer', (c) =>
        c.check(sql`archive_deleted_at IS NULL OR (kind = 'export' AND finished_at IS NOT NULL AND archive_deleted_at >= finished_at)`),
      ),
    db.schema
      .createIndex('privacy_jobs_kept_archives')
      .on('privacy_jobs')
      .columns(['finished_at', 'id'])
      .where(sql<boolean>`kind = 'export' AND status = 'done' AND archive_deleted_at IS NULL`),
  ],
  down: (db) => [db.schema.dropIndex('privacy_jobs_kept_archives'), db.schema.alterTable('privacy_jobs').dropColumn('archive_deleted_at')],
};
