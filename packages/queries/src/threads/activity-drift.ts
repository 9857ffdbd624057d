import { sql } from 'kysely';
import { InvalidQueryError } from '../invalid-query-error.ts';
import { runBatch, type WaddleDatabase } from '../waddle-database.ts';
import { boundLimit } from '../bound-limit.ts';

/** A thread or channel whose stored activity, or a message whose decoration flags, differ from what the source rows say. */
export type ActivityDrift = CounterDrift | DecorationDrift;

/** A thread or channel whose stored activity differs from what its messages say. */
export interface CounterDrift {
  readonly kind: 'thread' | 'channel';
  readonly id: number;
  readonly stored: Activity;
  readonly actual: Activity;
}

export interface Activity {
  readonly messageCount: number;
  readonly lastMessageId: number | null;
  readonly lastMessageAt: number | null;
}

/** A message whose `decorations` flags differ from what `reactions` and `message_attachments` hold. */
export interface DecorationDrift {
  readonly kind: 'message';
  readonly id: number;
  readonly stored: Decorations;
  readonly actual: Decorations;
}

/** What a page has to look up beside a message. */
export interface Decorations {
  readonly reactions: boolean;
  readonly attachments: boolean;
}

export interface DriftScan {
  readonly drift: readonly ActivityDrift[];
  /** Pass as `after` to scan the next slice; `null` when the scan reached the end. */
  readonly next: { readonly kind: ActivityDrift['kind']; readonly id: number } | null;
}

interface Row {
  id: number;
  message_count: number;
  last_message_id: number | null;
  last_message_at: number | null;
  actual_count: number;
  actual_last_id: number | null;
  actual_last_at: number | null;
}

interface MessageRow {
  id: number;
  decorations: number;
  actual: number;
}

/**
 * Recomputes the activity of threads, then channels, from `messages` (live messages only), then
 * the decoration flags of messages from `reactions` and `message_attachments`, and reports where
 * the stored values differ. The triggers should leave nothing to find; this is how to prove it,
 * and to find the damage of a write that bypassed them. It works in slices of `limit` rows so it
 * fits a Worker invocation on any database: pass the returned `next` back as `after` until it is
 * `null`.
 *
 * ```sql
 * SELECT t.id, t.message_count, t.last_message_id, t.last_message_at,
 *   (SELECT count(*) FROM messages WHERE thread_id = t.id AND is_deleted = 0) AS actual_count,
 *   (SELECT id FROM messages WHERE thread_id = t.id AND is_deleted = 0 ORDER BY id DESC LIMIT 1) AS actual_last_id,
 *   (SELECT created_at FROM messages WHERE thread_id = t.id AND is_deleted = 0 ORDER BY id DESC LIMIT 1) AS actual_last_at
 * FROM threads AS t WHERE t.id > ? ORDER BY t.id LIMIT CAST(? AS INTEGER)   -- then the same over channels (channel_id)
 *
 * SELECT m.id, m.decorations, (EXISTS (SELECT 1 FROM reactions WHERE message_id = m.id))
 *   | (EXISTS (SELECT 1 FROM message_attachments WHERE message_id = m.id) << 1) AS actual
 * FROM messages AS m WHERE m.id > ? ORDER BY m.id LIMIT CAST(? AS INTEGER)  -- then messages
 * ```
 */
export async function findActivityDrift(
  waddle: WaddleDatabase,
  options: { readonly after?: DriftScan['next']; readonly limit?: number } = {},
): Promise<DriftScan> {
  const limit = options.limit ?? 200;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new InvalidQueryError('limit', 'must be an integer from 1 to 1000');
  const kind = options.after?.kind ?? 'thread';
  const afterId = options.after?.id ?? 0;
  if (kind === 'message') return decorationDrift(waddle, afterId, limit);
  const rows = await activityDriftQuery(kind, afterId, limit).execute(waddle.db);
  const drift = rows.rows
    .filter((r) => r.message_count !== r.actual_count || r.last_message_id !== r.actual_last_id || r.last_message_at !== r.actual_last_at)
    .map((r) => ({
      kind,
      id: r.id,
      stored: { messageCount: r.message_count, lastMessageId: r.last_message_id, lastMessageAt: r.last_message_at },
      actual: { messageCount: r.actual_count, lastMessageId: r.actual_last_id, lastMessageAt: r.actual_last_at },
    }));
  const last = rows.rows.at(-1);
  const next =
    rows.rows.length === limit && last
      ? { kind, id: last.id }
      : { kind: kind === 'thread' ? ('channel' as const) : ('message' as const), id: 0 };
  return { drift, next };
}

