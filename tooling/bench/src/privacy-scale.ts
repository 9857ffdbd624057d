import { centralMigrations } from '@waddle/central-schema/migrations';
import { systemClock } from '@waddle/clock/clock';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { type NodeSqliteDatabase, openNodeSqliteDatabase } from '@waddle/d1/node-sqlite';
import { Migrator } from '@waddle/migrator/migrator';
import { advanceJob, DEFAULT_STEP_QUERIES } from '@waddle/privacy/advance-job';
import { exportArchive } from '@waddle/privacy/export-archive';
import type { PrivacyJob } from '@waddle/privacy/privacy-job';
import { startErasure } from '@waddle/privacy/start-erasure';
import { startExport } from '@waddle/privacy/start-export';
import { postMessages } from '@waddle/queries/messages/post-message';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import type { DatabaseConnector } from '@waddle/registry/database-connectors';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { registerDatabaseQuery } from '@waddle/registry/register-database';
import { statementOf } from '@waddle/registry/directory-kysely';

/** What exporting and then erasing one prolific user cost, step by step. */
export interface PrivacyScale {
  readonly waddles: number;
  readonly messages: number;
  readonly exportSteps: number;
  readonly erasureSteps: number;
  /** The most queries any step sent (the budget is {@link DEFAULT_STEP_QUERIES}; D1 allows 1,000 per invocation). */
  readonly maxQueriesPerStep: number;
  readonly maxExportStepMs: number;
  readonly maxErasureStepMs: number;
  readonly archiveMb: number;
  /** Message records counted in the archive as it streamed (must equal `messages`). */
  readonly archivedMessages: number;
  /** Messages left with content after the erasure (must be 0). */
  readonly contentLeft: number;
  /** The largest piece the archive streamed in (what a request holds at once, besides the page being read). */
  readonly largestPieceKb: number;
}

/** The benchmark's prolific user: 300,000 messages across 100 waddles ("hundreds of thousands across a hundred"). */
export const PRIVACY_WADDLES = 100;
export const PRIVACY_MESSAGES_PER_WADDLE = 3000;

const SUBJECT = 2;
const OTHER = 3;
const POST_BATCH = 50;

async function migrated(path: string, migrations: typeof centralMigrations): Promise<NodeSqliteDatabase> {
  const database = openNodeSqliteDatabase(path);
  const { error } = await new Migrator({ database, migrations }).migrateToLatest();
  if (error) throw error;
  return database;
}

/** Runs a job with API-sized steps to its end; the number of steps and their worst costs. */
async function runSteps(central: D1DatabaseLike, connector: DatabaseConnector, job: PrivacyJob) {
  let steps = 0;
  let maxQueries = 0;
  let maxMs = 0;
  for (;;) {
    const started = performance.now();
    const step = await advanceJob(central, [connector], job.id, { now: systemClock(), maxQueries: DEFAULT_STEP_QUERIES });
    maxMs = Math.max(maxMs, performance.now() - started);
    maxQueries = Math.max(maxQueries, step.queries);
    steps += 1;
    if (step.job.status === 'done') return { steps, maxQueries, maxMs, job: step.job };
    if (step.worked.every((work) => work.error !== undefined)) throw new Error(`no progress: ${JSON.stringify(step.worked)}`);
  }
}

/**
 * Builds a directory and `waddles` waddle databases in this process (node:sqlite, the real
 * migrations and query library), gives one user `messagesPerWaddle` messages in each (with
 * another user's beside them), then exports and erases that user with the API's step size,
 * the way `POST /v1/me/export/{job}/advance` and the cron advance them. Queries per step are what
 * a Worker's limits see, whatever the engine; times are this process's floor.
 */
