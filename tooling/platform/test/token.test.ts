import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, verifyAccessToken } from '@waddle/auth-token/access-token';
import { tokenKeysFromSettings } from '@waddle/auth-token/token-keys';
import { centralMigrations } from '@waddle/central-schema/migrations';
import { Migrator } from '@waddle/migrator/migrator';
import { describe, expect, it } from 'vitest';
import type { CommandIo } from '../src/commands/command-io.ts';
import { tokenCommand } from '../src/commands/token.ts';
import { ensureLocalSecrets } from '../src/local/local-secrets.ts';
import { localTarget } from '../src/targets/local-target.ts';
import { temporaryStateDirectory } from './registry-fixture.ts';

function capture(): CommandIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (line) => lines.push(line), err: (line) => errors.push(line), progress: () => {}, isTerminal: false };
}

describe('waddle token', () => {
  it('prints a token the API accepts for a user of the local central database, and refuses an unknown or erased user', async () => {
    const repositoryRoot = await mkdtemp(join(tmpdir(), 'waddle-token-'));
    const { authSecret } = await ensureLocalSecrets(repositoryRoot);
    const stateDirectory = temporaryStateDirectory();
    const target = localTarget(stateDirectory);
    // The central database stays open in workerd while the command reads it, as under `npm start`.
    const opened = await target.open([target.centralDatabaseId]);
    try {
      const central = opened.get(target.centralDatabaseId);
      expect((await new Migrator({ database: central, migrations: centralMigrations }).migrateToLatest()).error).toBeUndefined();
      await central
        .prepare("INSERT INTO users (id, username, deleted_at) VALUES (42, 'walrus', NULL), (43, 'erased-43', ?)")
        .bind(Date.now())
        .run();

      const granted = capture();
      expect(await tokenCommand(['42', '--expires-in', '60'], granted, { repositoryRoot, stateDirectory })).toBe(0);
      expect(granted.errors).toEqual([]);
      // Verified as the local API does: its .dev.vars gives it AUTH_SECRET alone.
      const claims = await verifyAccessToken(tokenKeysFromSettings({ AUTH_SECRET: authSecret }), granted.lines[0]!, Date.now());
      expect(claims.userId).toBe(42);
      expect(claims.expiresAt - Date.now() / 1000).toBeLessThanOrEqual(60);

      for (const [user, message] of [
        ['99', 'waddle token: there is no user 99 in the local central database'],
        ['43', 'waddle token: user 43 is erased'],
      ]) {
        const refused = capture();
        expect(await tokenCommand([user!], refused, { repositoryRoot, stateDirectory })).toBe(1);
        expect(refused).toMatchObject({ lines: [], errors: [message] });
      }
    } finally {
      await opened.dispose();
    }
  });

  it('names the fix before the first `npm start`, and refuses a bad user id or lifetime as a usage error', async () => {
    const repositoryRoot = await mkdtemp(join(tmpdir(), 'waddle-token-'));
    const stateDirectory = temporaryStateDirectory();
    const before = capture();
    expect(await tokenCommand(['1'], before, { repositoryRoot, stateDirectory })).toBe(1);
    expect(before.errors).toEqual(['waddle token: there are no local secrets yet: run `npm start` once, it generates them']);
    await ensureLocalSecrets(repositoryRoot);
    const noDatabase = capture();
    expect(await tokenCommand(['1'], noDatabase, { repositoryRoot, stateDirectory })).toBe(1);
    expect(noDatabase.errors).toEqual(['waddle token: there is no local central database yet: run `npm start` once, it creates it']);

    const tooLong = String(DEFAULT_MAX_TOKEN_LIFETIME_SECONDS + 1);
    for (const args of [['ada'], ['1', '--expires-in', '0'], ['1', '2'], ['1', '--expires-in', tooLong]]) {
      const refused = capture();
      expect(await tokenCommand(args, refused, { repositoryRoot, stateDirectory })).toBe(2);
      expect(refused.lines).toEqual([]);
      expect(refused.errors.at(-1)).toMatch(/^usage: waddle token <user-id> \[options\]/);
    }
    const capped = capture();
    await tokenCommand(['1', '--expires-in', tooLong], capped, { repositoryRoot, stateDirectory });
    expect(capped.errors.join('\n')).toContain(`--expires-in must be at most ${DEFAULT_MAX_TOKEN_LIFETIME_SECONDS} seconds`);
  });
});
