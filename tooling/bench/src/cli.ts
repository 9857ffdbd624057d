#!/usr/bin/env -S node --disable-warning=ExperimentalWarning
/**
 * pnpm bench: measures the query library through local D1 and in-process; see `pnpm bench --help`
 * (the usage text below).
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { systemClock } from '@waddle/clock/clock';
import { type CommandLine, parseCommandLine, usageError } from '@waddle/command-line/parse-command-line';
import { openNodeSqliteDatabase } from '@waddle/d1/node-sqlite';
import { measurePrivacyScale, PRIVACY_MESSAGES_PER_WADDLE, PRIVACY_WADDLES } from './privacy-scale.ts';
import { getMessagePage, planMessagePage } from '@waddle/queries/pagination/message-page';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import {
  BATCH_SIZE,
  type BenchCase,
  type BenchParameters,
  benchCase,
  ERASURE_CALLS,
  ERASURE_PAGE,
  READ_CASES,
  timingGroups,
  WRITE_CASES,
} from './bench-cases.ts';
import { type D1BenchRunner, startD1BenchRunner } from './d1-bench-runner.ts';
import { draftCursorLoss } from './draft-cursor-loss.ts';
import { medianMs, mediansMs } from './in-process-timing.ts';
import { MENTION_CASES } from './mention-cases.ts';
import { type MentionBudget, mentionBudgetLines, mentionBudgets, MENTION_BUDGET_ROUND_TRIPS } from './mention-budgets.ts';
import { measureApiLoad } from './api-load.ts';
import { migrateReusedWaddle } from './migrate-reused-waddle.ts';
import { timeMigrateFanOut } from './migrate-fanout.ts';
import { measureProvisioningRestCalls } from './provisioning-rest-calls.ts';
import { PAIRED_BLOCK_CALLS } from './paired-blocks.ts';
import { storageReport } from './storage-report.ts';
import { buildSyntheticWaddle, DEFAULT_SHAPE } from './synthetic-waddle.ts';
import { measureMessageShards } from './message-shards-bench.ts';
import { shardResults, shardTableRows } from './shard-results.ts';

const COMMAND_LINE = {
  command: 'pnpm bench',
  description: [
    'Builds a synthetic waddle (kept in bench-data/ and reused) and measures the query library side by',
    'side: through local D1 inside workerd (what a Worker waits; mean over --calls sequential calls) and',
    'the same code in-process on node:sqlite (median), each case warmed up first, the page and the bare',
    'read of its rows timed in alternation. Besides the library: migrate_fanout (one migration over',
    '1,000 local waddle databases in 4 binding slices of the local API, each migrated by its slice, and',
    'bound directly for comparison), api_load (the api Worker under wrangler dev on loopback reaching the',
    'waddle through its slice, listing and posting), privacy_scale (export then erasure of a user with',
    '300,000 messages across 100 waddles), message_shards (the same messages split over 3 message shards by',
    'id ranges: pages, search, a switch), slice_hop (the newest page through a slice minus through the',
    'binding, fleet.slice_hop_ms, budget 0.5 ms) and provisioning_rest (20 waddles created into slices:',
    'fleet.rest_calls_per_waddle_provisioned). fleet.rest_calls_data_path counts the REST query calls of',
    'api_load and migrate_fanout; the run fails unless it is 0.',
    'Prints a Markdown table, and with --json writes the figures as JSON.',
  ].join('\n'),
  options: {
    messages: { type: 'string', value: 'N', default: '1000000', description: 'messages in the synthetic waddle, at least 1000' },
    calls: { type: 'string', value: 'N', default: '500', description: 'sequential calls timed per case through local D1' },
    json: { type: 'string', value: 'FILE', description: 'also write the figures as JSON to FILE' },
    rebuild: { type: 'boolean', description: 'build the synthetic waddle again instead of reusing it' },
    'build-only': { type: 'boolean', description: 'build the synthetic waddle, measure nothing' },
    cases: {
      type: 'string',
      value: 'LIST',
      description: 'run only these cases (comma-separated) and print their timings (with --json, write them), not the table',
    },
  },
} satisfies CommandLine;

/** The cases beside the library's, each measured on its own. */
const STANDALONE_CASES = ['migrate_fanout', 'api_load', 'privacy_scale', 'message_shards', 'slice_hop', 'provisioning_rest'];
/** Waddles provisioned for `fleet.rest_calls_per_waddle_provisioned`. */
const PROVISIONED_WADDLES = 20;
/** `fleet.slice_hop_ms`'s budget: what a slice may add to a page read. */
const SLICE_HOP_BUDGET_MS = 0.5;
/** `migrate.fanout_1000_s`'s budget. */
const FANOUT_BUDGET_S = 60;

