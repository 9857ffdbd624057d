/** A reaction on a message, as a client draws it. */
export interface PageReaction {
  readonly emoji: string;
  readonly count: number;
  /** The viewer is among those who reacted. */
  readonly reacted: boolean;
}

export interface PageAttachment {
  readonly id: number;
  readonly filename: string;
  readonly sizeBytes: number;
  readonly mimeType: string | null;
  readonly url: string;
}

/** What a page says about the message a message replies to. */
export interface ReplyReference {
  readonly id: number;
  readonly authorId: number;
  /** The first 200 characters; `null` when that message was deleted. */
  readonly excerpt: string | null;
  readonly deleted: boolean;
}

/** A message with everything a client draws beside it. */
export interface PageMessage {
  readonly id: number;
  readonly channelId: number;
  readonly threadId: number | null;
  readonly authorId: number;
  /** `null` for a deleted message (a placeholder). */
  readonly content: string | null;
  readonly contentType: 'text' | 'image' | 'file' | 'system';
  readonly metadata: unknown;
  readonly createdAt: number;
  readonly editedAt: number | null;
  readonly editCount: number;
  readonly edited: boolean;
  readonly pinned: boolean;
  readonly deleted: boolean;
  /** Set when this message replies to another; `null` also when that one was hard-deleted. */
  readonly replyTo: ReplyReference | null;
  /** In the order they were first added. */
  readonly reactions: readonly PageReaction[];
  readonly attachments: readonly PageAttachment[];
}

interface MessageRow {
  id: number;
  channel_id: number;
  thread_id: number | null;
  user_id: number;
  content: string | null;
  content_type: PageMessage['contentType'];
  metadata: string | null;
  reply_to_id: number | null;
  edit_count: number;
  is_pinned: 0 | 1;
  is_deleted: 0 | 1;
  created_at: number;
  edited_at: number | null;
}

interface ReactionRow {
  message_id: number;
  emoji: string;
  count: number;
  reacted: number;
  first_at: number;
}

interface AttachmentRow {
  id: number;
  message_id: number;
  filename: string;
  size_bytes: number;
  mime_type: string | null;
  url: string;
}

interface ReplyRow {
  id: number;
  user_id: number;
  excerpt: string | null;
  is_deleted: 0 | 1;
}

/** The rows of a page's batch, by statement. */
export interface PageRows {
  readonly older: readonly MessageRow[];
  readonly newer: readonly MessageRow[];
  readonly reactions: readonly ReactionRow[];
  readonly attachments: readonly AttachmentRow[];
  readonly replies: readonly ReplyRow[];
}

/** Joins the page's messages with their reactions, attachments and reply references. */
export function toPageMessages(messages: readonly MessageRow[], rows: PageRows): PageMessage[] {
  const reactions = groupBy(
    [...rows.reactions].sort((a, b) => a.first_at - b.first_at || (a.emoji < b.emoji ? -1 : 1)),
    (r) => r.message_id,
  );
  const attachments = groupBy(rows.attachments, (a) => a.message_id);
  const replies = new Map(rows.replies.map((r) => [r.id, r]));
  return messages.map((m) => {
    const reply = m.reply_to_id === null ? undefined : replies.get(m.reply_to_id);
    return {
      id: m.id,
      channelId: m.channel_id,
      threadId: m.thread_id,
      authorId: m.user_id,
      content: m.content,
      contentType: m.content_type,
      metadata: m.metadata === null ? null : JSON.parse(m.metadata),
      createdAt: m.created_at,
      editedAt: m.edited_at,
      editCount: m.edit_count,
      edited: m.edit_count > 0,
      pinned: m.is_pinned === 1,
      deleted: m.is_deleted === 1,
      replyTo: reply
        ? { id: reply.id, authorId: reply.user_id, excerpt: reply.is_deleted === 1 ? null : reply.excerpt, deleted: reply.is_deleted === 1 }
        : null,
      reactions: (reactions.get(m.id) ?? []).map((r) => ({ emoji: r.emoji, count: r.count, reacted: r.reacted === 1 })),
      attachments: (attachments.get(m.id) ?? []).map((a) => ({
        id: a.id,
        filename: a.filename,
        sizeBytes: a.size_bytes,
        mimeType: a.mime_type,
        url: a.url,
      })),
    };
  });
}

function groupBy<T>(items: readonly T[], key: (item: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
