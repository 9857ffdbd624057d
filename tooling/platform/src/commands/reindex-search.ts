import { type CommandLine, parseCommandLine } from '@waddle/command-line/parse-command-line';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import { reindexEmojiMessages } from '@waddle/queries/search/reindex-emoji-messages';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import { type DatabaseDirectoryRow, describeDatabase } from '@waddle/registry/database-directory-row';
import { listAllDatabases } from '@waddle/registry/list-databases';
import { localTarget } from '../targets/local-target.ts';
import { remoteTargetFromEnvironment } from '../targets/remote-target-from-environment.ts';
import { textTable } from '../text-table.ts';
import { type CommandIo, consoleIo } from './command-io.ts';
import { TARGET_OPTION } from './target-option.ts';

/** `waddle reindex-search`: its usage and options. */
export const REINDEX_SEARCH_COMMAND_LINE = {
  command: 'waddle reindex-search',
  description: [
    'Rewrites the search-index entries of messages that hold emoji in every waddle database of the',
    'registry and every message shard of a waddle (sealed or active; an opening one has no messages',
    'yet), so messages indexed before emoji became searchable are found by them (run once after',
    'upgrading; running it again changes nothing). Works in slices of 500 messages by id, a line of',
    'progress per slice; exit code 1 when a database failed (run it again: it is idempotent).',
  ].join('\n'),
  options: { target: TARGET_OPTION },
} satisfies CommandLine;

/** What the command did to one waddle database. */
interface ReindexOutcome {
  readonly database: string;
  readonly d1DatabaseId: string;
  readonly scanned: number;
  readonly reindexed: number;
  readonly error?: string;
}

/**
 * Whether `reindex-search` rewrites a database's index: a waddle's primary, and a message shard
 * that serves messages (`active` or `sealed`). An `opening` shard holds no message yet and may
 * not be migrated; the switch that completes it hands it no old-style entry.
 */
function holdsSearchIndex(row: DatabaseDirectoryRow): boolean {
  return row.role === 'waddle' || (row.role === 'message_shard' && row.message_state !== 'opening');
}

/**
 * `waddle reindex-search [--target local|remote]`: runs `reindexEmojiMessages` over every waddle
 * database of the directory of databases and every serving message shard (docs/message-shards.md:
 * each shard holds the index of its own messages) to its end, one database after another, then
 * prints a table (database, messages scanned, entries rewritten, error). Exit code 1 when any
 * database failed, 2 for bad arguments. Each slice is idempotent, so a rerun after a failure (or
 * an interruption) simply does the work again and finishes it.
 *
 * ```sql
 * SELECT d.*, w.id AS waddle_id, w.name AS waddle_name FROM databases d LEFT JOIN waddles w ON w.primary_database_id = d.id
 * WHERE d.id > ? ORDER BY d.id LIMIT ?;   -- once per page; kept: role 'waddle', or 'message_shard' not 'opening'
 * ```
 */
export async function reindexSearchCommand(argv: readonly string[], io: CommandIo = consoleIo, target?: DatabaseTarget): Promise<number> {
  const parsed = parseCommandLine(REINDEX_SEARCH_COMMAND_LINE, argv, io);
  if ('exitCode' in parsed) return parsed.exitCode;
  const chosen = target ?? (parsed.values.target === 'remote' ? remoteTargetFromEnvironment() : localTarget());
  const central = await chosen.open([chosen.centralDatabaseId]);
  let registry: DatabaseDirectoryRow[];
  try {
    registry = (await listAllDatabases(central.get(chosen.centralDatabaseId))).filter(holdsSearchIndex);
  } finally {
    await central.dispose();
  }
  const databases = await chosen.open(registry.map((row) => row.d1_database_id));
  const outcomes: ReindexOutcome[] = [];
  try {
    for (const [index, row] of registry.entries()) {
      let scanned = 0;
      let reindexed = 0;
      try {
        const waddle = openWaddleDatabase(databases.get(row.d1_database_id));
        for (let after: number | null = 0; after !== null; ) {
          const slice = await reindexEmojiMessages(waddle, { after });
          scanned += slice.scanned;
          reindexed += slice.reindexed;
          after = slice.next;
          io.progress(`${index + 1}/${registry.length} ${describeDatabase(row)}: ${scanned} messages scanned, ${reindexed} rewritten\n`);
        }
        outcomes.push({ database: describeDatabase(row), d1DatabaseId: row.d1_database_id, scanned, reindexed });
      } catch (error) {
        outcomes.push({
          database: describeDatabase(row),
          d1DatabaseId: row.d1_database_id,
          scanned,
          reindexed,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  } finally {
    await databases.dispose();
  }
  io.out(
    textTable([
      ['database', 'D1 id', 'scanned', 'rewritten', 'error'],
      ...outcomes.map((o) => [o.database, o.d1DatabaseId, String(o.scanned), String(o.reindexed), o.error ?? '-']),
    ]),
  );
  const failed = outcomes.filter((o) => o.error !== undefined);
  io.out(
    `${outcomes.length} waddle databases and message shards, ${outcomes.reduce((sum, o) => sum + o.reindexed, 0)} index entries rewritten, ${failed.length} failed, on the ${chosen.name} target`,
  );
  return failed.length > 0 ? 1 : 0;
}
