import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * Data exports and erasures of one user, done in bounded steps across many invocations.
 *
 * - `privacy_jobs`: one per request; at most one running job of each kind per user.
 * - `privacy_job_parts`: the work of a job, one row per database: part 0 is the central
 *   directory, any other part is the waddle of that id. Each keeps its own section, cursor
 *   (a JSON array: the last key done), attempts and last error, so a failing database is
 *   retried alone and progress is visible per database.
 * - `export_chunks`: the archive of an export, written a page at a time (`seq` from 1) and
 *   served by streaming the chunks in order; nothing holds a whole archive in memory.
 */
export const createPrivacyJobs: Migration = {
  name: '0014_create_privacy_jobs',
  up: (db) => [
    db.schema
      .createTable('privacy_jobs')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement().notNull())
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('export', 'erasure')`))
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('running').check(sql`status IN ('running', 'done')`))
      .addColumn('requested_by', 'text', (c) => c.notNull().check(sql`requested_by IN ('user', 'operator')`))
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .addColumn('finished_at', 'integer', (c) => c.check(sql`finished_at >= created_at`))
      .modifyEnd(sql`STRICT`),
    sql`CREATE UNIQUE INDEX privacy_jobs_one_running ON privacy_jobs (user_id, kind) WHERE status = 'running'`,
    db.schema.createIndex('privacy_jobs_by_user').on('privacy_jobs').columns(['user_id', 'id']),
    db.schema
      .createTable('privacy_job_parts')
      .addColumn('job_id', 'integer', (c) => c.notNull().references('privacy_jobs.id').onDelete('cascade'))
      .addColumn('part', 'integer', (c) => c.notNull().check(sql`part >= 0`))
      .addColumn('d1_database_id', 'text', (c) => c.check(sql`length(d1_database_id) BETWEEN 1 AND 64`))
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status IN ('pending', 'done')`))
      .addColumn('section', 'text', (c) => c.notNull().check(sql`length(section) BETWEEN 1 AND 32`))
      .addColumn('cursor', 'text', (c) => c.notNull().defaultTo('[]').check(sql`json_valid(cursor) AND json_type(cursor) = 'array'`))
      .addColumn('rows_done', 'integer', (c) => c.notNull().defaultTo(0).check(sql`rows_done >= 0`))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0).check(sql`attempts >= 0`))
      .addColumn('error', 'text', (c) => c.check(sql`length(error) <= 1024`))
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .addColumn('finished_at', 'integer')
      .addPrimaryKeyConstraint('privacy_job_parts_pk', ['job_id', 'part'])
      .modifyEnd(sql`STRICT, WITHOUT ROWID`),
    db.schema
      .createTable('export_chunks')
      .addColumn('job_id', 'integer', (c) => c.notNull().references('privacy_jobs.id').onDelete('cascade'))
      .addColumn('seq', 'integer', (c) => c.notNull().check(sql`seq >= 1`))
      .addColumn('body', 'text', (c) => c.notNull().check(sql`length(body) BETWEEN 1 AND 1500000`))
      .addPrimaryKeyConstraint('export_chunks_pk', ['job_id', 'seq'])
      .modifyEnd(sql`STRICT`),
  ],
  down: (db) => [db.schema.dropTable('export_chunks'), db.schema.dropTable('privacy_job_parts'), db.schema.dropTable('privacy_jobs')],
};
