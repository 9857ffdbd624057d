import { systemClock } from '@waddle/clock/clock';
import { type CommandLine, parseCommandLine, usageError } from '@waddle/command-line/parse-command-line';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import { MessageShardBusyError } from '@waddle/provisioning/message-shard-busy-error';
import { openMessageShard } from '@waddle/provisioning/open-message-shard';
import { readMessageShardMap, servingShards } from '@waddle/registry/message-shard-map';
import { localTarget } from '../targets/local-target.ts';
import { remoteTargetFromEnvironment } from '../targets/remote-target-from-environment.ts';
import { textTable } from '../text-table.ts';
import { type CommandIo, consoleIo } from './command-io.ts';
import { TARGET_OPTION } from './target-option.ts';
import { userIdArgument } from './user-id-argument.ts';

/** `waddle shard`: its usage and options. */
export const SHARD_COMMAND_LINE = {
  command: 'waddle shard',
  positionals: ['<open>', '<waddle-id>'],
  description: [
    "open: opens a new message shard for a waddle and hands it the waddle's new messages, sealing its newest",
    'shard (docs/message-shards.md): a new database registered as opening, migrated, the old shard sealed and',
    'fenced, the id sequence continued, the new shard activated. Prints each step and the shard map after.',
    'Run it again to complete a switch that stopped (once its lease expired, 120 s). Exit code 1 when the',
    'waddle does not exist, another switch holds its lease, or a step failed.',
  ].join('\n'),
  options: { target: TARGET_OPTION },
} satisfies CommandLine;

/**
 * `waddle shard open <waddle-id> [--target local|remote]`: runs `openMessageShard` for the waddle,
 * replacing its newest serving shard, and prints each step, then the shard map (database, first
 * message id, state). A rerun after a failure completes the same switch; a rerun after success
 * opens the next shard. Exit code 1 for an unknown waddle, a busy lease or a failed step, 2 for
 * bad arguments.
 */
export async function shardCommand(argv: readonly string[], io: CommandIo = consoleIo, given?: DatabaseTarget): Promise<number> {
  const parsed = parseCommandLine(SHARD_COMMAND_LINE, argv, io);
  if ('exitCode' in parsed) return parsed.exitCode;
  const [action, waddle = ''] = parsed.positionals;
  if (action !== 'open') return usageError(SHARD_COMMAND_LINE, `unknown action ${action} (use: shard open <waddle-id>)`, io);
  const waddleId = userIdArgument(waddle);
  if (waddleId === null) return usageError(SHARD_COMMAND_LINE, `<waddle-id> must be a positive integer, not '${waddle}'`, io);

  const target = given ?? (parsed.values.target === 'remote' ? remoteTargetFromEnvironment() : localTarget());
  const opened = await target.open([target.centralDatabaseId]);
  const central = opened.get(target.centralDatabaseId);
  try {
    const map = await readMessageShardMap(central, waddleId);
    if (!map) {
      io.err(`waddle shard: there is no waddle ${waddleId}`);
      return 1;
    }
    const replacing = servingShards(map).at(-1)!.d1DatabaseId;
    const shard = await openMessageShard(central, target, waddleId, replacing, {
      clock: systemClock,
      holder: `waddle-shard-${process.pid}`,
      afterStep: (step) => io.progress(`${step}\n`),
    });
    const after = (await readMessageShardMap(central, waddleId))!;
    io.out(
      textTable([
        ['database', 'first message id', 'state'],
        ...after.shards.map((entry) => [entry.d1DatabaseId, String(entry.firstMessageId), entry.state]),
      ]),
    );
    io.out(`waddle ${waddleId}: ${shard.d1DatabaseId} takes new messages from id ${shard.firstMessageId}`);
    return 0;
  } catch (error) {
    io.err(
      error instanceof MessageShardBusyError
        ? `waddle shard: ${error.message}`
        : `waddle shard: the switch stopped: ${error instanceof Error ? error.message : String(error)}; run it again to complete it`,
    );
    return 1;
  } finally {
    await opened.dispose();
  }
}
