import { type Clock, systemClock } from '@waddle/clock/clock';
import { type CommandLine, parseCommandLine, usageError } from '@waddle/command-line/parse-command-line';
import type { D1DatabaseLike } from '@waddle/d1/database';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import { type RebalanceNamespace, type RebalanceReport, rebalanceSlices } from '@waddle/provisioning/rebalance-slices';
import { cloudflareApiSettings } from '@waddle/registry/cloudflare-api-settings';
import { SLICE_CAPACITY } from '@waddle/slice-worker/slice-capacity';
import { httpSliceDispatcher } from '@waddle/slice-worker/http-slice-dispatcher';
import { LOCAL_ACCOUNT_ID, LOCAL_DISPATCH_NAMESPACE } from '../local/local-d1-api.ts';
import { localSliceNamespace } from '../local/local-slice-namespace.ts';
import { readLocalSecrets } from '../local/local-secrets.ts';
import { REPOSITORY_ROOT } from '../local/repository-root.ts';
import { sliceScript } from '../local/slice-script.ts';
import { localTarget } from '../targets/local-target.ts';
import { remoteTargetFromEnvironment } from '../targets/remote-target-from-environment.ts';
import { textTable } from '../text-table.ts';
import { type CommandIo, consoleIo } from './command-io.ts';

/** Where `waddle up` serves the local API (and so its dispatch namespace). */
const LOCAL_API = 'http://127.0.0.1:8789';

/** `waddle slices`: its usage and options. */
export const SLICES_COMMAND_LINE = {
  command: 'waddle slices',
  positionals: ['<rebalance>'],
  description: [
    'rebalance: moves every database of the directory of databases that no slice reaches (served by a static',
    'binding or by the REST API only) into slices with room, a chunk per upload: under the slice lease, one',
    'upload with the databases it keeps plus the chunk, a read of each through the slice, then the directory',
    'rows. Changes no data; prints a line per chunk; run it again to finish a run that stopped (a second run',
    'does nothing). Exit code 1 when a chunk failed or a database was left out. Local: the API `npm start`',
    'serves (127.0.0.1:8789). Remote: SLICES_NAMESPACE (default waddle-slices) on the account, reads through',
    'SLICES_DISPATCH_URL when set.',
  ].join('\n'),
  options: {
    target: {
      type: 'string',
      value: 'TARGET',
      choices: ['local', 'remote'],
      default: 'local',
      description:
        'local: the running local API; remote: CLOUDFLARE_ACCOUNT_ID, CLOUDFLARE_API_TOKEN, WADDLE_CENTRAL_DATABASE_ID (and SLICES_NAMESPACE)',
    },
    chunk: { type: 'string', value: 'N', default: String(SLICE_CAPACITY), description: `databases per upload, 1 to ${SLICE_CAPACITY}` },
  },
} satisfies CommandLine;

/** What the command runs against (tests hand it their own local API and central database). */
export interface SlicesCommandSettings {
  readonly target: DatabaseTarget;
  readonly slices: RebalanceNamespace;
  readonly clock?: Clock;
}

/**
 * `waddle slices rebalance [--target local|remote] [--chunk N]`: `rebalanceSlices` over the
 * directory of the target's central database, a progress line per chunk, then a summary and
 * the databases left out. Exit code 0 when every database no slice reached was moved, 1 when a
 * chunk failed (the error is printed; what was moved stays moved) or a database was left out,
 * 2 for bad arguments.
 */
export async function slicesCommand(argv: readonly string[], io: CommandIo = consoleIo, settings?: SlicesCommandSettings): Promise<number> {
  const parsed = parseCommandLine(SLICES_COMMAND_LINE, argv, io);
  if ('exitCode' in parsed) return parsed.exitCode;
  if (parsed.positionals[0] !== 'rebalance')
    return usageError(SLICES_COMMAND_LINE, `unknown action ${parsed.positionals[0]} (use: slices rebalance)`, io);
  const chunkSize = Number(parsed.values.chunk);
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > SLICE_CAPACITY)
    return usageError(SLICES_COMMAND_LINE, `--chunk must be an integer from 1 to ${SLICE_CAPACITY}`, io);

  let chosen: SlicesCommandSettings;
  try {
    chosen = settings ?? (parsed.values.target === 'remote' ? await remoteSettings() : await localSettings());
  } catch (error) {
    io.err(`waddle slices: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const opened = await chosen.target.open([chosen.target.centralDatabaseId]);
  const central: D1DatabaseLike = opened.get(chosen.target.centralDatabaseId);
  let report: RebalanceReport | undefined;
  let failure: unknown;
  let moved = 0;
  const started = performance.now();
  try {
    report = await rebalanceSlices(central, chosen.slices, {
      chunkSize,
      clock: chosen.clock ?? systemClock,
      onProgress: ({ slice, moved: chunk, done, total }) => {
        moved = done;
        io.progress(`${done}/${total} moved ${chunk.length} databases into ${slice}\n`);
      },
    });
  } catch (error) {
    failure = error;
  } finally {
    await opened.dispose();
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (!report) {
    io.out(`${moved} databases moved into slices before a chunk failed, in ${seconds} s; run it again to move the rest`);
    io.out(`FAILED: ${failure instanceof Error ? failure.message : String(failure)}`);
    return 1;
  }
  if (report.skipped.length > 0)
    io.out(textTable([['left out', 'reason'], ...report.skipped.map((skipped) => [skipped.d1DatabaseId, skipped.reason])]));
  io.out(
    report.total === 0
      ? `every database is in a slice already (${seconds} s)`
      : `${report.moved.length} of ${report.total} databases moved into slices with ${report.uploads} uploads in ${seconds} s, ${report.skipped.length} left out`,
  );
  return report.skipped.length > 0 ? 1 : 0;
}

/** The running local API of `npm start`: its token from the local secrets, the local central database. */
async function localSettings(): Promise<SlicesCommandSettings> {
  const secrets = await readLocalSecrets(REPOSITORY_ROOT);
  if (!secrets) throw new Error('no local secrets yet: start the local platform first (npm start)');
  return {
    target: localTarget(),
    slices: await localSliceNamespace({
      baseUrl: `${LOCAL_API}/client/v4`,
      dispatchUrl: `${LOCAL_API}/dispatch/${LOCAL_DISPATCH_NAMESPACE}`,
      accountId: LOCAL_ACCOUNT_ID,
      apiToken: secrets.cloudflareApiToken,
      namespace: LOCAL_DISPATCH_NAMESPACE,
    }),
  };
}

/** The account of the environment (as `--target remote` of the other commands), its dispatch namespace `SLICES_NAMESPACE`. */
async function remoteSettings(environment: NodeJS.ProcessEnv = process.env): Promise<SlicesCommandSettings> {
  const target = remoteTargetFromEnvironment(environment);
  const api = cloudflareApiSettings(environment);
  if (!api) throw new Error('the remote target needs CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN in the environment');
  const dispatchUrl = environment.SLICES_DISPATCH_URL;
  return {
    target,
    slices: {
      api,
      namespace: environment.SLICES_NAMESPACE || LOCAL_DISPATCH_NAMESPACE,
      script: await sliceScript(),
      ...(dispatchUrl ? { dispatcher: httpSliceDispatcher(dispatchUrl) } : {}),
    },
  };
}
