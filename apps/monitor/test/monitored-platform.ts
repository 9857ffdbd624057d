import { reset } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { testClock } from '@waddle/clock/test-clock';
import { centralMigrations } from '@waddle/central-schema/migrations';
import { Migrator } from '@waddle/migrator/migrator';
import { bindingConnector, type DatabaseConnector } from '@waddle/registry/database-connectors';
import { registerDatabaseQuery } from '@waddle/registry/register-database';
import { runBatch } from '@waddle/d1/run-batch';
import { type CentralDatabase, openCentralDatabase } from '../src/central/central-database.ts';
import { type MonitorConfig, monitorConfig } from '../src/config/monitor-config.ts';
import type { MonitorDependencies } from '../src/monitor-dependencies.ts';

/**
 * Empties every bound database and migrates the central one, with an owner for waddles. Each
 * waddle database is touched once first: local D1 adds its own bookkeeping to a database on its
 * first query (4,096 bytes become 8,192), which would otherwise land between two measurements.
 */
export async function freshPlatform(): Promise<CentralDatabase> {
  await reset();
  for (const database of [env.WADDLE_PENGUINS, env.WADDLE_PUFFINS, env.WADDLE_KRILL]) await database.prepare('SELECT 1').all();
  const { error } = await new Migrator({ database: env.CENTRAL_DB, migrations: centralMigrations }).migrateToLatest();
  if (error) throw error;
  const central = openCentralDatabase(env.CENTRAL_DB);
  await central.db.insertInto('users').values({ id: 1, username: 'owner' }).execute();
  return central;
}

/**
 * Registers a waddle as provisioning does: its database's row in the directory (reached through
 * this Worker's binding `d1Binding`), then the waddle pointing at it.
 */
export async function registerWaddle(
  central: CentralDatabase,
  name: string,
  d1DatabaseId: string,
  d1Binding: string | null,
): Promise<number> {
  await registerDatabase(central, d1DatabaseId, d1Binding);
  const row = await central.db
    .insertInto('waddles')
    .values(({ selectFrom }) => ({
      name,
      display_name: name,
      owner_id: 1,
      d1_database_id: d1DatabaseId,
      primary_database_id: selectFrom('databases').select('id').where('d1_database_id', '=', d1DatabaseId),
    }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Enters a waddle database in the directory alone, with no waddle pointing at it. */
export async function registerDatabase(central: CentralDatabase, d1DatabaseId: string, d1Binding: string | null): Promise<void> {
  await runBatch(central, [
    registerDatabaseQuery({ role: 'waddle', d1DatabaseId, binding: d1Binding, schemaVersion: null }, testClock().now()),
  ]);
}

/** The Worker's configuration (wrangler.jsonc `vars`) with some settings replaced. */
export function configWith(overrides: Partial<MonitorConfig>): MonitorConfig {
  return { ...monitorConfig(env), ...overrides };
}

/** A webhook request the monitor sent. */
export interface SentRequest {
  readonly url: string;
  readonly method: string;
  readonly contentType: string | null;
  readonly body: unknown;
}

/**
 * Dependencies for a tick: the Worker's binding connector (plus `extra`), a clock the test moves
 * (starting at the real now, so samples it stamps fall in the windows the Worker's own routes compute),
 * or at `pinnedAt` for a test that needs a calendar date and hands these dependencies to all it runs,
 * and a `fetch` that records what it is sent and answers with `status`.
 */
export function testDependencies(
  options: { readonly extra?: readonly DatabaseConnector[]; readonly status?: () => number; readonly pinnedAt?: number } = {},
) {
  const sent: SentRequest[] = [];
  const clock = testClock({ pinnedAt: options.pinnedAt });
  const dependencies: MonitorDependencies = {
    connectors: [bindingConnector(env as unknown as Record<string, unknown>), ...(options.extra ?? [])],
    now: clock.now,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      sent.push({ url: request.url, method: request.method, contentType: request.headers.get('content-type'), body: await request.json() });
      return new Response(null, { status: options.status?.() ?? 200 });
    },
  };
  return { dependencies, sent, clock };
}

const UNWRAP = Symbol('unwrap');

/**
 * A database that tallies the statements sent through it, written apart from the monitor's own
 * counter so a test can check the count a tick reports.
 */
export function tallied(database: D1Database, tally: { statements: number }): D1Database {
  const statement = (inner: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(inner, {
      get(target, property) {
        if (property === UNWRAP) return target;
        if (property === 'bind') return (...values: unknown[]) => statement(target.bind(...values));
        if (property === 'all' || property === 'run' || property === 'first' || property === 'raw') {
          return (...args: unknown[]) => {
            tally.statements += 1;
            return (target[property] as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return Reflect.get(target, property, target);
      },
    });
  return new Proxy(database, {
    get(target, property) {
      if (property === 'prepare') return (query: string) => statement(target.prepare(query));
      if (property === 'batch') {
        return (statements: D1PreparedStatement[]) => {
          tally.statements += statements.length;
          return target.batch(statements.map((s) => (s as D1PreparedStatement & { [UNWRAP]: D1PreparedStatement })[UNWRAP] ?? s));
        };
      }
      return Reflect.get(target, property, target);
    },
  });
}
/** Fills a database with `bytes` of random data, so its size differs from an empty one's. */
export async function grow(database: D1Database, bytes: number): Promise<void> {
  await database.prepare('CREATE TABLE IF NOT EXISTS ballast (data BLOB NOT NULL)').run();
  await database.prepare('INSERT INTO ballast (data) VALUES (randomblob(?))').bind(bytes).run();
}
