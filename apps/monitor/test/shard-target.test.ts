import { describe, expect, it } from 'vitest';
import { monitorDependencies } from '../src/monitor-dependencies.ts';

/** The account settings the shard pass needs to create databases, as `wrangler.jsonc` and `.dev.vars` give them. */
const ACCOUNT = {
  CLOUDFLARE_API_BASE_URL: 'http://127.0.0.1:8789/client/v4',
  CLOUDFLARE_ACCOUNT_ID: 'acc-monitor',
  CLOUDFLARE_API_TOKEN: 'monitor-token',
};

describe("the shard pass's target", () => {
  it('places new shards where the api places new waddles: its dispatch namespace, capacity and way to the slices', () => {
    const { shardTarget } = monitorDependencies({
      ...ACCOUNT,
      SLICES_DISPATCH_URL: 'http://127.0.0.1:8789/dispatch/waddle-slices',
      SLICES_NAMESPACE: 'colony-slices',
      SLICE_CAPACITY: '3',
    });
    expect(shardTarget?.slices).toMatchObject({ namespace: 'colony-slices', capacity: 3, api: { accountId: 'acc-monitor' } });
    expect(shardTarget?.slices?.script.length).toBeGreaterThan(0);
    expect(shardTarget?.sliceDispatcher).toBe(shardTarget?.slices?.dispatcher);
    // The default namespace and capacity are the api's.
    expect(
      monitorDependencies({ ...ACCOUNT, SLICES_DISPATCH_URL: 'http://127.0.0.1:8789/dispatch/waddle-slices' }).shardTarget?.slices,
    ).toMatchObject({
      namespace: 'waddle-slices',
      capacity: 250,
    });
  });

  it('without a way to the slices it creates shards with no slice, and without the account none at all', () => {
    expect(monitorDependencies(ACCOUNT).shardTarget).toMatchObject({ name: 'remote' });
    expect(monitorDependencies(ACCOUNT).shardTarget?.slices).toBeUndefined();
    expect(monitorDependencies({ SLICES_DISPATCH_URL: 'http://127.0.0.1:8789/dispatch/waddle-slices' }).shardTarget).toBeUndefined();
  });

  it('refuses a slice capacity out of range, naming the variable', () => {
    expect(() => monitorDependencies({ ...ACCOUNT, SLICES_DISPATCH_URL: 'http://x/dispatch/s', SLICE_CAPACITY: '251' })).toThrow(
      'SLICE_CAPACITY',
    );
  });
});
