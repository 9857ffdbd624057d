import { env, reset } from 'cloudflare:test';
import { Migrator } from '@waddle/migrator/migrator';
import type { Kysely } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '../src/generated/database.ts';
import { waddleMigrations } from '../src/migrations/index.ts';
import { freshWaddleDatabase } from './migrated-database.ts';

const BEFORE_OVERWRITES = waddleMigrations.findIndex((m) => m.name === '0023_create_channel_overwrites');

async function migrate(migrations: typeof waddleMigrations): Promise<void> {
  const { error } = await new Migrator({ database: env.DB, migrations }).migrateToLatest();
  if (error) throw error;
}

async function rows(sql: string): Promise<unknown[]> {
  return (await env.DB.prepare(sql).all()).results;
}

describe('channel_overwrites', () => {
  let db: Kysely<DB>;
  beforeEach(async () => {
    db = await freshWaddleDatabase();
    await db.insertInto('channels').values({ id: 1, name: 'general', created_by: 1 }).execute();
    await db.insertInto('roles').values({ id: 1, name: 'mods', permissions: 3, position: 1 }).execute();
  });

  it.each([
    ['allowing and denying the same bit', "(1, 'role', 0, 3, 1)", /CHECK constraint failed/],
    ['an unknown target kind', "(1, 'channel', 1, 1, 0)", /CHECK constraint failed/],
    ['member 0', "(1, 'member', 0, 1, 0)", /CHECK constraint failed/],
    ['negative bits', "(1, 'member', 5, -1, 0)", /CHECK constraint failed/],
    ['a role that does not exist', "(1, 'role', 9, 1, 0)", /no such role/],
    ['a channel that does not exist', "(9, 'member', 5, 1, 0)", /FOREIGN KEY constraint failed/],
    ['bits given as text', "(1, 'member', 5, 'all', 0)", /cannot store TEXT value in INTEGER column/],
  ])('refuses an overwrite with %s', async (_, values, error) => {
    await expect(
      env.DB.prepare(`INSERT INTO channel_overwrites (channel_id, target_kind, target_id, allow, deny) VALUES ${values}`).run(),
    ).rejects.toThrow(error);
    expect(await rows('SELECT * FROM channel_overwrites')).toEqual([]);
  });

  it('keeps one overwrite per channel and target; a deleted role or channel takes its overwrites', async () => {
    await env.DB.prepare(
      "INSERT INTO channel_overwrites (channel_id, target_kind, target_id, allow, deny) VALUES (1, 'role', 0, 0, 1), (1, 'role', 1, 1, 0), (1, 'member', 1, 2, 0)",
    ).run();
    await expect(
      env.DB.prepare("INSERT INTO channel_overwrites (channel_id, target_kind, target_id, allow, deny) VALUES (1, 'role', 1, 2, 0)").run(),
    ).rejects.toThrow(/UNIQUE constraint failed/);
    await db.deleteFrom('roles').where('id', '=', 1).execute();
    expect(await rows('SELECT target_kind, target_id FROM channel_overwrites ORDER BY target_kind, target_id')).toEqual([
      { target_kind: 'member', target_id: 1 },
      { target_kind: 'role', target_id: 0 },
    ]);
    await db.deleteFrom('channels').where('id', '=', 1).execute();
    expect(await rows('SELECT * FROM channel_overwrites')).toEqual([]);
  });
});

