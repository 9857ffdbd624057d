import { type Compilable, sql } from 'kysely';
import { InvalidQueryError } from '../invalid-query-error.ts';
import { type MentionAuthority, mentionStatement, NO_MENTION_AUTHORITY } from '../mentions/mention-statement.ts';
import { writtenMentions } from '../mentions/mention-syntax.ts';
import { searchableText } from '../search/searchable-text.ts';
import { runBatch, type WaddleDatabase } from '../waddle-database.ts';
import { requireValidContent } from './require-valid-content.ts';

export interface NewMessage {
  readonly channelId: number;
  readonly threadId?: number | null;
  readonly authorId: number;
  readonly content: string;
  readonly contentType?: 'text' | 'image' | 'file' | 'system';
  /** Any JSON value (embeds, mentions); stored as JSON text. */
  readonly metadata?: unknown;
  readonly replyToId?: number | null;
  /**
   * The message replied to when it is in an older message shard than this one (no foreign key can
   * reach it; docs/message-shards.md): `postShardedMessage` sets it in place of `replyToId`.
   */
  readonly replyToElsewhereId?: number | null;
  /** When it was posted (ms since the epoch): the caller's clock. */
  readonly createdAt: number;
  /**
   * Which mentioned users are members and whether the author may mention everyone (see
   * `mentions/mention-statement`); without it, only mentions of mentionable roles are recorded.
   */
  readonly mentionAuthority?: MentionAuthority;
}

/**
 * Posts a message and indexes it for search in one atomic `batch()`: the message is never
 * visible without being searchable, nor indexed without existing. The schema's triggers update
 * the thread's and channel's activity in the same transaction. The database rejects an unknown
 * channel and a thread of another channel; content that is not well-formed text, holds control
 * characters other than tab and line breaks, or exceeds 10,000 code points raises
 * {@link InvalidQueryError} before anything is sent (see `requireValidContent`).
 *
 * With `enforceSlowMode`, the author's slow-mode clock for the channel is moved in the same batch;
 * the schema's trigger aborts the batch when the channel's `slow_mode_seconds` have not passed
 * since their last message there (so racing posts cannot both pass), and {@link SlowModeError}
 * is thrown with nothing written.
 *
 * ```sql
 * -- with enforceSlowMode:
 * INSERT INTO slow_mode_clocks (channel_id, user_id, last_message_at) VALUES (?, ?, ?)
 *   ON CONFLICT DO UPDATE SET last_message_at = excluded.last_message_at;
 * INSERT INTO messages (channel_id, thread_id, user_id, content, content_type, metadata, reply_to_id, created_at)
 *   VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id, created_at;
 * INSERT INTO messages_fts (rowid, body) VALUES (last_insert_rowid(), ?);
 * -- when the content mentions someone (see mentionStatement; the schema's trigger follows the thread for a mentioned member):
 * INSERT INTO message_mentions (message_id, kind, target_id, channel_id, thread_id) SELECT … WHERE m.id = last_insert_rowid() …;
 * ```
 *
 * The mentions (`<@id>`, `<@&id>`, `@everyone`, `@here`; see `writtenMentions`) are recorded in
 * the same batch, so a message is never seen without its mentions, and the schema's triggers
 * follow the thread for its author. Content naming more than 50 distinct users and roles raises
 * {@link InvalidQueryError}.
 *
 * @example
 * ```ts
 * const { id } = await postMessage(waddle, { channelId: 1, threadId: 7, authorId: 42, content: 'Hello!', createdAt: context.now });
 * ```
 */
export async function postMessage(
  waddle: WaddleDatabase,
  message: NewMessage,
  options: { readonly enforceSlowMode?: boolean } = {},
): Promise<{ id: number; createdAt: number }> {
  requireValidContent(message.content, 'content');
  writtenMentions(message.content, 'content');
  if (!options.enforceSlowMode) {
    const [posted] = await postMessages(waddle, [message]);
    return posted!;
  }
  try {
    const results = await runBatch(waddle, [slowModeClockStatement(waddle, message), ...postMessageStatements(waddle, [message]).flat()]);
    const row = results[1]!.results[0] as { id: number; created_at: number };
    return { id: row.id, createdAt: row.created_at };
  } catch (error) {
    throw isSlowModeRefusal(error) ? new SlowModeError(message.channelId) : error;
  }
}

/**
 * The statement that moves the author's slow-mode clock of the channel to the message's time; the
 * schema's trigger aborts it (and its batch) when the channel's `slow_mode_seconds` have not passed
 * (see {@link isSlowModeRefusal}). A sharded waddle's poster runs it in the primary, which holds the
 * channels, before posting into a later shard.
 *
 * ```sql
 * INSERT INTO slow_mode_clocks (channel_id, user_id, last_message_at) VALUES (?, ?, ?)
 *   ON CONFLICT DO UPDATE SET last_message_at = excluded.last_message_at
 * ```
 */
