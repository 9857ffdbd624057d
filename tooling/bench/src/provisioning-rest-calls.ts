import { mkdirSync, rmSync } from 'node:fs';
import { centralMigrations } from '@waddle/central-schema/migrations';
import { systemClock } from '@waddle/clock/clock';
import { Migrator } from '@waddle/migrator/migrator';
import { LOCAL_DISPATCH_NAMESPACE } from '@waddle/platform/local-d1-api';
import { localSliceNamespace } from '@waddle/platform/local-slice-namespace';
import { localTarget } from '@waddle/platform/local-target';
import { createWaddle } from '@waddle/provisioning/create-waddle';
import { remoteTarget } from '@waddle/provisioning/remote-target';
import { startBenchLocalApi } from './local-slices.ts';

/** What provisioning `waddles` waddles into slices cost in REST calls. */
export interface ProvisioningRestCalls {
  readonly waddles: number;
  /** Slices they were placed in. */
  readonly slices: number;
  /** Control-plane REST calls (creating databases, uploading slices, …) per waddle. */
  readonly controlPlanePerWaddle: number;
  /** REST query or batch calls in all (the new databases are migrated through their slices: 0). */
  readonly queryCalls: number;
  /** Calls the rate limit refused (0). */
  readonly refused: number;
}

/**
 * Provisions `waddles` waddles with `createWaddle` into the binding slices of the local D1 API,
 * as a deployment does (`remoteTarget` with the dispatch namespace: the database created over
 * the REST API, its slice re-uploaded with it, the database migrated by the slice's migrate job,
 * the central batch registering it; the central database opened locally, not over REST, as a
 * Worker has it bound), one after the other, and counts the REST calls the local API answered.
 */
export async function measureProvisioningRestCalls(stateDirectory: string, waddles: number): Promise<ProvisioningRestCalls> {
  rmSync(stateDirectory, { recursive: true, force: true });
  mkdirSync(stateDirectory, { recursive: true });
  const local = localTarget(stateDirectory);
  const opened = await local.open([local.centralDatabaseId]);
  try {
    const central = opened.get(local.centralDatabaseId);
    const { error } = await new Migrator({ database: central, migrations: centralMigrations }).migrateToLatest();
    if (error) throw error;
    await central.prepare("INSERT INTO users (id, username) VALUES (1, 'bench')").run();
    const { api, cf } = await startBenchLocalApi(stateDirectory, []);
    try {
      const slices = await localSliceNamespace({ ...cf, dispatchUrl: api.dispatchUrl, namespace: LOCAL_DISPATCH_NAMESPACE });
      const target = remoteTarget(cf, local.centralDatabaseId, { slices });
      const before = api.restCalls();
      const placed = new Set<string | null>();
      for (let i = 0; i < waddles; i += 1) {
        const waddle = await createWaddle(
          central,
          target,
          { name: `provisioned-${i}`, displayName: `Provisioned ${i}`, ownerId: 1 },
          { clock: systemClock },
        );
        placed.add(waddle.slice);
      }
      const after = api.restCalls();
      return {
        waddles,
        slices: placed.size,
        controlPlanePerWaddle: (after.controlPlane - before.controlPlane) / waddles,
        queryCalls: after.query - before.query,
        refused: after.refused - before.refused,
      };
    } finally {
      await api.close();
    }
  } finally {
    await opened.dispose();
  }
}
