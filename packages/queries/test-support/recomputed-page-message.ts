import type { DB } from '@waddle/waddle-schema/database';
import type { Selectable } from 'kysely';
import type { PageMessage } from '../src/pagination/page-message.ts';

/** The columns of a message that a page draws. */
export type RecomputedMessageRow = Pick<
  Selectable<DB['messages']>,
  | 'id'
  | 'channel_id'
  | 'thread_id'
  | 'user_id'
  | 'content'
  | 'content_type'
  | 'metadata'
  | 'reply_to_id'
  | 'edit_count'
  | 'is_pinned'
  | 'is_deleted'
  | 'created_at'
  | 'edited_at'
>;

/** A reaction row, as a page counts it. */
export type RecomputedReactionRow = Pick<Selectable<DB['reactions']>, 'message_id' | 'emoji' | 'user_id' | 'created_at'>;

/** An attachment row, as a page lists it. */
export type RecomputedAttachmentRow = Pick<
  Selectable<DB['message_attachments']>,
  'id' | 'message_id' | 'filename' | 'size_bytes' | 'mime_type' | 'url'
>;

/** The rows a message's decorations are recomputed from. */
export interface MessageDecorationRows {
  /** Every reaction on the message. */
  readonly reactions: readonly RecomputedReactionRow[];
  /** Every attachment of the message, in id order. */
  readonly attachments: readonly RecomputedAttachmentRow[];
  /** The message it replies to; `undefined` when it replies to none, or to one hard-deleted. */
  readonly repliedTo: RecomputedMessageRow | undefined;
  readonly viewerId: number;
}

/**
 * A message as a page should draw it for `viewerId`, recomputed straight from its rows with no
 * flag or stored decoration consulted: the test oracle of the message page
 * (`packages/queries/test/message-page.test.ts`) and of the benchmark-shaped waddle
 * (`tooling/bench/test/page-decorations.test.ts`). Reactions by emoji in the order they were
 * first added (ties by emoji), the reply's excerpt its first 200 characters. Runs no SQL.
 *
 * @example
 * ```ts
 * expect(page.messages[0]).toEqual(recomputedPageMessage(row, { reactions, attachments, repliedTo: undefined, viewerId: 1 }));
 * ```
 */
export function recomputedPageMessage(message: RecomputedMessageRow, rows: MessageDecorationRows): PageMessage {
  const byEmoji = new Map<string, { emoji: string; count: number; reacted: boolean; firstAt: number }>();
  for (const r of rows.reactions) {
    const entry = byEmoji.get(r.emoji) ?? { emoji: r.emoji, count: 0, reacted: false, firstAt: r.created_at };
    byEmoji.set(r.emoji, {
      emoji: r.emoji,
      count: entry.count + 1,
      reacted: entry.reacted || r.user_id === rows.viewerId,
      firstAt: Math.min(entry.firstAt, r.created_at),
    });
  }
  const target = rows.repliedTo;
  return {
    id: message.id,
    channelId: message.channel_id,
    threadId: message.thread_id,
    authorId: message.user_id,
    content: message.content,
    contentType: message.content_type,
    metadata: message.metadata === null ? null : JSON.parse(message.metadata),
    createdAt: message.created_at,
    editedAt: message.edited_at,
    editCount: message.edit_count,
    edited: message.edit_count > 0,
    pinned: message.is_pinned === 1,
    deleted: message.is_deleted === 1,
    replyTo: target
      ? {
          id: target.id,
          authorId: target.user_id,
          excerpt: target.is_deleted === 1 ? null : [...target.content!].slice(0, 200).join(''),
          deleted: target.is_deleted === 1,
        }
      : null,
    reactions: [...byEmoji.values()]
      .sort((a, b) => a.firstAt - b.firstAt || (a.emoji < b.emoji ? -1 : 1))
      .map(({ emoji, count, reacted }) => ({ emoji, count, reacted })),
    attachments: rows.attachments.map((a) => ({
      id: a.id,
      filename: a.filename,
      sizeBytes: a.size_bytes,
      mimeType: a.mime_type,
      url: a.url,
    })),
  };
}