const parsed = parseCommandLine(COMMAND_LINE, process.argv.slice(2));
if ('exitCode' in parsed) process.exit(parsed.exitCode);
const args = parsed.values;
const messages = Number(args.messages);
const calls = Number(args.calls);
if (!Number.isInteger(messages) || messages < 1000)
  process.exit(usageError(COMMAND_LINE, '--messages must be an integer of at least 1000'));
if (!Number.isInteger(calls) || calls < 1) process.exit(usageError(COMMAND_LINE, '--calls must be a positive integer'));

const dataDirectory = resolve(import.meta.dirname, '../../../bench-data');
mkdirSync(dataDirectory, { recursive: true });
const source = join(dataDirectory, `waddle-${messages}.sqlite`);
const log = (line: string) => process.stderr.write(`${line}\n`);

if (args.rebuild || !existsSync(source)) {
  log(`building a synthetic waddle of ${messages.toLocaleString('en')} messages in ${source}`);
  const started = performance.now();
  // The data is laid out over the year before now; every timed case reads its "now" back from
  // the data (the newest message), so a dataset built on one day means the same on any later one.
  const now = systemClock();
  await buildSyntheticWaddle(source, { ...DEFAULT_SHAPE, messages, now }, (done) => {
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write(`\r  ${done.toLocaleString('en')} messages, ${seconds.toFixed(0)} s`);
  });
  log('');
} else {
  log(`reusing ${source} (--rebuild to make it again)`);
  const applied = await migrateReusedWaddle(source);
  if (applied.length > 0) log(`  migrated to the current schema: ${applied.join(', ')}`);
}

if (args['build-only']) process.exit(0);
const asked = args.cases?.split(',');
// The mention and follow budgets are round trips of the same run: report the round trip with them.
const only = asked?.some((name) => (MENTION_CASES as readonly string[]).includes(name)) ? [...new Set([...asked, 'roundtrip'])] : asked;
if (only) {
  const unknown = only.filter((name) => !STANDALONE_CASES.includes(name) && ![...READ_CASES, ...WRITE_CASES].includes(name as BenchCase));
  if (unknown.length > 0) process.exit(usageError(COMMAND_LINE, `unknown cases: ${unknown.join(', ')}`));
}
/** Sequential calls timed for a case: `--calls`, but only a few of the index rewrite. */
const callsOf = (name: BenchCase) => (name === 'erasure_optimize' ? Math.min(calls, ERASURE_CALLS) : calls);
const selected = <T extends BenchCase>(names: readonly T[]) => names.filter((name) => !only || only.includes(name));
/** Rounds of paired blocks (`fleet.slice_hop_ms`, the mention budgets): as many calls as `--calls`, at least 20 rounds. */
const pairedRounds = Math.max(20, Math.round(calls / PAIRED_BLOCK_CALLS));
/** The mention and follow cases asked for, timed beside the round trip for their budgets. */
const mentionCases = MENTION_CASES.filter((name) => !only || only.includes(name));

const pristine = new DatabaseSync(source);
const parameters = benchParameters(pristine);
const storage = storageReport(pristine, messages);
const draft = draftCursorLoss(pristine, 1);
pristine.close();

