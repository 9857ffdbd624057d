import { env, reset } from 'cloudflare:test';
import { explainQueryPlan, planProblems } from '@waddle/d1/query-plan';
import { Migrator } from '@waddle/migrator/migrator';
import { type Compilable, type Kysely, sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '../src/generated/database.ts';
import { centralMigrations } from '../src/migrations/index.ts';
import { freshCentralDatabase } from './migrated-database.ts';

/** The draft's central tables and columns, plus this schema's additions (marked). */
const expectedColumns: Record<string, string[]> = {
  users: [
    'id',
    'email',
    'username',
    'display_name',
    'avatar_url',
    'bio',
    'is_anonymous',
    'locale',
    'timezone',
    'created_at',
    'updated_at',
    'deleted_at',
  ],
  user_settings: ['user_id', 'notifications_enabled', 'notification_sound', 'theme', 'compact_mode', 'developer_mode', 'settings_json'],
  waddles: [
    'id',
    'name',
    'display_name',
    'description',
    'icon_url',
    'banner_url',
    'owner_id',
    'is_public',
    'is_verified',
    'member_count',
    'message_count',
    'shard_count',
    'd1_database_id',
    /* 'd1_binding', 'schema_version', 'database_size_mb' and 'size_sampled_at' were dropped: the directory holds them */
    'features',
    'created_at',
    'updated_at',
    /* added: its primary database in the directory */ 'primary_database_id',
  ],
  waddle_members: ['waddle_id', 'user_id', 'nickname', 'joined_at', 'last_read_at', 'notification_level'],
  global_bans: ['user_id', 'reason', 'banned_by', 'banned_at', 'expires_at'],
  audit_log: ['id', 'user_id', 'action', 'resource_type', 'resource_id', 'metadata', 'ip_address', 'user_agent', 'created_at'],
  /* added: the monitor's samples */ size_samples: ['d1_database_id', 'sampled_at', 'size_bytes'],
  /* added: the migrate fan-out's lease */ migration_leases: ['name', 'holder', 'acquired_at', 'expires_at'],
  /* added: the monitor's view of each database */ monitored_databases: [
    'd1_database_id',
    'waddle_id',
    'name',
    'size_bytes',
    'sampled_at',
    'growth_bytes_per_day',
    'days_to_full',
    'sample_attempted_at',
    'sample_error',
    'optimized_at',
    'optimize_error',
  ],
  /* added: raised size alerts */ size_alert_states: ['d1_database_id', 'level', 'reason', 'raised_at', 'size_bytes'],
  /* added: the monitor's walks over the registry */ monitor_cursors: ['name', 'after_database_id', 'updated_at'],
  /* added: every waddle a user ever joined */ user_waddles: ['user_id', 'waddle_id', 'first_joined_at'],
  /* added: the API cron's drift pass over sharded waddles */ shard_drift_cursor: [
    'id',
    'waddle_id',
    'next_kind',
    'next_after_id',
    'updated_at',
  ],
  /* added: data exports and erasures */ privacy_jobs: [
    'id',
    'user_id',
    'kind',
    'status',
    'requested_by',
    'created_at',
    'updated_at',
    'finished_at',
    /* added: expiry */ 'archive_deleted_at',
  ],
  /* added */ privacy_job_parts: [
    'job_id',
    'part',
    'd1_database_id',
    'status',
    'section',
    'cursor',
    'rows_done',
    'attempts',
    'error',
    'updated_at',
    'finished_at',
  ],
  /* added */ export_chunks: ['job_id', 'seq', 'body'],
  /* added: the directory of databases */ databases: [
    'id',
    'role',
    'd1_database_id',
    'slice',
    'binding',
    'schema_version',
    'size_bytes',
    'size_measured_at',
    'created_at',
    'updated_at',
    /* added: the shard map */ 'shard_waddle_id',
    'first_message_id',
    'message_state',
  ],
  /* added: uploads not yet attached */ attachment_uploads: [
    'object_key',
    'waddle_id',
    'message_id',
    'user_id',
    'filename',
    'mime_type',
    'size_bytes',
    'multipart_upload_id',
    'parts',
    'created_at',
  ],
  /* added: the monitor's count of attachment bytes */ attachment_usage: ['waddle_id', 'bytes', 'objects', 'measured_at'],
  /* added */ attachment_usage_walk: ['name', 'waddle_id', 'list_cursor', 'bytes', 'objects', 'updated_at'],
};

let db: Kysely<DB>;
beforeEach(async () => {
  db = await freshCentralDatabase();
  await db
    .insertInto('users')
    .values([
      { id: 1, username: 'ada', email: 'ada@example.com' },
      { id: 2, username: 'bob' },
    ])
    .execute();
  // Two databases in the directory: waddle 1's primary, and one a test may give a second waddle.
  await db
    .insertInto('databases')
    .values(['db-1', 'db-2'].map((d1_database_id) => ({ role: 'waddle' as const, d1_database_id, created_at: 0, updated_at: 0 })))
    .execute();
  await db
    .insertInto('waddles')
    .values({
      id: 1,
      name: 'penguins',
      display_name: 'Penguins',
      owner_id: 1,
      d1_database_id: 'db-1',
      is_public: 1,
      primary_database_id: 1,
    })
    .execute();
});

/** Rows in each table, to show a rejected statement left the database as it was. */
async function rowCounts(): Promise<number[]> {
  const tables = Object.keys(expectedColumns);
  const results = await env.DB.batch<{ n: number }>(tables.map((table) => env.DB.prepare(`SELECT count(*) AS n FROM ${table}`)));
  return results.map((result) => result.results[0]!.n);
}

async function columnsOf(table: string): Promise<string[]> {
  const { results } = await env.DB.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').bind(table).all<{ name: string }>();
  return results.map((r) => r.name);
}

describe('central schema', () => {
  it('migrates a fresh database to the latest version with the draft tables and the additions', async () => {
    const { results: recorded } = await env.DB.prepare('SELECT name FROM schema_migrations ORDER BY name').all<{ name: string }>();
    expect(recorded.map((r) => r.name)).toEqual(centralMigrations.map((m) => m.name));
    const { results: tables } = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name",
    ).all<{ name: string }>();
    expect(tables.map((t) => t.name)).toEqual(Object.keys(expectedColumns).sort());
    for (const [table, columns] of Object.entries(expectedColumns)) {
      expect({ table, columns: await columnsOf(table) }).toEqual({ table, columns });
    }
  });

  it.each([
    ['a username that differs only in case', "INSERT INTO users (username) VALUES ('ADA')", /UNIQUE constraint failed/],
    [
      'an email that differs only in case',
      "INSERT INTO users (username, email) VALUES ('cy', 'ADA@example.com')",
      /UNIQUE constraint failed/,
    ],
    ['a username with spaces', "INSERT INTO users (username) VALUES ('a b')", /CHECK constraint failed/],
    ['an email without @', "INSERT INTO users (username, email) VALUES ('cy', 'nope')", /CHECK constraint failed/],
    ['an anonymous flag of 2', "INSERT INTO users (username, is_anonymous) VALUES ('cy', 2)", /CHECK constraint failed/],
    ['an unknown theme', "INSERT INTO user_settings (user_id, theme) VALUES (1, 'neon')", /CHECK constraint failed/],
    [
      'settings that are not a JSON object',
      "INSERT INTO user_settings (user_id, settings_json) VALUES (1, '[1]')",
      /CHECK constraint failed/,
    ],
    [
      'invalid JSON in features',
      "INSERT INTO waddles (name, display_name, owner_id, d1_database_id, primary_database_id, features) VALUES ('w2', 'W', 1, 'db-2', 2, '[oops')",
      /CHECK constraint failed/,
    ],
    [
      'a waddle name that is not URL-safe',
      "INSERT INTO waddles (name, display_name, owner_id, d1_database_id, primary_database_id) VALUES ('Big Fish', 'W', 1, 'db-2', 2)",
      /CHECK constraint failed/,
    ],
    [
      'a second waddle on the same database',
      "INSERT INTO waddles (name, display_name, owner_id, d1_database_id, primary_database_id) VALUES ('w2', 'W', 1, 'db-1', 1)",
      /UNIQUE constraint failed/,
    ],
    [
      'a waddle without its primary database in the directory',
      "INSERT INTO waddles (name, display_name, owner_id, d1_database_id) VALUES ('w2', 'W', 1, 'db-2')",
      /primary_database_id is required/,
    ],
    [
      'a waddle losing its primary database',
      'UPDATE waddles SET primary_database_id = NULL WHERE id = 1',
      /primary_database_id is required/,
    ],
    [
      'zero shards',
      "INSERT INTO waddles (name, display_name, owner_id, d1_database_id, primary_database_id, shard_count) VALUES ('w2', 'W', 1, 'db-2', 2, 0)",
      /CHECK constraint failed/,
    ],
    [
      'an unknown notification level',
      "INSERT INTO waddle_members (waddle_id, user_id, notification_level) VALUES (1, 2, 'loud')",
      /CHECK constraint failed/,
    ],
    ['a member of an unknown waddle', 'INSERT INTO waddle_members (waddle_id, user_id) VALUES (99, 2)', /FOREIGN KEY constraint failed/],
    ['invalid JSON in audit metadata', "INSERT INTO audit_log (action, metadata) VALUES ('x', '{')", /CHECK constraint failed/],
    [
      'a text size',
      "INSERT INTO size_samples (d1_database_id, sampled_at, size_bytes) VALUES ('db-1', 1, 'big')",
      /cannot store TEXT value in INTEGER column/,
    ],
    [
      'a negative monitored size',
      "INSERT INTO monitored_databases (d1_database_id, name, size_bytes) VALUES ('db-1', 'penguins', -1)",
      /CHECK constraint failed/,
    ],
    [
      'a monitored database of an unknown waddle',
      "INSERT INTO monitored_databases (d1_database_id, waddle_id, name) VALUES ('db-9', 99, 'ghost')",
      /FOREIGN KEY constraint failed/,
    ],
    [
      'negative days to full',
      "INSERT INTO monitored_databases (d1_database_id, name, days_to_full) VALUES ('db-1', 'penguins', -0.5)",
      /CHECK constraint failed/,
    ],
    [
      'an unknown alert level',
      "INSERT INTO size_alert_states (d1_database_id, level, reason, raised_at, size_bytes) VALUES ('db-1', 'panic', 'threshold', 1, 1)",
      /CHECK constraint failed/,
    ],
    [
      'an unknown alert reason',
      "INSERT INTO size_alert_states (d1_database_id, level, reason, raised_at, size_bytes) VALUES ('db-1', 'warning', 'hunch', 1, 1)",
      /CHECK constraint failed/,
    ],
    [
      'a second alert of one level for a database',
      "INSERT INTO size_alert_states (d1_database_id, level, reason, raised_at, size_bytes) VALUES ('db-1', 'warning', 'threshold', 1, 1), ('db-1', 'warning', 'projection', 2, 1)",
      /UNIQUE constraint failed/,
    ],
    [
      'an unknown cursor',
      "INSERT INTO monitor_cursors (name, after_database_id, updated_at) VALUES ('backfill', 0, 1)",
      /CHECK constraint failed/,
    ],
    [
      'a negative cursor',
      "INSERT INTO monitor_cursors (name, after_database_id, updated_at) VALUES ('optimize', -1, 1)",
      /CHECK constraint failed/,
    ],
    [
      'an unknown privacy job kind',
      "INSERT INTO privacy_jobs (user_id, kind, requested_by, created_at, updated_at) VALUES (1, 'delete', 'user', 1, 1)",
      /CHECK constraint failed/,
    ],
    [
      'a second running export of one user',
      "INSERT INTO privacy_jobs (user_id, kind, requested_by, created_at, updated_at) VALUES (1, 'export', 'user', 1, 1), (1, 'export', 'operator', 2, 2)",
      /UNIQUE constraint failed/,
    ],
    [
      'a job part cursor that is not a JSON array',
      "INSERT INTO privacy_job_parts (job_id, part, section, cursor, updated_at) VALUES (9, 0, 'profile', '{}', 1)",
      /CHECK constraint failed/,
    ],
    ['an empty export chunk', "INSERT INTO export_chunks (job_id, seq, body) VALUES (9, 1, '')", /CHECK constraint failed/],
    [
      'an expired archive of an export still running',
      "INSERT INTO privacy_jobs (user_id, kind, requested_by, created_at, updated_at, archive_deleted_at) VALUES (1, 'export', 'user', 1, 1, 5)",
      /CHECK constraint failed/,
    ],
    [
      'an expired archive of an erasure',
      "INSERT INTO privacy_jobs (user_id, kind, status, requested_by, created_at, updated_at, finished_at, archive_deleted_at) VALUES (1, 'erasure', 'done', 'user', 1, 1, 2, 5)",
      /CHECK constraint failed/,
    ],
    [
      'an archive deleted before its export finished',
      "INSERT INTO privacy_jobs (user_id, kind, status, requested_by, created_at, updated_at, finished_at, archive_deleted_at) VALUES (1, 'export', 'done', 'user', 1, 1, 9, 5)",
      /CHECK constraint failed/,
    ],
    [
      'a database of an unknown role',
      "INSERT INTO databases (role, d1_database_id, created_at, updated_at) VALUES ('archive', 'db-9', 1, 1)",
      /CHECK constraint failed/,
    ],
    [
      'a second directory row for one D1 database',
      "INSERT INTO databases (role, d1_database_id, created_at, updated_at) VALUES ('waddle', 'db-1', 1, 1)",
      /UNIQUE constraint failed/,
    ],
    [
      'a slice without a binding',
      "INSERT INTO databases (role, d1_database_id, slice, created_at, updated_at) VALUES ('waddle', 'db-9', 'slice-1', 1, 1)",
      /CHECK constraint failed/,
    ],
    [
      'a slice name Cloudflare would refuse',
      "INSERT INTO databases (role, d1_database_id, slice, binding, created_at, updated_at) VALUES ('waddle', 'db-9', 'Slice 1', 'DB_1', 1, 1)",
      /CHECK constraint failed/,
    ],
    [
      'a binding name that is not an upper-case identifier',
      "INSERT INTO databases (role, d1_database_id, binding, created_at, updated_at) VALUES ('waddle', 'db-9', 'db-1', 1, 1)",
      /CHECK constraint failed/,
    ],
    [
      'two databases on one binding of a slice',
      "INSERT INTO databases (role, d1_database_id, slice, binding, created_at, updated_at) VALUES ('waddle', 'db-8', 'slice-1', 'DB_1', 1, 1), ('waddle', 'db-9', 'slice-1', 'DB_1', 1, 1)",
      /UNIQUE constraint failed/,
    ],
    [
      'a size without the time it was measured',
      "INSERT INTO databases (role, d1_database_id, size_bytes, created_at, updated_at) VALUES ('waddle', 'db-9', 10, 1, 1)",
      /CHECK constraint failed/,
    ],
    [
      'a waddle whose primary database is not in the directory',
      "INSERT INTO waddles (name, display_name, owner_id, d1_database_id, primary_database_id) VALUES ('w2', 'W', 1, 'db-2', 99)",
      /FOREIGN KEY constraint failed/,
    ],
    [
      'two waddles on one directory row',
      "INSERT INTO waddles (name, display_name, owner_id, d1_database_id, primary_database_id) VALUES ('w2', 'W', 1, 'db-2', 1)",
      /UNIQUE constraint failed/,
    ],
  ])('rejects %s', async (_, statement, error) => {
    const before = await rowCounts();
    await expect(env.DB.prepare(statement).run()).rejects.toThrow(error);
    expect(await rowCounts()).toEqual(before);
  });

  it('keeps member_count equal to the members on every join and leave', async () => {
    await db
      .insertInto('waddle_members')
      .values([
        { waddle_id: 1, user_id: 1 },
        { waddle_id: 1, user_id: 2 },
      ])
      .execute();
    const count = async () =>
      (await db.selectFrom('waddles').select('member_count').where('id', '=', 1).executeTakeFirstOrThrow()).member_count;
    expect(await count()).toBe(2);
    await db.deleteFrom('waddle_members').where('user_id', '=', 2).execute();
    expect(await count()).toBe(1);
    await expect(db.insertInto('waddle_members').values({ waddle_id: 1, user_id: 1 }).execute()).rejects.toThrow(/UNIQUE/);
    expect(await count()).toBe(1);
  });

  it('remembers every waddle a user ever joined, after they leave, and joined ones from before the migration', async () => {
    await db
      .insertInto('waddles')
      .values({ id: 2, name: 'puffins', display_name: 'Puffins', owner_id: 1, d1_database_id: 'db-2', primary_database_id: 2 })
      .execute();
    await db
      .insertInto('waddle_members')
      .values([
        { waddle_id: 1, user_id: 2, joined_at: 100 },
        { waddle_id: 2, user_id: 2, joined_at: 200 },
      ])
      .execute();
    await db.deleteFrom('waddle_members').where('user_id', '=', 2).execute();
    await db.insertInto('waddle_members').values({ waddle_id: 1, user_id: 2, joined_at: 300 }).execute();
    expect(await db.selectFrom('user_waddles').selectAll().orderBy('waddle_id').execute()).toEqual([
      { user_id: 2, waddle_id: 1, first_joined_at: 100 },
      { user_id: 2, waddle_id: 2, first_joined_at: 200 },
    ]);

    // The backfill: memberships that existed before 0013 are remembered when it is applied.
    await reset();
    const before = centralMigrations.findIndex((m) => m.name === '0013_create_user_waddles');
    await new Migrator({ database: env.DB, migrations: centralMigrations.slice(0, before) }).migrateToLatest();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO users (id, username) VALUES (1, 'ada')"),
      env.DB.prepare("INSERT INTO waddles (id, name, display_name, owner_id, d1_database_id) VALUES (1, 'penguins', 'P', 1, 'db-1')"),
      env.DB.prepare('INSERT INTO waddle_members (waddle_id, user_id, joined_at) VALUES (1, 1, 50)'),
    ]);
    const { error } = await new Migrator({ database: env.DB, migrations: centralMigrations }).migrateToLatest();
    expect(error).toBeUndefined();
    expect((await env.DB.prepare('SELECT user_id, waddle_id, first_joined_at FROM user_waddles').all()).results).toEqual([
      { user_id: 1, waddle_id: 1, first_joined_at: 50 },
    ]);
  });

  it('forgets the monitored row of a deleted waddle', async () => {
    await db
      .insertInto('monitored_databases')
      .values([
        { d1_database_id: 'db-1', waddle_id: 1, name: 'penguins' },
        { d1_database_id: 'central', name: 'central' },
      ])
      .execute();
    await db.deleteFrom('waddles').where('id', '=', 1).execute();
    expect(await db.selectFrom('monitored_databases').select('d1_database_id').execute()).toEqual([{ d1_database_id: 'central' }]);
  });

  const patterns: [string, () => Compilable, string][] = [
    [
      "a user's waddles, newest first",
      () => db.selectFrom('waddle_members').select(['waddle_id', 'joined_at']).where('user_id', '=', 1).orderBy('joined_at', 'desc'),
      'waddle_members_by_user',
    ],
    [
      "a user's waddles after a cursor, ties by waddle id (GET /v1/waddles)",
      () =>
        db
          .selectFrom('waddle_members as m')
          .innerJoin('waddles as w', 'w.id', 'm.waddle_id')
          .select(['w.id', 'w.name', 'm.joined_at'])
          .where('m.user_id', '=', 1)
          .where((eb) => eb.or([eb('m.joined_at', '<', 5), eb.and([eb('m.joined_at', '=', 5), eb('m.waddle_id', '>', 2)])]))
          .orderBy('m.joined_at', 'desc')
          .orderBy('m.waddle_id')
          .limit(101),
      'waddle_members_by_user',
    ],
    [
      "a waddle's longest-standing member (owner hand-over at erasure)",
      () =>
        db
          .selectFrom('waddle_members')
          .select(['user_id'])
          .where('waddle_id', '=', 1)
          .where('user_id', '<>', 2)
          .orderBy('joined_at')
          .orderBy('user_id', 'desc')
          .limit(1),
      'waddle_members_by_waddle',
    ],
    [
      'members of a waddle, newest first',
      () => db.selectFrom('waddle_members').select(['user_id']).where('waddle_id', '=', 1).orderBy('joined_at', 'desc').limit(100),
      'waddle_members_by_waddle',
    ],
    [
      'the public directory by member count',
      () => db.selectFrom('waddles').selectAll().where('is_public', '=', 1).orderBy('member_count', 'desc').orderBy('id').limit(50),
      'waddles_public_by_members',
    ],
    ['waddles of an owner', () => db.selectFrom('waddles').select('id').where('owner_id', '=', 1), 'waddles_by_owner'],
    [
      'the audit log of a user, newest first',
      () => db.selectFrom('audit_log').selectAll().where('user_id', '=', 1).orderBy('id', 'desc').limit(50),
      'audit_log_by_user',
    ],
    [
      'the audit log of a resource, newest first',
      () =>
        db
          .selectFrom('audit_log')
          .selectAll()
          .where('resource_type', '=', 'waddle')
          .where('resource_id', '=', '1')
          .orderBy('id', 'desc')
          .limit(50),
      'audit_log_by_resource',
    ],
    [
      "a database's recent size samples",
      () =>
        db.selectFrom('size_samples').selectAll().where('d1_database_id', '=', 'db-1').where('sampled_at', '>', 0).orderBy('sampled_at'),
      'PRIMARY KEY',
    ],
    [
      'the monitored databases, fullest first',
      () => db.selectFrom('monitored_databases').selectAll().orderBy('size_bytes', 'desc').orderBy('d1_database_id'),
      'monitored_databases_by_size',
    ],
    [
      'the size-fit sums of a chunk of databases',
      () =>
        db
          .selectFrom('size_samples')
          .select(['d1_database_id', (eb) => eb.fn.countAll().as('n')])
          .where('d1_database_id', 'in', ['db-1', 'db-2'])
          .where('sampled_at', '>=', 0)
          .groupBy('d1_database_id'),
      'PRIMARY KEY',
    ],
    [
      'the raised alerts of a chunk of databases',
      () => db.selectFrom('size_alert_states').selectAll().where('d1_database_id', 'in', ['db-1', 'db-2']),
      'PRIMARY KEY',
    ],
    [
      'the next waddles after a cursor',
      () => db.selectFrom('waddles').select(['id', 'primary_database_id']).where('id', '>', 10).orderBy('id').limit(500),
      'INTEGER PRIMARY KEY',
    ],
    [
      'the newest size alerts in the audit log',
      () => db.selectFrom('audit_log').selectAll().where('action', '=', 'monitor.size_alert').orderBy('id', 'desc').limit(50),
      'audit_log_by_action',
    ],
    [
      'the waddles a user ever joined',
      () => db.selectFrom('user_waddles').select('waddle_id').where('user_id', '=', 1).orderBy('waddle_id'),
      'PRIMARY KEY',
    ],
    [
      'audit entries about a user after a cursor',
      () => ({
        compile: () =>
          sql`SELECT * FROM audit_log WHERE json_extract(metadata, '$.userId') = ${1} AND id > ${0} ORDER BY id LIMIT 500`.compile(db),
      }),
      'audit_log_by_subject',
    ],
    [
      'audit entries of a user after a cursor',
      () => db.selectFrom('audit_log').selectAll().where('user_id', '=', 1).where('id', '>', 0).orderBy('id').limit(500),
      'audit_log_by_user',
    ],
    [
      'the running job of a user',
      () => db.selectFrom('privacy_jobs').selectAll().where('user_id', '=', 1).where('kind', '=', 'export').where('status', '=', 'running'),
      'privacy_jobs_one_running',
    ],
    ['the parts of a job', () => db.selectFrom('privacy_job_parts').selectAll().where('job_id', '=', 1).orderBy('part'), 'PRIMARY KEY'],
    [
      "an archive's chunks in order",
      () => db.selectFrom('export_chunks').select(['seq', 'body']).where('job_id', '=', 1).where('seq', '>', 0).orderBy('seq').limit(20),
      'sqlite_autoindex_export_chunks',
    ],
    [
      'the oldest finished exports whose archive is kept, up to a cutoff',
      () =>
        db
          .selectFrom('privacy_jobs')
          .select('id')
          .where('kind', '=', 'export')
          .where('status', '=', 'done')
          .where('archive_deleted_at', 'is', null)
          .where('finished_at', '<=', 5)
          .orderBy('finished_at')
          .orderBy('id')
          .limit(40),
      'privacy_jobs_kept_archives',
    ],
    [
      'deleting the oldest chunks of an archive',
      () => ({
        compile: () =>
          sql`DELETE FROM export_chunks WHERE rowid IN (SELECT rowid FROM export_chunks WHERE job_id = ${1} ORDER BY seq LIMIT ${25})`.compile(
            db,
          ),
      }),
      'sqlite_autoindex_export_chunks',
    ],
    ['a user by username, any case', () => db.selectFrom('users').select('id').where('username', '=', 'ADA'), 'sqlite_autoindex_users'],
  ];

  it.each(patterns)('plans %s without a full scan or a temporary B-tree, through %s', async (_, query, index) => {
    const plan = await explainQueryPlan(env.DB, query().compile());
    expect(planProblems(plan)).toEqual([]);
    expect(plan.map((step) => step.detail).join('\n')).toContain(index);
  });
});
