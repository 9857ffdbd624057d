import { join } from 'node:path';
import type { FanOutReport } from '@waddle/provisioning/fan-out-report';
import type { FanOutSettings } from '@waddle/provisioning/fan-out-settings';
import { bundleWorker } from './bundle-worker.ts';
import { LOCAL_CENTRAL_DATABASE_ID } from './local-state-directory.ts';
import { bindingNames, d1DatabasesOption, startLocalMiniflare } from './local-miniflare.ts';
import { registeredDatabases } from './registered-databases.ts';

let script: Promise<string> | undefined;

/**
 * The local fan-out, run inside workerd: a Worker bound to the central database and to every
 * database of the directory of databases runs `migrateAll` next to them and streams its progress back.
 * Every statement then costs a call inside the runtime instead of a round trip from Node through
 * Miniflare's proxy (which cost about 14 ms a statement at 1,000 databases). Given the local
 * platform's dispatch namespace (`sliceDispatchUrl`, what `waddle up` serves), the databases the
 * directory places in slices are not bound (the local API's workerd has their files open) but
 * migrated by their slices' migrate jobs.
 */
export async function migrateAllInWorkerd(
  stateDirectory: string,
  options: Omit<FanOutSettings, 'centralMigrations' | 'waddleMigrations'>,
  sliceDispatchUrl?: string,
): Promise<FanOutReport> {
  const rows = await registeredDatabases(stateDirectory);
  const bound = sliceDispatchUrl ? rows.filter((row) => row.slice === null) : rows;
  const ids = [LOCAL_CENTRAL_DATABASE_ID, ...bound.map((row) => row.d1_database_id)];
  const bindingOf = bindingNames(ids);
  script ??= bundleWorker(join(import.meta.dirname, 'fan-out-worker.ts'));
  const miniflare = await startLocalMiniflare(d1DatabasesOption(bindingOf), stateDirectory, await script);
  try {
    const response = await miniflare.dispatchFetch('http://fan-out/', {
      method: 'POST',
      body: JSON.stringify({
        bindingOf,
        centralDatabaseId: LOCAL_CENTRAL_DATABASE_ID,
        concurrency: options.concurrency ?? 8,
        dryRun: options.dryRun ?? false,
        ...(sliceDispatchUrl ? { sliceDispatchUrl } : {}),
      }),
    });
    let report: FanOutReport | undefined;
    let buffered = '';
    const decoder = new TextDecoder();
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines.filter(Boolean)) {
        const message = JSON.parse(line) as {
          progress?: Parameters<NonNullable<FanOutSettings['onProgress']>>[0];
          waiting?: string;
          report?: FanOutReport;
          error?: string;
        };
        if (message.progress) options.onProgress?.(message.progress);
        if (message.waiting) options.onWaiting?.(message.waiting);
        if (message.report) report = message.report;
        if (message.error) throw new Error(message.error);
      }
    }
    if (!report) throw new Error('the fan-out Worker ended without a report');
    return report;
  } finally {
    await miniflare.dispose();
  }
}
