import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDevVars } from '../src/local/dev-vars.ts';
import { ensureLocalSecrets, localSecretsFile, readLocalSecrets } from '../src/local/local-secrets.ts';
import { temporaryStateDirectory } from './registry-fixture.ts';

/** An empty repository layout: the two apps' directories. */
function repository(): string {
  const root = temporaryStateDirectory();
  for (const app of ['api', 'monitor']) mkdirSync(join(root, 'apps', app), { recursive: true });
  return root;
}

/** A `.dev.vars` file as name → value. */
function devVars(file: string): Record<string, string> {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith('#'));
  return Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

describe('local secrets and .dev.vars', () => {
  it('generates the secrets once, keeps them owner-only across runs, and reads them back', async () => {
    const root = repository();
    expect(await readLocalSecrets(root)).toBeUndefined();
    const first = await ensureLocalSecrets(root);
    expect(first.authSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(first.cloudflareApiToken.length).toBeGreaterThanOrEqual(32);
    expect(first.monitorToken.length).toBeGreaterThanOrEqual(32);
    expect(new Set(Object.values(first)).size).toBe(3);
    expect(statSync(localSecretsFile(root)).mode & 0o777).toBe(0o600);
    expect(await ensureLocalSecrets(root)).toEqual(first);
    expect(await readLocalSecrets(root)).toEqual(first);

    // A secret missing from the file is generated; the others are kept.
    const { monitorToken: _, ...partial } = first;
    writeFileSync(localSecretsFile(root), JSON.stringify(partial));
    expect(await readLocalSecrets(root)).toBeUndefined();
    const refilled = await ensureLocalSecrets(root);
    expect(refilled).toMatchObject(partial);
    expect(refilled.monitorToken).not.toBe(first.monitorToken);
  });

  it("writes each Worker's .dev.vars: the local D1 API and its slices for both, AUTH_SECRET for the api, MONITOR_TOKEN for the monitor", async () => {
    const root = repository();
    const secrets = await ensureLocalSecrets(root);
    const files = await writeDevVars(
      root,
      {
        baseUrl: 'http://127.0.0.1:8789/client/v4',
        accountId: 'waddle-local',
        dispatchUrl: 'http://127.0.0.1:8789/dispatch/waddle-slices',
        namespace: 'waddle-slices',
      },
      secrets,
    );
    expect(files).toEqual([join(root, 'apps', 'api', '.dev.vars'), join(root, 'apps', 'monitor', '.dev.vars')]);
    const cloudflare = {
      CLOUDFLARE_API_BASE_URL: 'http://127.0.0.1:8789/client/v4',
      CLOUDFLARE_ACCOUNT_ID: 'waddle-local',
      CLOUDFLARE_API_TOKEN: secrets.cloudflareApiToken,
      SLICES_DISPATCH_URL: 'http://127.0.0.1:8789/dispatch/waddle-slices',
      SLICES_NAMESPACE: 'waddle-slices',
    };
    expect(devVars(files[0]!)).toEqual({ ...cloudflare, AUTH_SECRET: secrets.authSecret });
    expect(devVars(files[1]!)).toEqual({ ...cloudflare, MONITOR_TOKEN: secrets.monitorToken });
  });
});
