import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_ACCOUNT_ID, startLocalD1Api } from '@waddle/platform/local-d1-api';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The base URL of a local D1 REST API (Cloudflare's format, real local D1) the tests' Worker may provision through. */
    d1ApiBaseUrl: string;
    d1ApiAccountId: string;
    d1ApiToken: string;
    /** Where that API plays the dispatch namespace of the binding slices (`SLICES_DISPATCH_URL`). */
    d1ApiDispatchUrl: string;
  }
}

/**
 * Serves a D1 REST API for the test run (the local one `npm start` serves, over its own state
 * directory), so `POST /v1/waddles` provisions databases the way a deployment does.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stateDirectory = mkdtempSync(join(tmpdir(), 'waddle-api-d1-'));
  const apiToken = 'test-d1-api-token';
  const api = await startLocalD1Api({ stateDirectory, accountId: LOCAL_ACCOUNT_ID, apiToken, databaseIds: [] });
  project.provide('d1ApiBaseUrl', api.baseUrl);
  project.provide('d1ApiAccountId', LOCAL_ACCOUNT_ID);
  project.provide('d1ApiToken', apiToken);
  project.provide('d1ApiDispatchUrl', api.dispatchUrl);
  return async () => {
    await api.close();
    rmSync(stateDirectory, { recursive: true, force: true });
  };
}
