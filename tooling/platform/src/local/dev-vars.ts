import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalSecrets } from './local-secrets.ts';

/** How the Workers reach the local D1 REST API. */
export interface LocalD1ApiAccess {
  /** `CLOUDFLARE_API_BASE_URL`, e.g. `http://127.0.0.1:8789/client/v4`. */
  readonly baseUrl: string;
  readonly accountId: string;
  /** `SLICES_DISPATCH_URL`: where the local API plays the dispatch namespace, e.g. `http://127.0.0.1:8789/dispatch/waddle-slices`. */
  readonly dispatchUrl: string;
  /** `SLICES_NAMESPACE`: the dispatch namespace slices are uploaded into (`waddle-slices`). */
  readonly namespace: string;
}

/**
 * Writes `apps/api/.dev.vars` and `apps/monitor/.dev.vars` (gitignored; `wrangler dev` reads them
 * when it starts): both get `CLOUDFLARE_API_BASE_URL`, `CLOUDFLARE_ACCOUNT_ID` and
 * `CLOUDFLARE_API_TOKEN` for the local D1 REST API, and `SLICES_DISPATCH_URL` and
 * `SLICES_NAMESPACE` for its dispatch namespace (the slices: `httpSliceDispatcher(SLICES_DISPATCH_URL)`
 * is where production uses the namespace binding; uploads go to `SLICES_NAMESPACE` through the
 * same API); the api adds `AUTH_SECRET`, the monitor `MONITOR_TOKEN`. Returns the files written.
 */
export async function writeDevVars(repositoryRoot: string, access: LocalD1ApiAccess, secrets: LocalSecrets): Promise<string[]> {
  const cloudflare = {
    CLOUDFLARE_API_BASE_URL: access.baseUrl,
    CLOUDFLARE_ACCOUNT_ID: access.accountId,
    CLOUDFLARE_API_TOKEN: secrets.cloudflareApiToken,
    SLICES_DISPATCH_URL: access.dispatchUrl,
    SLICES_NAMESPACE: access.namespace,
  };
  const apps = {
    api: { ...cloudflare, AUTH_SECRET: secrets.authSecret },
    monitor: { ...cloudflare, MONITOR_TOKEN: secrets.monitorToken },
  };
  return Promise.all(
    Object.entries(apps).map(async ([app, vars]) => {
      const file = join(repositoryRoot, 'apps', app, '.dev.vars');
      const lines = Object.entries(vars).map(([name, value]) => `${name}=${value}`);
      await writeFile(file, `# written by waddle up; values are kept in .wrangler/local-secrets.json\n${lines.join('\n')}\n`, {
        mode: 0o600,
      });
      return file;
    }),
  );
}
