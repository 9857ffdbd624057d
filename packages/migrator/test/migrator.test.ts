import { env, reset } from 'cloudflare:test';
import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Migration } from '../src/migration.ts';
import { MigrationFailedError } from '../src/migration-failed-error.ts';
import { MigrationOrderError } from '../src/migration-order-error.ts';
import { Migrator } from '../src/migrator.ts';
import { checkSchemaHealth } from '../src/schema-health.ts';
import { UnknownMigrationError } from '../src/unknown-migration-error.ts';

const createAuthors: Migration = {
  name: '0001_create_authors',
  up: (db) => [
    db.schema
      .createTable('authors')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull()),
  ],
  down: (db) => [db.schema.dropTable('authors')],
};

const createPosts: Migration = {
  name: '0002_create_posts',
  up: (db) => [
    db.schema
      .createTable('posts')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('author_id', 'integer', (c) => c.notNull().references('authors.id')),
    db.schema.createIndex('posts_by_author').on('posts').column('author_id'),
  ],
  down: (db) => [db.schema.dropTable('posts')],
};

/** Three statements; the third refers to a table that does not exist. */
const brokenAddTags: Migration = {
  name: '0003_create_tags',
  up: (db) => [
    db.schema
      .createTable('tags')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('label', 'text'),
    db.schema.createIndex('tags_by_label').on('tags').column('label'),
    sql`INSERT INTO tag_typo (label) VALUES ('first')`,
  ],
  down: (db) => [db.schema.dropTable('tags')],
};

const fixedAddTags: Migration = {
  ...brokenAddTags,
  up: (db) => [...brokenAddTags.up(db).slice(0, 2), sql`INSERT INTO tags (label) VALUES ('first')`],
};

/** Everything in the schema except D1's own `_cf_*` tables, to compare databases exactly. */
async function schemaSnapshot(): Promise<unknown[]> {
  const { results } = await env.DB.prepare(
    "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE '_cf_%' ORDER BY type, name",
  ).all();
  return results;
}

async function recordedNames(): Promise<string[]> {
  const { results } = await env.DB.prepare('SELECT name FROM schema_migrations ORDER BY name').all<{ name: string }>();
  return results.map((r) => r.name);
}

beforeEach(async () => {
  await reset();
});