export async function measurePrivacyScale(waddles: number, messagesPerWaddle: number, log: (line: string) => void): Promise<PrivacyScale> {
  const central = await migrated(':memory:', centralMigrations);
  await central.batch([
    central
      .prepare(
        "INSERT INTO users (id, username, email) VALUES (1, 'owner', 'owner@example.com'), (?, 'prolific', 'prolific@example.com'), (?, 'other', NULL)",
      )
      .bind(SUBJECT, OTHER),
  ]);
  const databases = new Map<string, NodeSqliteDatabase>();
  for (let waddleId = 1; waddleId <= waddles; waddleId++) {
    const databaseId = `scale-${waddleId}`;
    const database = await migrated(':memory:', waddleMigrations);
    databases.set(databaseId, database);
    await central.batch([
      statementOf(central, registerDatabaseQuery({ role: 'waddle', d1DatabaseId: databaseId, schemaVersion: null }, 0)),
      central
        .prepare(
          "INSERT INTO waddles (id, name, display_name, owner_id, is_public, d1_database_id, primary_database_id) VALUES (?, ?, 'Scale', 1, 1, ?, (SELECT id FROM databases WHERE d1_database_id = ?))",
        )
        .bind(waddleId, `scale-${waddleId}`, databaseId, databaseId),
      central
        .prepare('INSERT INTO waddle_members (waddle_id, user_id) VALUES (?, 1), (?, ?), (?, ?)')
        .bind(waddleId, waddleId, SUBJECT, waddleId, OTHER),
    ]);
    await database.prepare("INSERT INTO channels (id, name, created_by) VALUES (1, 'general', 1)").run();
    const waddle = openWaddleDatabase(database);
    for (let posted = 0; posted < messagesPerWaddle; posted += POST_BATCH) {
      const count = Math.min(POST_BATCH, messagesPerWaddle - posted);
      await postMessages(
        waddle,
        Array.from({ length: count }, (_, i) => ({
          channelId: 1,
          authorId: SUBJECT,
          content: `message ${posted + i} of waddle ${waddleId}: the colony walks to the sea at dawn`,
          createdAt: 1_000_000 + posted + i,
        })),
      );
      await postMessages(waddle, [{ channelId: 1, authorId: OTHER, content: `someone else, ${posted}`, createdAt: 1_000_000 + posted }]);
    }
    if (waddleId % 10 === 0) log(`  seeded ${waddleId} of ${waddles} waddles`);
  }
  const connector: DatabaseConnector = ({ d1DatabaseId }) => databases.get(d1DatabaseId);

  const exported = await runSteps(central, connector, await startExport(central, SUBJECT, 'operator', systemClock()));
  log(`  export: ${exported.steps} steps, at most ${exported.maxQueries} queries and ${exported.maxMs.toFixed(0)} ms each`);
  let bytes = 0;
  let largestPiece = 0;
  let archivedMessages = 0;
  let carry = '';
  for await (const piece of exportArchive(central, exported.job)) {
    bytes += Buffer.byteLength(piece);
    largestPiece = Math.max(largestPiece, Buffer.byteLength(piece));
    const text = carry + piece;
    archivedMessages += text.split('{"type":"message"').length - 1;
    carry = text.slice(-20);
  }

  const erased = await runSteps(central, connector, await startErasure(central, SUBJECT, 'operator', systemClock()));
  log(`  erasure: ${erased.steps} steps, at most ${erased.maxQueries} queries and ${erased.maxMs.toFixed(0)} ms each`);
  let contentLeft = 0;
  for (const database of databases.values()) {
    contentLeft += (await database
      .prepare('SELECT count(*) AS n FROM messages WHERE user_id = ? AND content IS NOT NULL')
      .bind(SUBJECT)
      .first<{ n: number }>())!.n;
    database.close();
  }
  central.close();
  return {
    waddles,
    messages: waddles * messagesPerWaddle,
    exportSteps: exported.steps,
    erasureSteps: erased.steps,
    maxQueriesPerStep: Math.max(exported.maxQueries, erased.maxQueries),
    maxExportStepMs: exported.maxMs,
    maxErasureStepMs: erased.maxMs,
    archiveMb: bytes / 2 ** 20,
    archivedMessages,
    contentLeft,
    largestPieceKb: largestPiece / 1024,
  };
}
