import { centralMigrations } from '@waddle/central-schema/migrations';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { checkSchemaHealth } from '@waddle/migrator/schema-health';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';

/**
 * The answer of a Worker's `GET /health`: the schema versions it sees. 200 when the central
 * database is at the code's version or behind it (a deploy is migrating); 503 when it is ahead
 * of the code, which then must not write to it.
 *
 * ```sql
 * SELECT name, applied_at AS appliedAt FROM schema_migrations ORDER BY name;
 * ```
 *
 * @example
 * ```ts
 * if (pathname === '/health') return healthResponse('waddle-api', env.CENTRAL_DB);
 * ```
 */
export async function healthResponse(worker: string, central: D1DatabaseLike): Promise<Response> {
  const health = await checkSchemaHealth(central, centralMigrations);
  const body = {
    worker,
    status: health.state === 'ahead' ? 'database-newer-than-code' : health.state === 'behind' ? 'migration-pending' : 'ok',
    central: { version: health.version, latest: health.latest, pending: health.pending, unknown: health.unknown },
    waddle: { latest: waddleMigrations.at(-1)?.name ?? null },
  };
  return Response.json(body, { status: health.state === 'ahead' ? 503 : 200 });
}