// In-process: the same library calls over node:sqlite, and the page SQL alone as the floor.
log('in-process (node:sqlite) medians');
const local = openNodeSqliteDatabase(source);
const localWaddle = openWaddleDatabase(local);
const inProcess: Partial<Record<BenchCase, number>> = {};
for (const group of timingGroups(selected(READ_CASES))) {
  const cases = Object.fromEntries(group.map((name) => [name, benchCase(name, localWaddle, parameters)]));
  const slowest = Math.max(...Object.values(await mediansMs(cases, 3, 1)));
  const medians = await mediansMs(cases, Math.max(20, Math.min(1000, Math.floor(1000 / Math.max(slowest, 0.01)))));
  for (const name of group) {
    inProcess[name] = medians[name]!;
    log(`  ${name}: ${inProcess[name].toFixed(3)} ms`);
  }
}
const pageFloor = (anchor: 'newest' | number) => {
  const plan = planMessagePage(
    localWaddle,
    { channelId: parameters.channelId },
    { anchor, before: anchor === 'newest' ? 50 : 49, viewerId: parameters.viewerId },
  );
  const { sql, parameters: values } = plan.query.compile();
  const statement = local.handle.prepare(sql);
  statement.setReturnArrays(true);
  return medianMs(() => statement.all(...(values as never[])), 2000);
};
if (only?.includes('migrate_fanout')) {
  const fanOut = await timeMigrateFanOut(join(dataDirectory, 'fanout-state'), 1000, log);
  log(`  migrate.fanout_1000_s (through ${fanOut.slices} slices): ${fanOut.seconds.toFixed(1)} s`);
  log(`  fleet.rest_calls_data_path (migrate_fanout): ${fanOut.restQueryCalls}`);
  const direct = await timeMigrateFanOut(join(dataDirectory, 'fanout-state'), 1000, log, 'bindings');
  log(`  migrate.fanout_1000_direct_s: ${direct.seconds.toFixed(1)} s`);
  if (fanOut.restQueryCalls !== 0) fail(`fleet.rest_calls_data_path: the fan-out made ${fanOut.restQueryCalls} REST query calls`);
}
if (only?.includes('provisioning_rest')) {
  log(`${PROVISIONED_WADDLES} waddles provisioned into slices of the local API`);
  const provisioned = await measureProvisioningRestCalls(join(dataDirectory, 'provisioning-state'), PROVISIONED_WADDLES);
  log(`  fleet.rest_calls_per_waddle_provisioned: ${provisioned.controlPlanePerWaddle} (${JSON.stringify(provisioned)})`);
}
if (only?.includes('privacy_scale')) {
  log('export and erasure of one user across 100 waddles (node:sqlite, API-sized steps)');
  const scale = await measurePrivacyScale(PRIVACY_WADDLES, PRIVACY_MESSAGES_PER_WADDLE, log);
  log(`  ${JSON.stringify(scale)}`);
}
if (only?.includes('api_load')) {
  log('api under load (wrangler dev on loopback, the waddle in a slice of the local API)');
  const { restQueryCalls } = await measureApiLoad(join(dataDirectory, 'api-load'), log);
  log(`  fleet.rest_calls_data_path (api_load): ${restQueryCalls}`);
  if (restQueryCalls !== 0) fail(`fleet.rest_calls_data_path: the api made ${restQueryCalls} REST query calls`);
}
if (only?.includes('message_shards')) {
  log('the same messages over 3 message shards (local D1)');
  const measured = await measureMessageShards(source, dataDirectory, calls, log);
  log(`  ${JSON.stringify(shardResults(measured, { messages, optimizeMs: null }, storage.bytesPerMessage))}`);
}
if (only) {
  log(`local D1 in workerd: mean of ${calls} sequential calls per case`);
  const runner = await startD1BenchRunner(join(dataDirectory, 'd1-state'), (path) => copyFileSync(source, path));
  const timed: Partial<Record<BenchCase, number>> = {};
  try {
    for (const group of timingGroups([...selected(READ_CASES), ...selected(WRITE_CASES)])) {
      const means = await runner.means(group, callsOf(group[0]!), parameters);
      for (const name of group) {
        timed[name] = means[name];
        log(`  ${name}: ${means[name].toFixed(3)} ms`);
      }
    }
    const budgets = mentionCases.length === 0 ? [] : await timeMentionBudgets(runner);
    for (const line of mentionBudgetLines(budgets)) log(`  ${line}`);
    let sliceHop: { hop_ms: number; slice_ms: number; binding_ms: number } | undefined;
    if (only.includes('slice_hop')) {
      const hop = await runner.sliceHop(pairedRounds, parameters);
      log(
        `  fleet.slice_hop_ms: ${hop.hopMs.toFixed(3)} ms (median of ${pairedRounds} rounds' differences; page through the slice ${hop.sliceMs.toFixed(3)}, through the binding ${hop.directMs.toFixed(3)}: medians of ${PAIRED_BLOCK_CALLS}-call blocks)`,
      );
      sliceHop = {
        hop_ms: Number(hop.hopMs.toFixed(3)),
        slice_ms: Number(hop.sliceMs.toFixed(3)),
        binding_ms: Number(hop.directMs.toFixed(3)),
      };
    }
    if (args.json) {
      const rounded = (values: Partial<Record<BenchCase, number>>) =>
        Object.fromEntries(Object.entries(values).map(([name, ms]) => [name, Number(ms.toFixed(3))]));
      const cases = {
        messages,
        calls,
        d1_mean_ms: rounded(timed),
        in_process_median_ms: rounded(inProcess),
        mention_budgets: budgets,
        slice_hop: sliceHop,
      };
      writeFileSync(args.json, `${JSON.stringify(cases, null, 2)}\n`);
      log(`wrote ${args.json}`);
    }
  } finally {
    await runner.dispose();
  }
  process.exit(0);
}
const floorNewest = await pageFloor('newest');
const floorDepth90 = await pageFloor(parameters.depth90AnchorId);
const ourLoss = await ourCursorLoss();
local.close();

