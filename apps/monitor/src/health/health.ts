import { centralMigrations } from '@waddle/central-schema/migrations';
import { checkSchemaHealth } from '@waddle/migrator/schema-health';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';

/**
 * `GET /health`: the schema versions this Worker sees. 200 when the central database is at the
 * code's version or behind it (a deploy is migrating); 503 when it is ahead of the code, which
 * then must not write to it.
 */
export async function health(env: Env): Promise<Response> {
  const central = await checkSchemaHealth(env.CENTRAL_DB, centralMigrations);
  const body = {
    worker: 'waddle-monitor',
    status: central.state === 'ahead' ? 'database-newer-than-code' : central.state === 'behind' ? 'migration-pending' : 'ok',
    central: { version: central.version, latest: central.latest, pending: central.pending, unknown: central.unknown },
    waddle: { latest: waddleMigrations.at(-1)?.name ?? null },
  };
  return Response.json(body, { status: central.state === 'ahead' ? 503 : 200 });
}
