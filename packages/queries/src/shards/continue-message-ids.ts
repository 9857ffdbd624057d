import { type Compilable, sql } from 'kysely';
import { InvalidQueryError } from '../invalid-query-error.ts';
import { runBatch, type WaddleDatabase } from '../waddle-database.ts';

/**
 * The statements that make a message shard's next message id `lastId + 1` (or keep a larger one
 * the shard already reached), for a caller's batch: the shard switch runs them in the batch that
 * opens the new shard, with the last id the sealed shard handed out.
 *
 * Message ids are `INTEGER PRIMARY KEY AUTOINCREMENT`: SQLite gives a new row one more than the
 * larger of the table's largest id and its `sqlite_sequence.seq`, so writing `seq` continues the
 * waddle's one sequence in a new database (verified on local D1 in `test/message-id-sequence.test.ts`:
 * D1 accepts writes to `sqlite_sequence`; Cloudflare's docs say nothing either way, see
 * docs/message-shards.md). `sqlite_sequence` has no unique key, so a plain `INSERT` run twice would
 * leave two rows: the `UPDATE` moves an existing row, never backwards, and the `INSERT` adds the row
 * only when there is none, which makes the pair idempotent and safe to resume.
 *
 * ```sql
 * UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'messages';
 * INSERT INTO sqlite_sequence (name, seq) SELECT 'messages', ? WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'messages');
 * ```
 *
 * Raw SQL: `sqlite_sequence` is SQLite's bookkeeping, which the generated types leave out.
 */
export function continueMessageIdsQueries(waddle: WaddleDatabase, lastId: number): Compilable[] {
  if (!Number.isSafeInteger(lastId) || lastId < 0) throw new InvalidQueryError('lastId', 'must be an integer from 0');
  const move = sql`UPDATE sqlite_sequence SET seq = max(seq, ${lastId}) WHERE name = 'messages'`;
  const add = sql`INSERT INTO sqlite_sequence (name, seq) SELECT 'messages', ${lastId}
    WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'messages')`;
  return [move, add].map((statement) => ({ compile: () => statement.compile(waddle.db) }));
}

/**
 * Runs {@link continueMessageIdsQueries} in one batch and reads back the sequence: returns the id
 * the shard's next message will get.
 *
 * ```sql
 * UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'messages';
 * INSERT INTO sqlite_sequence (name, seq) SELECT 'messages', ? WHERE NOT EXISTS (…);
 * SELECT coalesce(max(seq), 0) + 1 AS next FROM sqlite_sequence WHERE name = 'messages';
 * ```
 *
 * @example
 * ```ts
 * const sealedLast = await lastHandedOutMessageId(oldShard);
 * await continueMessageIds(newShard, sealedLast); // → sealedLast + 1
 * ```
 */
export async function continueMessageIds(waddle: WaddleDatabase, lastId: number): Promise<number> {
  const results = await runBatch(waddle, [...continueMessageIdsQueries(waddle, lastId), nextMessageIdQuery(waddle)]);
  return (results[2]?.results[0] as { next: number } | undefined)?.next ?? lastId + 1;
}

/**
 * The largest message id a database has ever handed out (hard-deleted messages included: their ids
 * are never reused), 0 when it has handed out none: where the next shard's range starts after.
 *
 * ```sql
 * SELECT coalesce(max(seq), 0) + 1 AS next FROM sqlite_sequence WHERE name = 'messages';
 * ```
 */
export async function lastHandedOutMessageId(waddle: WaddleDatabase): Promise<number> {
  const [result] = await runBatch(waddle, [nextMessageIdQuery(waddle)]);
  return ((result?.results[0] as { next: number } | undefined)?.next ?? 1) - 1;
}

function nextMessageIdQuery(waddle: WaddleDatabase): Compilable<{ next: number }> {
  const statement = sql<{ next: number }>`SELECT coalesce(max(seq), 0) + 1 AS next FROM sqlite_sequence WHERE name = 'messages'`;
  return { compile: () => statement.compile(waddle.db) };
}