describe('Migrator', () => {
  it('applies pending migrations in order, each recorded, and applies nothing the second time', async () => {
    expect(await schemaSnapshot()).toEqual([]);
    const migrator = new Migrator({ database: env.DB, migrations: [createAuthors, createPosts], now: () => 1234 });

    const first = await migrator.migrateToLatest();
    expect(first.error).toBeUndefined();
    expect(first.results).toEqual([
      { migrationName: '0001_create_authors', direction: 'Up', status: 'Success' },
      { migrationName: '0002_create_posts', direction: 'Up', status: 'Success' },
    ]);
    const { results: applied } = await env.DB.prepare('SELECT name, applied_at FROM schema_migrations ORDER BY name').all();
    expect(applied).toEqual([
      { name: '0001_create_authors', applied_at: 1234 },
      { name: '0002_create_posts', applied_at: 1234 },
    ]);

    const second = await migrator.migrateToLatest();
    expect(second).toEqual({ results: [] });
    expect(await recordedNames()).toEqual(['0001_create_authors', '0002_create_posts']);
  });

  it('reports status: applied, pending and the version', async () => {
    await new Migrator({ database: env.DB, migrations: [createAuthors] }).migrateToLatest();
    const status = await new Migrator({ database: env.DB, migrations: [createAuthors, createPosts] }).getStatus();
    expect(status.applied.map((m) => m.name)).toEqual(['0001_create_authors']);
    expect(status.pending).toEqual(['0002_create_posts']);
    expect(status.unknown).toEqual([]);
    expect(status.version).toBe('0001_create_authors');
  });

  it('leaves the database exactly as it was when a migration fails at its third statement, then applies the fix', async () => {
    const migrations = [createAuthors, createPosts];
    await new Migrator({ database: env.DB, migrations }).migrateToLatest();
    const before = await schemaSnapshot();

    const failed = await new Migrator({ database: env.DB, migrations: [...migrations, brokenAddTags] }).migrateToLatest();
    expect(failed.results).toEqual([{ migrationName: '0003_create_tags', direction: 'Up', status: 'Error' }]);
    expect(failed.error).toBeInstanceOf(MigrationFailedError);
    expect((failed.error as MigrationFailedError).migrationName).toBe('0003_create_tags');
    expect(String((failed.error as Error).message)).toContain('tag_typo');
    expect(await schemaSnapshot()).toEqual(before);
    expect(await recordedNames()).toEqual(['0001_create_authors', '0002_create_posts']);

    const fixed = await new Migrator({ database: env.DB, migrations: [...migrations, fixedAddTags] }).migrateToLatest();
    expect(fixed).toEqual({ results: [{ migrationName: '0003_create_tags', direction: 'Up', status: 'Success' }] });
    expect(await env.DB.prepare('SELECT label FROM tags').all()).toMatchObject({ results: [{ label: 'first' }] });
  });

  it('leaves an empty database empty, bookkeeping table included, when the first migration fails', async () => {
    const failed = await new Migrator({ database: env.DB, migrations: [{ ...brokenAddTags, name: '0001_create_tags' }] }).migrateToLatest();
    expect(failed.results[0]?.status).toBe('Error');
    expect(await schemaSnapshot()).toEqual([]);
  });

  it('marks the migrations after a failed one as not executed', async () => {
    const later: Migration = { ...createPosts, name: '0004_create_posts' };
    const result = await new Migrator({ database: env.DB, migrations: [createAuthors, brokenAddTags, later] }).migrateToLatest();
    expect(result.results.map((r) => [r.migrationName, r.status])).toEqual([
      ['0001_create_authors', 'Success'],
      ['0003_create_tags', 'Error'],
      ['0004_create_posts', 'NotExecuted'],
    ]);
    expect(await recordedNames()).toEqual(['0001_create_authors']);
  });

  it('refuses a database that carries a migration this code does not know, naming it', async () => {
    await new Migrator({ database: env.DB, migrations: [createAuthors, createPosts] }).migrateToLatest();
    const before = await schemaSnapshot();

    const older = new Migrator({ database: env.DB, migrations: [createAuthors] });
    const up = await older.migrateToLatest();
    expect(up.results).toEqual([]);
    expect(up.error).toBeInstanceOf(UnknownMigrationError);
    expect((up.error as UnknownMigrationError).migrationNames).toEqual(['0002_create_posts']);
    expect((up.error as Error).message).toContain('0002_create_posts');

    const down = await older.migrateDown();
    expect(down.error).toBeInstanceOf(UnknownMigrationError);
    expect(await schemaSnapshot()).toEqual(before);
  });

  it('refuses to apply a migration inserted before one that is already applied', async () => {
    const third: Migration = { ...fixedAddTags };
    await new Migrator({ database: env.DB, migrations: [createAuthors, third] }).migrateToLatest();
    const result = await new Migrator({ database: env.DB, migrations: [createAuthors, createPosts, third] }).migrateToLatest();
    expect(result.error).toBeInstanceOf(MigrationOrderError);
    expect((result.error as MigrationOrderError).missingMigrationName).toBe('0002_create_posts');
    expect(await recordedNames()).toEqual(['0001_create_authors', '0003_create_tags']);
  });

  it('reverts the newest migration and can apply it again', async () => {
    const migrator = new Migrator({ database: env.DB, migrations: [createAuthors, createPosts] });
    await migrator.migrateToLatest();

    const down = await migrator.migrateDown();
    expect(down).toEqual({ results: [{ migrationName: '0002_create_posts', direction: 'Down', status: 'Success' }] });
    expect(await recordedNames()).toEqual(['0001_create_authors']);
    const tables = (await schemaSnapshot()).map((row) => (row as { name: string }).name);
    expect(tables).toContain('authors');
    expect(tables).not.toContain('posts');

    const again = await migrator.migrateToLatest();
    expect(again.results).toEqual([{ migrationName: '0002_create_posts', direction: 'Up', status: 'Success' }]);
  });

  it('applies each migration once when two runs race on the same database', async () => {
    const runs = await Promise.all([
      new Migrator({ database: env.DB, migrations: [createAuthors, createPosts] }).migrateToLatest(),
      new Migrator({ database: env.DB, migrations: [createAuthors, createPosts] }).migrateToLatest(),
    ]);
    const successes = runs.flatMap((r) => r.results.filter((x) => x.status === 'Success').map((x) => x.migrationName));
    expect(successes.sort()).toEqual(['0001_create_authors', '0002_create_posts']);
    expect(await recordedNames()).toEqual(['0001_create_authors', '0002_create_posts']);
  });

  it('rejects a malformed or unordered list of migrations at construction', () => {
    expect(() => new Migrator({ database: env.DB, migrations: [{ ...createAuthors, name: 'create_authors' }] })).toThrow(
      /NNNN_verb_object/,
    );
    expect(() => new Migrator({ database: env.DB, migrations: [createPosts, createAuthors] })).toThrow(/ascending/);
  });
});

describe('checkSchemaHealth', () => {
  it('tells current, behind and ahead apart', async () => {
    expect(await checkSchemaHealth(env.DB, [createAuthors])).toMatchObject({
      state: 'behind',
      version: null,
      latest: '0001_create_authors',
      pending: ['0001_create_authors'],
    });
    await new Migrator({ database: env.DB, migrations: [createAuthors, createPosts] }).migrateToLatest();
    expect(await checkSchemaHealth(env.DB, [createAuthors, createPosts])).toMatchObject({
      state: 'current',
      version: '0002_create_posts',
      pending: [],
    });
    expect(await checkSchemaHealth(env.DB, [createAuthors])).toMatchObject({ state: 'ahead', unknown: ['0002_create_posts'] });
  });
});
