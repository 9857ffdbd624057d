import type { Clock } from '@waddle/clock/clock';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import { rebalanceSlices } from '@waddle/provisioning/rebalance-slices';
import { reuploadSlices } from '@waddle/provisioning/reupload-slices';
import { LOCAL_ACCOUNT_ID, LOCAL_DISPATCH_NAMESPACE, type LocalD1Api } from './local-d1-api.ts';
import { localSliceNamespace } from './local-slice-namespace.ts';

/**
 * Puts every database of the local directory into a slice of the local API's dispatch namespace,
 * which starts empty each time the API starts: uploads each slice the directory names again
 * with its databases (`reuploadSlices`), then moves the databases no slice reaches yet (the demo
 * seed's, anything created on the plain local target) into slices with room (`rebalanceSlices`).
 * What `waddle up` runs once the local API serves; answers the lines it logs.
 */
export async function serveLocalSlices(
  d1Api: Pick<LocalD1Api, 'baseUrl' | 'dispatchUrl'>,
  apiToken: string,
  target: DatabaseTarget,
  clock: Clock,
): Promise<string[]> {
  const slices = await localSliceNamespace({
    baseUrl: d1Api.baseUrl,
    dispatchUrl: d1Api.dispatchUrl,
    accountId: LOCAL_ACCOUNT_ID,
    apiToken,
    namespace: LOCAL_DISPATCH_NAMESPACE,
  });
  const opened = await target.open([target.centralDatabaseId]);
  try {
    const central = opened.get(target.centralDatabaseId);
    const restored = await reuploadSlices(central, slices, clock);
    const lines: string[] = [];
    const report = await rebalanceSlices(central, slices, {
      clock,
      onProgress: ({ slice, moved, done, total }) => lines.push(`moved ${moved.length} databases into ${slice} (${done}/${total})`),
    });
    for (const { d1DatabaseId, reason } of report.skipped) lines.push(`not in a slice: ${d1DatabaseId} (${reason})`);
    lines.push(`slices: ${restored.length} uploaded again, ${report.moved.length} databases moved in, ${report.skipped.length} left out`);
    return lines;
  } finally {
    await opened.dispose();
  }
}
