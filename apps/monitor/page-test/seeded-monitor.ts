import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { centralMigrations } from '@waddle/central-schema/migrations';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { Migrator } from '@waddle/migrator/migrator';
import { freePort } from '@waddle/platform/free-port';
import { getPlatformProxy } from 'wrangler';
import { registerDatabaseQuery } from '@waddle/registry/register-database';
import { statementOf } from '@waddle/registry/directory-kysely';

const APP = resolve(import.meta.dirname, '..');
const DAY = 86_400_000;
const GB = 1e9;

/** A waddle of the seeded platform, as the dashboard should show it. */
export interface SeededDatabase {
  readonly name: string;
  readonly d1DatabaseId: string;
  readonly sizeBytes: number | null;
  readonly growthBytesPerDay: number;
  readonly error?: string;
}

/** Fullest first, as the dashboard must order them. Sizes against the 10 GB limit. */
export const SEEDED: readonly SeededDatabase[] = [
  { name: 'penguins', d1DatabaseId: 'page-penguins', sizeBytes: 9.3 * GB, growthBytesPerDay: 40e6 },
  { name: 'puffins', d1DatabaseId: 'page-puffins', sizeBytes: 8.4 * GB, growthBytesPerDay: 15e6 },
  { name: 'krill-lab', d1DatabaseId: 'page-krill-lab', sizeBytes: 6.1 * GB, growthBytesPerDay: 320e6 },
  { name: 'seals', d1DatabaseId: 'page-seals', sizeBytes: 1.2 * GB, growthBytesPerDay: 2e6 },
  { name: 'central', d1DatabaseId: 'local-central', sizeBytes: 0.05 * GB, growthBytesPerDay: 0.1e6 },
  {
    name: 'terns',
    d1DatabaseId: 'page-terns',
    sizeBytes: null,
    growthBytesPerDay: 0,
    error: 'waddle 5: no connector reaches database page-terns (binding WADDLE_TERNS)',
  },
];

/** The monitor Worker under `wrangler dev`, over a local D1 state seeded for the page test. */
export interface SeededMonitor {
  readonly url: string;
  readonly token: string;
  stop(): Promise<void>;
}

/**
 * Seeds a fresh local D1 state (the real central migrations, then the registry, seven days of
 * hourly samples, each database's latest state and the alerts sent) through wrangler's platform
 * proxy, then serves the monitor on it with `wrangler dev` on a free loopback port, the way
 * `npm start` does, with `MONITOR_TOKEN` set.
 */
export async function startSeededMonitor(): Promise<SeededMonitor> {
  const state = mkdtempSync(join(tmpdir(), 'waddle-monitor-page-'));
  const proxy = await getPlatformProxy<{ CENTRAL_DB: D1DatabaseLike }>({
    configPath: join(APP, 'wrangler.jsonc'),
    persist: { path: join(state, 'v3') },
    envFiles: [],
    remoteBindings: false,
  });
  try {
    await seed(proxy.env.CENTRAL_DB, Date.now());
  } finally {
    await proxy.dispose();
  }

  const token = 'page-test-token';
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      join(APP, 'node_modules', 'wrangler', 'bin', 'wrangler.js'),
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--persist-to',
      state,
      '--var',
      `MONITOR_TOKEN:${token}`,
    ],
    { cwd: APP, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
  );
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child);
    rmSync(state, { recursive: true, force: true });
  };
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { url, token, stop };
    await new Promise((done) => setTimeout(done, 300));
  }
  await stop();
  throw new Error(`wrangler dev did not serve the monitor on ${url}:\n${output}`);
}

