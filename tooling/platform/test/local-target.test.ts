import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { localDatabaseFile } from '../src/local/local-database-file.ts';
import { openLocalDatabases } from '../src/local/local-databases.ts';
import { localTarget } from '../src/targets/local-target.ts';
import { temporaryStateDirectory } from './registry-fixture.ts';

/** Which of a local database's files exist. */
const filesOf = (stateDirectory: string, databaseId: string) =>
  ['', '-wal', '-shm'].map((suffix) => `${localDatabaseFile(stateDirectory, databaseId)}${suffix}`).filter((file) => existsSync(file));

describe('the local target', () => {
  it("finds a database's files where Miniflare keeps them", async () => {
    const stateDirectory = temporaryStateDirectory();
    const local = await openLocalDatabases(['probe'], stateDirectory);
    await local.get('probe').prepare('CREATE TABLE t (x)').run();
    await local.dispose();
    expect(filesOf(stateDirectory, 'probe')).toContain(localDatabaseFile(stateDirectory, 'probe'));
  });

  it('creates a new database on every call, even for the same name, and deletes one with all its files', async () => {
    const stateDirectory = temporaryStateDirectory();
    const target = localTarget(stateDirectory);
    const ids = await Promise.all([
      target.createDatabase('waddle-ice'),
      target.createDatabase('waddle-ice'),
      target.createDatabase('waddle-ice'),
    ]);
    expect(ids.toSorted()).toEqual(['local-waddle-ice', 'local-waddle-ice.2', 'local-waddle-ice.3']);

    const [kept, deleted] = ids as [string, string, string];
    const opened = await target.open([kept, deleted]);
    await opened.get(kept).prepare('CREATE TABLE kept (x)').run();
    await opened.get(deleted).prepare('CREATE TABLE doomed (x)').run();
    await opened.dispose();
    expect(filesOf(stateDirectory, deleted)).toHaveLength(3);

    await target.deleteDatabase(deleted);
    expect(filesOf(stateDirectory, deleted)).toEqual([]);
    await expect(target.deleteDatabase(deleted)).rejects.toThrow(`local database ${deleted} does not exist`);

    const reopened = await target.open([kept, deleted]);
    try {
      const tables = (id: string) =>
        reopened.get(id).prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'").all();
      expect((await tables(kept)).results).toEqual([{ name: 'kept' }]);
      expect((await tables(deleted)).results).toEqual([]);
    } finally {
      await reopened.dispose();
    }
  });
});
