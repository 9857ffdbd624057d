import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyAccessToken } from '@waddle/auth-token/access-token';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tokenCommand } from '../src/commands/token.ts';
import { ensureLocalSecrets } from '../src/local/local-secrets.ts';

afterEach(() => vi.restoreAllMocks());

describe('waddle token', () => {
  it('prints a token the API accepts, signed with the local AUTH_SECRET', async () => {
    const root = await mkdtemp(join(tmpdir(), 'waddle-token-'));
    const { authSecret } = await ensureLocalSecrets(root);
    const printed = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await tokenCommand(['42', '--expires-in', '60'], root)).toBe(0);
    const claims = await verifyAccessToken(authSecret, printed.mock.calls[0]![0] as string, Date.now());
    expect(claims.userId).toBe(42);
    expect(claims.expiresAt - Date.now() / 1000).toBeLessThanOrEqual(60);
  });

  it('names the fix before the first `npm start`, and refuses a bad user id', async () => {
    const root = await mkdtemp(join(tmpdir(), 'waddle-token-'));
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await tokenCommand(['1'], root)).toBe(1);
    expect(errors.mock.calls[0]![0]).toMatch(/run `npm start` once/);
    expect(await tokenCommand(['ada'], root)).toBe(2);
  });
});