export function slowModeClockStatement(waddle: WaddleDatabase, message: NewMessage): Compilable {
  const clock = sql`INSERT INTO slow_mode_clocks (channel_id, user_id, last_message_at) VALUES (${message.channelId}, ${message.authorId}, ${message.createdAt})
    ON CONFLICT DO UPDATE SET last_message_at = excluded.last_message_at`;
  return { compile: () => clock.compile(waddle.db) };
}

/** Whether an error is the slow-mode trigger's refusal (`slow_mode`). */
export function isSlowModeRefusal(error: unknown): boolean {
  return error instanceof Error && error.message.includes('slow_mode');
}

/** The channel's slow mode refused the post: the author posted there too recently. Nothing was written. */
export class SlowModeError extends Error {
  override readonly name = 'SlowModeError';
  readonly channelId: number;

  constructor(channelId: number) {
    super(`channel ${channelId}: slow mode has not elapsed since this author's last message`);
    this.channelId = channelId;
  }
}

/**
 * Posts several messages (an import, a bot's burst) in one atomic `batch()`: each message with
 * its index entry, in order, so ids follow the array. Nothing is written when one message's
 * content is refused ({@link InvalidQueryError}, as for {@link postMessage}). At most 50 messages per call (D1 runs a batch
 * as one transaction, which must finish within its time limit).
 *
 * ```sql
 * -- for each message:
 * INSERT INTO messages (…) VALUES (…) RETURNING id, created_at;
 * INSERT INTO messages_fts (rowid, body) VALUES (last_insert_rowid(), ?);
 * INSERT INTO message_mentions … WHERE m.id = last_insert_rowid() …;   -- when it mentions someone
 * ```
 */
export async function postMessages(waddle: WaddleDatabase, messages: readonly NewMessage[]): Promise<{ id: number; createdAt: number }[]> {
  if (messages.length > 50) throw new InvalidQueryError('messages', 'at most 50 messages per batch');
  for (const [index, message] of messages.entries()) {
    requireValidContent(message.content, `messages[${index}].content`);
    writtenMentions(message.content, `messages[${index}].content`);
  }
  const perMessage = postMessageStatements(waddle, messages);
  const results = await runBatch(waddle, perMessage.flat());
  let first = 0;
  return perMessage.map((statements) => {
    const row = results[first]!.results[0] as { id: number; created_at: number };
    first += statements.length;
    return { id: row.id, createdAt: row.created_at };
  });
}

/**
 * Each message's statements, for a batch that writes messages with other statements (a sharded
 * waddle's poster adds the shard's skeleton rows): its insert returning its id and time, its
 * search index entry, and its mentions if any.
 *
 * ```sql
 * INSERT INTO messages (channel_id, thread_id, user_id, content, content_type, metadata, reply_to_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id, created_at;
 *   -- a reply to a message of an older shard: reply_to_elsewhere_id instead of reply_to_id
 * INSERT INTO messages_fts (rowid, body) VALUES (last_insert_rowid(), ?);
 * INSERT INTO message_mentions (message_id, kind, target_id, …) SELECT last_insert_rowid(), … -- when the content mentions someone
 * ```
 */
export function postMessageStatements(waddle: WaddleDatabase, messages: readonly NewMessage[]): Compilable[][] {
  return messages.map((message) => {
    const insert = waddle.db
      .insertInto('messages')
      .values({
        channel_id: message.channelId,
        thread_id: message.threadId ?? null,
        user_id: message.authorId,
        content: message.content,
        content_type: message.contentType ?? 'text',
        metadata: message.metadata === undefined ? null : JSON.stringify(message.metadata),
        reply_to_id: message.replyToId ?? null,
        // Only a reply to a message of an older shard names the column, so the statement of every other post is unchanged.
        ...(message.replyToElsewhereId == null ? {} : { reply_to_elsewhere_id: message.replyToElsewhereId }),
        created_at: message.createdAt,
      })
      .returning(['id', 'created_at']);
    const index = sql`INSERT INTO messages_fts (rowid, body) VALUES (last_insert_rowid(), ${searchableText(message.content)})`;
    // The FTS insert leaves last_insert_rowid() at the message's id (its rowid), and mentions are a WITHOUT ROWID table.
    const mentions = mentionStatement(
      waddle.db,
      sql<number>`last_insert_rowid()`,
      writtenMentions(message.content),
      message.mentionAuthority ?? NO_MENTION_AUTHORITY,
    );
    return [insert, { compile: () => index.compile(waddle.db) }, ...(mentions ? [mentions] : [])];
  });
}
