import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyAccessToken } from '@waddle/auth-token/access-token';
import { describe, expect, it } from 'vitest';
import { localAuthSecret } from '../src/commands/token.ts';

describe('the local token', () => {
  it('reads AUTH_SECRET from a .dev.vars file, quoted or not', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'waddle-token-'));
    const file = join(directory, '.dev.vars');
    await writeFile(file, 'CLOUDFLARE_ACCOUNT_ID="local"\nAUTH_SECRET="0123456789abcdef0123456789abcdef"\n');
    expect(await localAuthSecret(file)).toBe('0123456789abcdef0123456789abcdef');
    await writeFile(file, 'AUTH_SECRET=fedcba9876543210fedcba9876543210\n');
    expect(await localAuthSecret(file)).toBe('fedcba9876543210fedcba9876543210');
  });

  it('names the fix when the file or the line is missing', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'waddle-token-'));
    await expect(localAuthSecret(join(directory, '.dev.vars'))).rejects.toThrow(/run `npm start` once/);
    await writeFile(join(directory, '.dev.vars'), 'OTHER=1\n');
    await expect(localAuthSecret(join(directory, '.dev.vars'))).rejects.toThrow(/no AUTH_SECRET line/);
  });

  it('mints a token the API accepts for the user', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'waddle-token-'));
    const secret = '0123456789abcdef0123456789abcdef';
    await writeFile(join(directory, '.dev.vars'), `AUTH_SECRET=${secret}\n`);
    const { execFileSync } = await import('node:child_process');
    const token = execFileSync(process.execPath, ['--disable-warning=ExperimentalWarning', join(import.meta.dirname, '../src/cli.ts'), 'token', '42'], {
      env: { ...process.env, WADDLE_API_DEV_VARS: join(directory, '.dev.vars') },
      encoding: 'utf8',
    }).trim();
    expect(await verifyAccessToken(secret, token)).toMatchObject({ userId: 42 });
  });
});
