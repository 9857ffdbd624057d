import type { D1DatabaseLike } from '@waddle/d1/database';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import { MessageShardBusyError } from '@waddle/provisioning/message-shard-busy-error';
import { openMessageShard } from '@waddle/provisioning/open-message-shard';
import { readMessageShardMap, servingShards } from '@waddle/registry/message-shard-map';
import { openCentralDatabase } from '../central/central-database.ts';
import { countQueries, type QueryCounter } from '../central/query-counter.ts';
import type { MonitorConfig } from '../config/monitor-config.ts';
import type { MonitorDependencies } from '../monitor-dependencies.ts';
import { type DueShardSwitch, dueShardSwitches } from './due-shard-switches.ts';

/** The audit log action of a message shard the monitor opened (or whose stopped switch it completed). */
export const SHARD_OPENED_ACTION = 'monitor.message_shard_opened';

/**
 * D1 queries one switch sends at most, through every database it touches: the central statements
 * (lease, map, registration, schema version, seal, activation, release) and, on the new shard,
 * every statement of the waddle schema's migrations, which dominate: 175 measured with the
 * migrations of today (`test/shard-trigger.test.ts` holds a pass of one switch to this bound, so a
 * growing schema fails there first). The pass starts a switch only while one more fits in
 * `maxQueriesPerTick`: four per pass at the default 900.
 */
export const QUERIES_PER_SWITCH = 200;

/** Waddles one pass looks at; any more wait for the next pass. */
export const DUE_PER_PASS = 100;

/** What one shard pass did. */
export interface ShardTickReport {
  /** The switches that completed: a shard opened, or a stopped switch completed. */
  readonly opened: readonly {
    readonly waddleId: number;
    readonly reason: DueShardSwitch['reason'];
    readonly replaced: string;
    readonly d1DatabaseId: string;
    readonly firstMessageId: number;
  }[];
  /** Waddles whose switch another holder's lease covers: left to it (or to a pass after the lease expired). */
  readonly busy: readonly number[];
  /** Switches that stopped at a step: the next pass resumes them from the directory's shard map. */
  readonly failed: readonly { readonly waddleId: number; readonly error: string }[];
  /** Waddles due but not started: no target to create databases with, or no query budget left in this invocation. */
  readonly deferred: readonly { readonly waddleId: number; readonly why: 'no-target' | 'budget' }[];
  /** D1 queries sent, central ones included. */
  readonly queries: number;
}

/**
 * One shard pass (the `SHARD_CRON` cron): opens a new message shard for every waddle whose
 * message-taking database reached `shardThresholdBytes`, or is projected to within
 * `projectionHorizonDays` (`dueShardSwitches`, from the sampling's last size and growth), and
 * completes every switch that stopped (an `opening` shard in the directory), with
 * `openMessageShard` under the waddle's lease. A switch replaces the database that was measured,
 * so a waddle whose switch someone else completed meanwhile gets no second shard (the switch
 * returns the newer one, which is reported and logged as opened). One busy lease leaves that waddle to its holder; one failed switch is reported
 * and resumed by the next pass; neither stops the others. Each opened shard is recorded in the
 * audit log. Switches run one after another while one more fits in `maxQueriesPerTick`
 * ({@link QUERIES_PER_SWITCH}). Without `shardTarget` (no D1 REST API configured) nothing is
 * created: due waddles are reported as deferred.
 *
 * ```sql
 * -- dueShardSwitches (two queries), then per waddle, openMessageShard's statements, and:
 * INSERT INTO audit_log (action, resource_type, resource_id, metadata, created_at) VALUES ('monitor.message_shard_opened', 'waddle', ?, ?, ?);
 * ```
 *
 * @example
 * ```ts
 * const report = await runShardTick(env.CENTRAL_DB, monitorDependencies(env), monitorConfig(env));
 * ```
 */
export async function runShardTick(
  centralD1: D1DatabaseLike,
  dependencies: MonitorDependencies,
  config: MonitorConfig,
): Promise<ShardTickReport> {
  const counter: QueryCounter = { queries: 0 };
  const counted = countQueries(centralD1, counter);
  const central = openCentralDatabase(counted);
  const due = await dueShardSwitches(central, config.shardThresholdBytes, config.projectionHorizonDays, DUE_PER_PASS);
  const target = dependencies.shardTarget && countedTarget(dependencies.shardTarget, counter);
  const holder = `monitor-${crypto.randomUUID()}`;

  const opened: ShardTickReport['opened'][number][] = [];
  const busy: number[] = [];
  const failed: { waddleId: number; error: string }[] = [];
  const deferred: { waddleId: number; why: 'no-target' | 'budget' }[] = [];
  for (const switchDue of due) {
    if (!target) {
      deferred.push({ waddleId: switchDue.waddleId, why: 'no-target' });
      continue;
    }
    if (counter.queries + QUERIES_PER_SWITCH > config.maxQueriesPerTick) {
      deferred.push({ waddleId: switchDue.waddleId, why: 'budget' });
      continue;
    }
    try {
      const replacing = switchDue.replacing ?? (await newestServingShard(counted, switchDue.waddleId));
      if (replacing === null) continue;
      const shard = await openMessageShard(counted, target, switchDue.waddleId, replacing, { clock: dependencies.now, holder });
      opened.push({ waddleId: switchDue.waddleId, reason: switchDue.reason, replaced: replacing, ...shard });
      await central.db
        .insertInto('audit_log')
        .values({
          action: SHARD_OPENED_ACTION,
          resource_type: 'waddle',
          resource_id: String(switchDue.waddleId),
          metadata: JSON.stringify({
            reason: switchDue.reason,
            replaced: replacing,
            sizeBytes: switchDue.sizeBytes,
            thresholdBytes: config.shardThresholdBytes,
            ...shard,
          }),
          created_at: dependencies.now(),
        })
        .execute();
    } catch (error) {
      if (error instanceof MessageShardBusyError) busy.push(switchDue.waddleId);
      else failed.push({ waddleId: switchDue.waddleId, error: (error instanceof Error ? error.message : String(error)).slice(0, 1024) });
    }
  }
  return { opened, busy, failed, deferred, queries: counter.queries };
}

/** The shard a stopped switch was replacing: the waddle's newest serving one (an `opening` shard serves nothing). */
async function newestServingShard(central: D1DatabaseLike, waddleId: number): Promise<string | null> {
  const map = await readMessageShardMap(central, waddleId);
  return map ? (servingShards(map).at(-1)?.d1DatabaseId ?? null) : null;
}

/** The target with every database it opens counted against the invocation's queries. */
function countedTarget(target: DatabaseTarget, counter: QueryCounter): DatabaseTarget {
  return {
    ...target,
    open: async (ids) => {
      const opened = await target.open(ids);
      return { get: (id) => countQueries(opened.get(id), counter), dispose: () => opened.dispose() };
    },
  };
}