// Through D1 inside workerd.
log(`local D1 in workerd: mean of ${calls} sequential calls per case`);
const runner = await startD1BenchRunner(join(dataDirectory, 'd1-state'), (path) => copyFileSync(source, path));
const d1: Partial<Record<BenchCase, number>> = {};
let hop: Awaited<ReturnType<typeof runner.sliceHop>>;
let budgets: MentionBudget[];
try {
  for (const group of timingGroups([...selected(READ_CASES), ...selected(WRITE_CASES)])) {
    const means = await runner.means(group, callsOf(group[0]!), parameters);
    for (const name of group) {
      d1[name] = means[name];
      log(`  ${name}: ${d1[name].toFixed(3)} ms`);
    }
  }
  log(`the newest page through a slice and through the binding, ${pairedRounds} blocks of ${PAIRED_BLOCK_CALLS} calls each`);
  hop = await runner.sliceHop(pairedRounds, parameters);
  log(`  hop ${hop.hopMs.toFixed(3)} ms (slice ${hop.sliceMs.toFixed(3)} ms, binding ${hop.directMs.toFixed(3)} ms)`);
  budgets = await timeMentionBudgets(runner);
  for (const line of mentionBudgetLines(budgets)) log(`  ${line}`);
} finally {
  await runner.dispose();
}

log('migrate fan-out over 1,000 local waddle databases, through their slices');
const fanOut = await timeMigrateFanOut(join(dataDirectory, 'fanout-state'), 1000, log);
log(`  ${fanOut.seconds.toFixed(1)} s, ${fanOut.restQueryCalls} REST query calls`);
log('the same, every database bound to the fan-out Worker');
const fanOutDirect = await timeMigrateFanOut(join(dataDirectory, 'fanout-state'), 1000, log, 'bindings');
log(`  ${fanOutDirect.seconds.toFixed(1)} s`);

log(`${PROVISIONED_WADDLES} waddles provisioned into slices of the local API`);
const provisioned = await measureProvisioningRestCalls(join(dataDirectory, 'provisioning-state'), PROVISIONED_WADDLES);
log(`  ${JSON.stringify(provisioned)}`);