describe('0023 turns private channels into overwrites', () => {
  beforeEach(async () => {
    await reset();
    await migrate(waddleMigrations.slice(0, BEFORE_OVERWRITES));
  });

  /** Channel 1 public, 2 and 3 private; roles 1 (view + private), 2 (private), 3 (view), 4 (send); members 11 to 14. */
  async function seed(everyonePermissions: number): Promise<void> {
    await env.DB.batch([
      env.DB.prepare('UPDATE roles SET permissions = ? WHERE is_default = 1').bind(everyonePermissions),
      env.DB.prepare(
        "INSERT INTO channels (id, name, is_private, created_by) VALUES (1, 'open', 0, 1), (2, 'staff', 1, 1), (3, 'vault', 1, 1)",
      ),
      env.DB.prepare(
        "INSERT INTO roles (id, name, permissions, position) VALUES (1, 'viewers', 1025, 4), (2, 'insiders', 1024, 3), (3, 'readers', 1, 2), (4, 'talkers', 2, 1)",
      ),
      env.DB.prepare(
        'INSERT INTO member_roles (user_id, role_id, granted_by) VALUES (11, 1, 1), (12, 2, 1), (13, 2, 1), (13, 3, 1), (14, 4, 1)',
      ),
    ]);
  }

  const overwrites = () =>
    rows('SELECT channel_id, target_kind, target_id, allow, deny FROM channel_overwrites ORDER BY channel_id, target_kind, target_id');

  it('denies @everyone the view and allows it to the roles that held VIEW_PRIVATE_CHANNELS; bit 10 leaves every role', async () => {
    await seed(771);
    await migrate(waddleMigrations);
    const staff = [
      { target_kind: 'role', target_id: 0, allow: 0, deny: 1 },
      { target_kind: 'role', target_id: 1, allow: 1, deny: 0 },
      { target_kind: 'role', target_id: 2, allow: 1, deny: 0 },
    ];
    expect(await overwrites()).toEqual([
      ...staff.map((row) => ({ channel_id: 2, ...row })),
      ...staff.map((row) => ({ channel_id: 3, ...row })),
    ]);
    expect(await rows('SELECT id, permissions FROM roles ORDER BY id')).toEqual([
      { id: 0, permissions: 771 },
      { id: 1, permissions: 1 },
      { id: 2, permissions: 0 },
      { id: 3, permissions: 1 },
      { id: 4, permissions: 2 },
    ]);
    expect((await rows("SELECT name FROM pragma_table_info('channels')")).map((row) => (row as { name: string }).name)).not.toContain(
      'is_private',
    );
  });

  it('leaves a private channel ordinary when @everyone held VIEW_PRIVATE_CHANNELS: every member who could view saw it', async () => {
    await seed(771 | 1024);
    await migrate(waddleMigrations);
    expect(await overwrites()).toEqual([]);
    expect(await rows('SELECT permissions FROM roles WHERE id = 0')).toEqual([{ permissions: 771 }]);
  });

  it('without VIEW_CHANNELS on @everyone: allows the roles holding both bits, and a member holding them through two roles', async () => {
    await seed(0);
    await migrate(waddleMigrations);
    const staff = [
      { target_kind: 'member', target_id: 13, allow: 1, deny: 0 },
      { target_kind: 'role', target_id: 0, allow: 0, deny: 1 },
      { target_kind: 'role', target_id: 1, allow: 1, deny: 0 },
    ];
    expect(await overwrites()).toEqual([
      ...staff.map((row) => ({ channel_id: 2, ...row })),
      ...staff.map((row) => ({ channel_id: 3, ...row })),
    ]);
  });

  it('keeps the flag on the way down', async () => {
    await seed(771);
    await migrate(waddleMigrations);
    // Every migration after 0023 first, then 0023 itself.
    const migrator = new Migrator({ database: env.DB, migrations: waddleMigrations });
    const overwrites = waddleMigrations.findIndex((m) => m.name === '0023_create_channel_overwrites');
    for (let step = waddleMigrations.length - 1; step >= overwrites; step--) {
      const { error } = await migrator.migrateDown();
      if (error) throw error;
    }
    expect(await rows('SELECT id, is_private FROM channels ORDER BY id')).toEqual([
      { id: 1, is_private: 0 },
      { id: 2, is_private: 1 },
      { id: 3, is_private: 1 },
    ]);
    expect(await rows("SELECT name FROM sqlite_master WHERE name LIKE 'channel_overwrites%' OR name = 'roles_take_overwrites'")).toEqual(
      [],
    );
  });
});