async function decorationDrift(waddle: WaddleDatabase, afterId: number, limit: number): Promise<DriftScan> {
  const { rows } = await decorationDriftQuery(afterId, limit).execute(waddle.db);
  const flags = (bits: number): Decorations => ({ reactions: (bits & 1) === 1, attachments: (bits & 2) === 2 });
  const drift = rows
    .filter((r) => r.decorations !== r.actual)
    .map((r) => ({ kind: 'message' as const, id: r.id, stored: flags(r.decorations), actual: flags(r.actual) }));
  const last = rows.at(-1);
  return { drift, next: rows.length === limit && last ? { kind: 'message', id: last.id } : null };
}

/**
 * Rewrites the activity of the drifted threads and channels from their messages, in one atomic
 * batch; the values are recomputed inside the statements, so a message posted meanwhile is
 * counted. Returns how many rows it repaired.
 *
 * ```sql
 * UPDATE threads SET message_count = (SELECT count(*) …),
 *   (last_message_id, last_message_at) = (SELECT id, created_at FROM messages WHERE thread_id = threads.id AND is_deleted = 0 ORDER BY id DESC LIMIT 1)
 * WHERE id = ?;   -- one per drifted thread or channel
 * UPDATE messages SET decorations = (EXISTS (SELECT 1 FROM reactions WHERE message_id = messages.id))
 *   | (EXISTS (SELECT 1 FROM message_attachments WHERE message_id = messages.id) << 1) WHERE id = ?;   -- one per drifted message
 * ```
 */
export async function repairActivityDrift(waddle: WaddleDatabase, drift: readonly ActivityDrift[]): Promise<number> {
  if (drift.length === 0) return 0;
  const statements = drift.map((d) => {
    if (d.kind === 'message') {
      const update = sql`UPDATE messages SET decorations = ${actualDecorations('messages')} WHERE id = ${d.id}`;
      return { compile: () => update.compile(waddle.db) };
    }
    const table = sql.raw(d.kind === 'thread' ? 'threads' : 'channels');
    const key = sql.raw(d.kind === 'thread' ? 'thread_id' : 'channel_id');
    const update = sql`UPDATE ${table} SET
        message_count = (SELECT count(*) FROM messages WHERE ${key} = ${table}.id AND is_deleted = 0),
        (last_message_id, last_message_at) = (SELECT id, created_at FROM messages WHERE ${key} = ${table}.id AND is_deleted = 0 ORDER BY id DESC LIMIT 1)
      WHERE id = ${d.id}`;
    return { compile: () => update.compile(waddle.db) };
  });
  const results = await runBatch(waddle, statements);
  return results.reduce((sum, r) => sum + (r.meta.changes ?? 0), 0);
}

/** The recomputation of one slice of {@link findActivityDrift}, for its query plan. */
export function activityDriftQuery(kind: 'thread' | 'channel', afterId: number, limit: number) {
  const table = sql.raw(kind === 'thread' ? 'threads' : 'channels');
  const key = sql.raw(kind === 'thread' ? 'thread_id' : 'channel_id');
  return sql<Row>`SELECT t.id, t.message_count, t.last_message_id, t.last_message_at,
      (SELECT count(*) FROM messages WHERE ${key} = t.id AND is_deleted = 0) AS actual_count,
      (SELECT id FROM messages WHERE ${key} = t.id AND is_deleted = 0 ORDER BY id DESC LIMIT 1) AS actual_last_id,
      (SELECT created_at FROM messages WHERE ${key} = t.id AND is_deleted = 0 ORDER BY id DESC LIMIT 1) AS actual_last_at
    FROM ${table} AS t WHERE t.id > ${afterId} ORDER BY t.id LIMIT ${boundLimit(limit)}`;
}

/** The recomputation of one slice of messages of {@link findActivityDrift}, for its query plan. */
export function decorationDriftQuery(afterId: number, limit: number) {
  return sql<MessageRow>`SELECT m.id, m.decorations, ${actualDecorations('m')} AS actual
    FROM messages AS m WHERE m.id > ${afterId} ORDER BY m.id LIMIT ${boundLimit(limit)}`;
}

/** What `decorations` should be for the message `message` names, from the rows themselves. */
function actualDecorations(message: 'm' | 'messages') {
  const id = sql.raw(`${message}.id`);
  return sql<number>`(EXISTS (SELECT 1 FROM reactions WHERE message_id = ${id})) | (EXISTS (SELECT 1 FROM message_attachments WHERE message_id = ${id}) << 1)`;
}
