import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openNodeSqliteDatabase } from '@waddle/d1/node-sqlite';
import { Migrator } from '@waddle/migrator/migrator';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateReusedWaddle } from '../src/migrate-reused-waddle.ts';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe('a synthetic waddle reused from an earlier run', () => {
  it('gets the migrations added since it was built, once', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'bench-reused-'));
    directories.push(directory);
    const path = join(directory, 'waddle.sqlite');
    const older = openNodeSqliteDatabase(path);
    const built = await new Migrator({ database: older, migrations: waddleMigrations.slice(0, -1) }).migrateToLatest();
    expect(built.error).toBeUndefined();
    older.close();

    expect(await migrateReusedWaddle(path)).toEqual([waddleMigrations.at(-1)!.name]);
    expect(await migrateReusedWaddle(path)).toEqual([]);
    const migrated = openNodeSqliteDatabase(path);
    const applied = migrated.handle.prepare('SELECT name FROM schema_migrations ORDER BY name').all() as { name: string }[];
    migrated.close();
    expect(applied.map((row) => row.name)).toEqual(waddleMigrations.map((migration) => migration.name));
  });
});
