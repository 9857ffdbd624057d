import { copyFileSync, existsSync, renameSync, statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';

/** Shards the benchmark serves the synthetic waddle's messages from. */
export const BENCH_SHARDS = 3;

/** The synthetic waddle split into message shards: one SQLite file per shard, the primary first. */
export interface ShardSplit {
  readonly files: readonly string[];
  /** The first message id of each shard's range: 1 for the primary. */
  readonly firstMessageIds: readonly number[];
}

/**
 * What the primary alone holds (docs/message-shards.md, section 2): emptied in every later shard.
 * `roles` stays: every migrated database has the default role, which cannot be deleted.
 */
const PRIMARY_ONLY_TABLES = [
  'categories',
  'member_roles',
  'bans',
  'voice_session_participants',
  'voice_sessions',
  'read_states',
  'slow_mode_clocks',
  'thread_follows',
  'channel_notification_levels',
  'channel_overwrites',
];
/** The tables that grow with messages and live in their message's shard. */
const MESSAGE_CHILD_TABLES = ['message_edits', 'reactions', 'message_attachments', 'message_mentions'];

/**
 * Splits the synthetic waddle at `source` into `count` shards by equal id ranges, the way a
 * waddle grown through `count - 1` switches is left (docs/message-shards.md): each shard a copy
 * of the waddle that keeps only the messages of its range with their edits, reactions,
 * attachments, mentions and index entries (removed through the schema's own triggers, so the
 * search index and the activity shares stay consistent); every later shard keeps only skeleton
 * rows of the channels and threads its messages are in and none of the primary's own tables; each
 * shard's id sequence ends where the next one's range starts (the continued sequence). A reply to
 * a message of another shard loses its reference, as across shards today. Files are
 * `<source>.shard-<k>-of-<count>.sqlite`, rebuilt when older than the source, else reused.
 *
 * ```sql
 * SELECT max(id) AS last FROM messages;                                  -- the source, for the ranges
 * -- on each copy, foreign keys off, in one transaction (outside: id < low OR id >= high):
 * DELETE FROM message_edits WHERE message_id < ? OR message_id >= ?;    -- and reactions, message_attachments, message_mentions
 * UPDATE messages SET reply_to_id = NULL WHERE reply_to_id IS NOT NULL AND (reply_to_id < ? OR reply_to_id >= ?);
 * DELETE FROM messages WHERE id < ? OR id >= ?;                         -- the triggers take the index entries and activity
 * DELETE FROM categories; …                                              -- later shards: the primary's own tables
 * DELETE FROM threads WHERE id NOT IN (SELECT thread_id FROM messages WHERE thread_id IS NOT NULL);
 * DELETE FROM channels WHERE id NOT IN (SELECT channel_id FROM messages);
 * UPDATE channels SET category_id = NULL;
 * UPDATE sqlite_sequence SET seq = ? WHERE name = 'messages';           -- every shard but the newest
 * VACUUM;
 * ```
 */
export function splitIntoShards(source: string, count: number, log: (line: string) => void): ShardSplit {
  const pristine = new DatabaseSync(source, { readOnly: true });
  const { last } = pristine.prepare('SELECT max(id) AS last FROM messages').get() as { last: number };
  pristine.close();
  const firstMessageIds = Array.from({ length: count }, (_, k) => (k === 0 ? 1 : Math.floor((last * k) / count) + 1));
  const files = firstMessageIds.map((_, k) => source.replace(/\.sqlite$/, `.shard-${k + 1}-of-${count}.sqlite`));
  for (const [k, file] of files.entries()) {
    if (existsSync(file) && statSync(file).mtimeMs >= statSync(source).mtimeMs) continue;
    const started = performance.now();
    const low = firstMessageIds[k]!;
    const high = firstMessageIds[k + 1] ?? Number.MAX_SAFE_INTEGER;
    // Built aside and renamed when complete, so a split that stopped is never reused.
    const building = `${file}.building`;
    copyFileSync(source, building);
    const db = new DatabaseSync(building);
    // Children are removed by range first: with foreign keys on, each deleted message would look them up one by one.
    db.exec('PRAGMA foreign_keys = OFF');
    db.exec('BEGIN');
    const outside = (column: string) => `(${column} < ${low} OR ${column} >= ${high})`;
    for (const table of MESSAGE_CHILD_TABLES) db.exec(`DELETE FROM ${table} WHERE ${outside('message_id')}`);
    db.exec(`UPDATE messages SET reply_to_id = NULL WHERE reply_to_id IS NOT NULL AND ${outside('reply_to_id')}`);
    db.exec(`DELETE FROM messages WHERE ${outside('id')}`);
    if (k > 0) {
      for (const table of PRIMARY_ONLY_TABLES) db.exec(`DELETE FROM ${table}`);
      db.exec('DELETE FROM threads WHERE id NOT IN (SELECT thread_id FROM messages WHERE thread_id IS NOT NULL)');
      db.exec('DELETE FROM channels WHERE id NOT IN (SELECT channel_id FROM messages)');
      // What the foreign key's ON DELETE SET NULL does once the categories are gone.
      db.exec('UPDATE channels SET category_id = NULL');
    }
    if (high !== Number.MAX_SAFE_INTEGER) db.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'messages'").run(high - 1);
    db.exec('COMMIT');
    db.exec('VACUUM');
    db.close();
    renameSync(building, file);
    log(`  shard ${k + 1} of ${count}: ids from ${low}, ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  return { files, firstMessageIds };
}
