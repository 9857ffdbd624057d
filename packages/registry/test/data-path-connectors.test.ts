import { env } from 'cloudflare:test';
import { SliceUnavailableError } from '@waddle/slice-worker/slice-errors';
import { describe, expect, it } from 'vitest';
import { dataPathConnectors } from '../src/data-path-connectors.ts';
import { reachDatabase } from '../src/reach-database.ts';

/** Nothing listens on port 9 (discard) of this machine: a slice dispatched there cannot be reached. */
const NOWHERE = 'http://127.0.0.1:9/dispatch/waddle-slices';
const REST = { CLOUDFLARE_ACCOUNT_ID: 'account', CLOUDFLARE_API_TOKEN: 'token', CLOUDFLARE_API_BASE_URL: 'http://127.0.0.1:9/client/v4' };

describe('the data path connectors', () => {
  it('take the static binding first when the deploy has it', async () => {
    const connectors = dataPathConnectors({ DB: env.DB, SLICES_DISPATCH_URL: NOWHERE, ...REST });
    const database = reachDatabase(connectors, { d1DatabaseId: 'db-1', d1Binding: 'DB', slice: null });
    expect(database).toBe(env.DB);
    expect(await database!.prepare('SELECT 7 AS seven').first()).toEqual({ seven: 7 });
  });

  it('reach a database in a slice through the slice, never over REST: an unreachable slice fails its statements', async () => {
    const connectors = dataPathConnectors({ SLICES_DISPATCH_URL: NOWHERE, ...REST });
    const database = reachDatabase(connectors, { d1DatabaseId: 'db-1', d1Binding: null, slice: 'slice-0001' });
    expect(database).toBeDefined();
    await expect(database!.prepare('SELECT 1').all()).rejects.toBeInstanceOf(SliceUnavailableError);
  });

  it('leave a database in a slice unreachable where no dispatcher is configured, REST or not', () => {
    expect(reachDatabase(dataPathConnectors(REST), { d1DatabaseId: 'db-1', d1Binding: null, slice: 'slice-0001' })).toBeUndefined();
    expect(reachDatabase(dataPathConnectors({}), { d1DatabaseId: 'db-1', d1Binding: null, slice: 'slice-0001' })).toBeUndefined();
  });

  it('send a database no slice reaches over REST only as the last way', async () => {
    const location = { d1DatabaseId: 'db-1', d1Binding: 'NOT_BOUND_HERE', slice: null };
    const rest = reachDatabase(dataPathConnectors({ SLICES_DISPATCH_URL: NOWHERE, ...REST }), location);
    // Sent to the REST API's address (nobody listens there), not to a slice.
    const failure = await rest!
      .prepare('SELECT 1')
      .all()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(SliceUnavailableError);
    expect(reachDatabase(dataPathConnectors({ SLICES_DISPATCH_URL: NOWHERE }), location)).toBeUndefined();
  });
});