async function seed(central: D1DatabaseLike, now: number): Promise<void> {
  const { error } = await new Migrator({ database: central, migrations: centralMigrations }).migrateToLatest();
  if (error) throw error;
  const statements = [central.prepare("INSERT INTO users (id, username) VALUES (1, 'owner')")];
  const waddles = SEEDED.filter((d) => d.name !== 'central');
  waddles.forEach((database, index) => {
    statements.push(
      statementOf(
        central,
        registerDatabaseQuery(
          {
            role: 'waddle',
            d1DatabaseId: database.d1DatabaseId,
            binding: `WADDLE_${database.name.toUpperCase().replace('-', '_')}`,
            schemaVersion: null,
          },
          now,
        ),
      ),
      central
        .prepare(
          'INSERT INTO waddles (id, name, display_name, owner_id, d1_database_id, primary_database_id) VALUES (?, ?, ?, 1, ?, (SELECT id FROM databases WHERE d1_database_id = ?))',
        )
        .bind(index + 1, database.name, database.name, database.d1DatabaseId, database.d1DatabaseId),
    );
  });
  SEEDED.forEach((database) => {
    const waddleId = database.name === 'central' ? null : waddles.indexOf(database) + 1;
    if (database.sizeBytes === null) {
      statements.push(
        central
          .prepare(
            'INSERT INTO monitored_databases (d1_database_id, waddle_id, name, sample_attempted_at, sample_error) VALUES (?, ?, ?, ?, ?)',
          )
          .bind(database.d1DatabaseId, waddleId, database.name, now, database.error ?? null),
      );
      return;
    }
    const size = database.sizeBytes;
    statements.push(
      central
        .prepare(
          'INSERT INTO monitored_databases (d1_database_id, waddle_id, name, size_bytes, sampled_at, growth_bytes_per_day, days_to_full, sample_attempted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .bind(
          database.d1DatabaseId,
          waddleId,
          database.name,
          size,
          now,
          database.growthBytesPerDay,
          (10 * GB - size) / database.growthBytesPerDay,
          now,
        ),
    );
    // Hourly samples over seven days on the growth line, with a daily ripple so the charts have a shape.
    const hours = Array.from({ length: 7 * 24 }, (_, i) => 7 * 24 - 1 - i);
    for (let i = 0; i < hours.length; i += 30) {
      const rows = hours
        .slice(i, i + 30)
        .map((h) => [
          database.d1DatabaseId,
          now - h * 3_600_000,
          Math.round(size - (database.growthBytesPerDay * h) / 24 + Math.sin(h / 3) * database.growthBytesPerDay * 0.05),
        ]);
      statements.push(
        central
          .prepare(`INSERT INTO size_samples (d1_database_id, sampled_at, size_bytes) VALUES ${rows.map(() => '(?, ?, ?)').join(', ')}`)
          .bind(...rows.flat()),
      );
    }
  });
  const alerts = [
    { level: 'warning', reason: 'threshold', database: SEEDED[1]!, at: now - 3 * DAY },
    { level: 'warning', reason: 'threshold', database: SEEDED[0]!, at: now - 2 * DAY },
    { level: 'critical', reason: 'threshold', database: SEEDED[0]!, at: now - 6 * 3_600_000 },
    { level: 'warning', reason: 'projection', database: SEEDED[2]!, at: now - 3_600_000 },
  ];
  for (const alert of alerts) {
    statements.push(
      central
        .prepare('INSERT INTO size_alert_states (d1_database_id, level, reason, raised_at, size_bytes) VALUES (?, ?, ?, ?, ?)')
        .bind(alert.database.d1DatabaseId, alert.level, alert.reason, alert.at, alert.database.sizeBytes),
      central
        .prepare(
          "INSERT INTO audit_log (action, resource_type, resource_id, metadata, created_at) VALUES ('monitor.size_alert', 'd1_database', ?, ?, ?)",
        )
        .bind(
          alert.database.d1DatabaseId,
          JSON.stringify({
            level: alert.level,
            reason: alert.reason,
            database: { name: alert.database.name },
            percentOfLimit: Math.round((alert.database.sizeBytes! / (10 * GB)) * 1000) / 10,
            delivery: { status: 'delivered' },
          }),
          alert.at,
        ),
    );
  }
  await central.batch(statements);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await gone;
  clearTimeout(timer);
}