log('export and erasure of one user across 100 waddles (node:sqlite, API-sized steps)');
const privacy = await measurePrivacyScale(PRIVACY_WADDLES, PRIVACY_MESSAGES_PER_WADDLE, log);
if (privacy.archivedMessages !== privacy.messages || privacy.contentLeft !== 0) fail(`privacy_scale: ${JSON.stringify(privacy)}`);

log('api under load (wrangler dev on loopback, the waddle in a slice of the local API)');
const load = await measureApiLoad(join(dataDirectory, 'api-load'), log);
const restCallsDataPath = load.restQueryCalls + fanOut.restQueryCalls;

log('the same messages over 3 message shards (local D1)');
const shards = await measureMessageShards(source, dataDirectory, calls, log);

const r = (value: number, digits = 3) => Number(value.toFixed(digits));
const results = {
  messages,
  machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memory_gib: r(totalmem() / 2 ** 30, 1), node: process.version },
  calls,
  'd1.roundtrip_ms': r(d1.roundtrip!),
  'page.newest_ms': r(d1.page_newest!),
  'page.depth90_ms': r(d1.page_depth90!),
  'page.deep_over_newest': r(d1.page_depth90! / d1.page_newest!, 2),
  'page.raw_ms': r(d1.raw_page!),
  'page.decoration_overhead': r(d1.page_newest! / d1.raw_page!, 2),
  'page.decoration_overhead_depth90': r(d1.page_depth90! / d1.raw_page!, 2),
  'page.floor_newest_ms': r(floorNewest),
  'page.floor_depth90_ms': r(floorDepth90),
  'page.offset_depth90_ms': r(d1.page_offset_depth90!),
  'page.draft_cursor_lost': draft.lost,
  'page.ours_cursor_lost': ourLoss,
  'page.channel_messages': draft.total,
  'threads.ours_ms': r(d1.threads_ours!),
  'threads.draft_ms': r(d1.threads_draft!),
  'threads.speedup': r(d1.threads_draft! / d1.threads_ours!, 1),
  'search.common_recent_ms': r(d1.search_common_recent!),
  'search.common_relevance_ms': r(d1.search_common_relevance!),
  'search.rare_ms': r(d1.search_rare!),
  'search.phrase_ms': r(d1.search_phrase!),
  'search.cjk_ms': r(d1.search_cjk!),
  'search.like_scan_ms': r(d1.search_like_scan!),
  'mentions.inbox_ms': r(d1.mentions_inbox!),
  'mentions.unread_ms': r(d1.mentions_unread!),
  'follows.list_ms': r(d1.follows_list!),
  'mentions.round_trips': Object.fromEntries(budgets.map((budget) => [budget.key, r(budget.roundTrips)])),
  'mentions.budgets_met': Object.fromEntries(budgets.map((budget) => [budget.key, budget.met])),
  'storage.bytes_per_message': storage.bytesPerMessage,
  'storage.split_bytes_per_message': storage.split,
  'storage.messages_per_10gb': storage.messagesPer10Gb,
  'writes.single_per_s': Math.round(1000 / d1.write_single!),
  'writes.batched_per_s': Math.round((BATCH_SIZE * 1000) / d1.write_batched!),
  'kysely.page_overhead': r(d1.kysely_page! / d1.raw_page!, 2),
  'erasure.optimize_ms': Math.round(d1.erasure_optimize!),
  ...shardResults(shards, { messages, optimizeMs: d1.erasure_optimize! }, storage.bytesPerMessage),
  'migrate.fanout_1000_s': r(fanOut.seconds, 1),
  'migrate.fanout_1000_direct_s': r(fanOutDirect.seconds, 1),
  'migrate.fanout_slices': fanOut.slices,
  'privacy.export_steps': privacy.exportSteps,
  'privacy.erasure_steps': privacy.erasureSteps,
  'privacy.max_queries_per_step': privacy.maxQueriesPerStep,
  'privacy.export_max_step_ms': Math.round(privacy.maxExportStepMs),
  'privacy.erasure_max_step_ms': Math.round(privacy.maxErasureStepMs),
  'privacy.archive_mb': r(privacy.archiveMb, 1),
  'privacy.largest_piece_kb': r(privacy.largestPieceKb, 1),
  'api.list_rps': Math.round(load.list.requestsPerSecond),
  'api.list_p99_ms': r(load.list.p99Ms, 1),
  'api.post_rps': Math.round(load.post.requestsPerSecond),
  'api.post_p99_ms': r(load.post.p99Ms, 1),
  'api.errors': load.list.errors + load.post.errors,
  'fleet.rest_calls_data_path': restCallsDataPath,
  'fleet.rest_calls_per_waddle_provisioned': r(provisioned.controlPlanePerWaddle, 2),
  'fleet.rest_query_calls_provisioning': provisioned.queryCalls,
  'fleet.slice_hop_ms': r(hop.hopMs),
  'fleet.page_through_slice_ms': r(hop.sliceMs),
  'fleet.page_through_binding_ms': r(hop.directMs),
  in_process_median_ms: Object.fromEntries(Object.entries(inProcess).map(([k, v]) => [k, r(v)])),
  d1_mean_ms: Object.fromEntries(Object.entries(d1).map(([k, v]) => [k, r(v)])),
};

console.log(markdownTable(results));
if (args.json) {
  writeFileSync(args.json, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${args.json}`);
}
if (restCallsDataPath !== 0) fail(`fleet.rest_calls_data_path: the data path made ${restCallsDataPath} REST query calls`);

function benchParameters(db: DatabaseSync): BenchParameters {
  const { count } = db.prepare('SELECT count(*) AS count FROM messages WHERE channel_id = 1').get() as { count: number };
  const offset = Math.floor(count * 0.9);
  const anchor = db.prepare('SELECT id FROM messages WHERE channel_id = 1 ORDER BY id DESC LIMIT 1 OFFSET ?').get(offset) as { id: number };
  const { now } = db.prepare('SELECT max(created_at) AS now FROM messages').get() as { now: number };
  const channels = db.prepare('SELECT id FROM channels ORDER BY id').all() as { id: number }[];
  return {
    channelId: 1,
    depth90AnchorId: anchor.id,
    depth90Offset: offset,
    now,
    visibleChannelIds: channels.map((c) => c.id),
    viewerId: 1,
  };
}

/** Pages channel 1 end to end with the library (in-process) and counts messages it never returned. */
async function ourCursorLoss(): Promise<number> {
  const seen = new Set<number>();
  let page = await getMessagePage(localWaddle, { channelId: 1 }, { anchor: 'newest', before: 100, viewerId: 1 });
  for (const m of page.messages) seen.add(m.id);
  while (page.olderCursor) {
    page = await getMessagePage(localWaddle, { channelId: 1 }, { cursor: page.olderCursor, before: 100, viewerId: 1 });
    for (const m of page.messages) seen.add(m.id);
  }
  const { count } = local.handle.prepare('SELECT count(*) AS count FROM messages WHERE channel_id = 1').get() as { count: number };
  return count - seen.size;
}

function markdownTable(result: typeof results): string {
  const rows: [string, string, string][] = [
    ['d1.roundtrip_ms (SELECT 1)', fmt(result['d1.roundtrip_ms']), fmt(inProcess.roundtrip!)],
    ['page.newest_ms (page of 50, reactions, attachments, replies)', fmt(result['page.newest_ms']), fmt(inProcess.page_newest!)],
    ['page.depth90_ms (same, 90 % deep)', fmt(result['page.depth90_ms']), fmt(inProcess.page_depth90!)],
    ['page.deep_over_newest', String(result['page.deep_over_newest']), ''],
    [
      'page.raw_ms (the same 50 messages alone: SELECT * … ORDER BY id DESC LIMIT 50)',
      fmt(result['page.raw_ms']),
      fmt(inProcess.raw_page!),
    ],
    [
      'page.decoration_overhead (page ÷ raw_page; newest / 90 % deep)',
      `${result['page.decoration_overhead']} / ${result['page.decoration_overhead_depth90']}`,
      `${(inProcess.page_newest! / inProcess.raw_page!).toFixed(2)} / ${(inProcess.page_depth90! / inProcess.raw_page!).toFixed(2)}`,
    ],
    ['page.floor_newest_ms / floor_depth90_ms (page SQL alone)', '', `${fmt(floorNewest)} / ${fmt(floorDepth90)}`],
    ['page.offset_depth90_ms (OFFSET baseline)', fmt(result['page.offset_depth90_ms']), fmt(inProcess.page_offset_depth90!)],
    [
      `page.draft_cursor_lost (of ${result['page.channel_messages']} in the channel; ours: ${result['page.ours_cursor_lost']})`,
      String(result['page.draft_cursor_lost']),
      '',
    ],
    ['threads.ours_ms (channel with 5,000 threads)', fmt(result['threads.ours_ms']), fmt(inProcess.threads_ours!)],
    ['threads.draft_ms (LEFT JOIN … GROUP BY)', fmt(result['threads.draft_ms']), fmt(inProcess.threads_draft!)],
    ['threads.speedup', `${result['threads.speedup']}×`, ''],
    ['search.common_recent_ms', fmt(result['search.common_recent_ms']), fmt(inProcess.search_common_recent!)],
    ['search.common_relevance_ms', fmt(result['search.common_relevance_ms']), fmt(inProcess.search_common_relevance!)],
    ['search.rare_ms', fmt(result['search.rare_ms']), fmt(inProcess.search_rare!)],
    ['search.phrase_ms', fmt(result['search.phrase_ms']), fmt(inProcess.search_phrase!)],
    ['search.cjk_ms', fmt(result['search.cjk_ms']), fmt(inProcess.search_cjk!)],
    ['search.like_scan_ms (LIKE baseline, rare word)', fmt(result['search.like_scan_ms']), fmt(inProcess.search_like_scan!)],
    [
      'kysely.page_overhead (Kysely ÷ same prepared statement)',
      String(result['kysely.page_overhead']),
      (inProcess.kysely_page! / inProcess.raw_page!).toFixed(2),
    ],
    [
      'mentions.inbox_ms (newest 50 mentions of a member, 2 % of messages mention someone)',
      fmt(result['mentions.inbox_ms']),
      fmt(inProcess.mentions_inbox!),
    ],
    [
      'mentions.unread_ms (mention counts in 50 channels, capped at 100)',
      fmt(result['mentions.unread_ms']),
      fmt(inProcess.mentions_unread!),
    ],
    [
      'follows.list_ms (a member following 500 threads: those with unreads, newest first)',
      fmt(result['follows.list_ms']),
      fmt(inProcess.follows_list!),
    ],
    ...budgets.map((budget): [string, string, string] => [
      `${budget.key} in round trips (beside the round trip, median of ${pairedRounds} paired rounds of ${PAIRED_BLOCK_CALLS}-call blocks: ${fmt(budget.ms)} against ${fmt(budget.roundTripMs)}; budget ${MENTION_BUDGET_ROUND_TRIPS})`,
      `${budget.roundTrips.toFixed(2)}${budget.met ? ' met' : ' **missed**'}`,
      '',
    ]),
    ['writes.single_per_s', String(result['writes.single_per_s']), ''],
    [`writes.batched_per_s (${BATCH_SIZE} per batch)`, String(result['writes.batched_per_s']), ''],
    [
      `storage.bytes_per_message (messages ${result['storage.split_bytes_per_message'].messages}, their indexes ${result['storage.split_bytes_per_message'].messageIndexes}, search ${result['storage.split_bytes_per_message'].searchIndex}, other ${result['storage.split_bytes_per_message'].other})`,
      String(result['storage.bytes_per_message']),
      '',
    ],
    ['storage.messages_per_10gb', result['storage.messages_per_10gb'].toLocaleString('en'), ''],
    [
      `erasure.optimize_ms (${ERASURE_PAGE} tombstones, then the whole search index rewritten; mean of ${Math.min(result.calls, ERASURE_CALLS)})`,
      String(result['erasure.optimize_ms']),
      '',
    ],
    ...shardTableRows(result),
    [
      `migrate.fanout_1000_s (one migration, 1,000 databases through their ${result['migrate.fanout_slices']} slices, concurrency 8; budget ${FANOUT_BUDGET_S} s)`,
      `${result['migrate.fanout_1000_s']}${result['migrate.fanout_1000_s'] <= FANOUT_BUDGET_S ? '' : ' **over budget**'}`,
      '',
    ],
    [
      'migrate.fanout_1000_direct_s (the same, every database bound to the fan-out Worker)',
      String(result['migrate.fanout_1000_direct_s']),
      '',
    ],
    [
      `privacy.export_steps / erasure_steps (one user, ${(PRIVACY_WADDLES * PRIVACY_MESSAGES_PER_WADDLE).toLocaleString('en')} messages in ${PRIVACY_WADDLES} waddles)`,
      '',
      `${result['privacy.export_steps']} / ${result['privacy.erasure_steps']}`,
    ],
    ['privacy.max_queries_per_step (budget 300; D1 allows 1,000 per invocation)', '', String(result['privacy.max_queries_per_step'])],
    [
      'privacy.export_max_step_ms / erasure_max_step_ms',
      '',
      `${result['privacy.export_max_step_ms']} / ${result['privacy.erasure_max_step_ms']}`,
    ],
    ['privacy.archive_mb (streamed; largest piece in KB)', '', `${result['privacy.archive_mb']} (${result['privacy.largest_piece_kb']})`],
    [
      `api.list_rps / api.list_p99_ms (GET a page of 50, ${load.list.requests} requests, 8 clients, wrangler dev)`,
      `${result['api.list_rps']} / ${result['api.list_p99_ms']}`,
      '',
    ],
    [
      `api.post_rps / api.post_p99_ms (POST a message, ${load.post.requests} requests, 8 clients)`,
      `${result['api.post_rps']} / ${result['api.post_p99_ms']}`,
      '',
    ],
    ['api.errors (non-2xx answers or failed requests)', String(result['api.errors']), ''],
    [
      'fleet.rest_calls_data_path (REST query/batch calls during api_load and migrate_fanout; must be 0)',
      String(result['fleet.rest_calls_data_path']),
      '',
    ],
    [
      `fleet.rest_calls_per_waddle_provisioned (control plane, ${provisioned.waddles} waddles into slices; REST query calls: ${result['fleet.rest_query_calls_provisioning']})`,
      String(result['fleet.rest_calls_per_waddle_provisioned']),
      '',
    ],
    [
      `fleet.slice_hop_ms (newest page through a slice minus through the binding, median of paired blocks; medians ${fmt(result['fleet.page_through_slice_ms'])} and ${fmt(result['fleet.page_through_binding_ms'])}; budget ${SLICE_HOP_BUDGET_MS})`,
      `${fmt(result['fleet.slice_hop_ms'])}${result['fleet.slice_hop_ms'] <= SLICE_HOP_BUDGET_MS ? '' : ' **over budget**'}`,
      '',
    ],
  ];
  const machine = `${result.machine.cores} cores (${result.machine.cpu}), ${result.machine.memory_gib} GiB, Node ${result.machine.node}`;
  return [
    `${result.messages.toLocaleString('en')} messages; ${machine}; D1: mean of ${result.calls} sequential calls in workerd; in-process: median on node:sqlite`,
    '',
    '| measure | local D1 (workerd) | in-process |',
    '| --- | ---: | ---: |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

function fmt(value: number): string {
  return value.toFixed(value < 10 ? 3 : 1);
}

/**
 * Times each mention and follow case asked for beside the round trip, {@link pairedRounds} paired
 * rounds each, and holds it to its budget in round trips (`mentionBudgets`).
 */
async function timeMentionBudgets(runner: D1BenchRunner): Promise<MentionBudget[]> {
  log(`the mention and follow cases beside the round trip, ${pairedRounds} rounds of ${PAIRED_BLOCK_CALLS}-call blocks each`);
  return mentionBudgets(await runner.againstRoundTrip(mentionCases, pairedRounds, parameters));
}

/** A measurement that came out wrong: exit code 1 (2 is for usage errors). */
function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
