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

/** A row of the page statement: a message, the arm it came from, and its decorations as JSON. */
export interface PageRow {
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
  /** `o`: older than the anchor; `n`: the anchor and newer. */
  side: 'o' | 'n';
  /** JSON array of `[emoji, count, reacted (0/1), first reaction time]`. */
  reactions: string;
  /** JSON array of `[id, filename, size_bytes, mime_type, url]`. */
  attachments: string;
  /** JSON `[id, user_id, excerpt, is_deleted]` of the replied message, or `null`. */
  reply: string | null;
}

type ReactionJson = [emoji: string, count: number, reacted: 0 | 1, firstAt: number];
type AttachmentJson = [id: number, filename: string, sizeBytes: number, mimeType: string | null, url: string];
type ReplyJson = [id: number, authorId: number, excerpt: string | null, deleted: 0 | 1];

/** Turns a row of the page statement into what a client draws. */
export function toPageMessage(row: PageRow): PageMessage {
  const reactions = (JSON.parse(row.reactions) as ReactionJson[]).sort((a, b) => a[3] - b[3] || (a[0] < b[0] ? -1 : 1));
  const attachments = (JSON.parse(row.attachments) as AttachmentJson[]).sort((a, b) => a[0] - b[0]);
  const reply = row.reply === null ? undefined : (JSON.parse(row.reply) as ReplyJson);
  return {
    id: row.id,
    channelId: row.channel_id,
    threadId: row.thread_id,
    authorId: row.user_id,
    content: row.content,
    contentType: row.content_type,
    metadata: row.metadata === null ? null : JSON.parse(row.metadata),
    createdAt: row.created_at,
    editedAt: row.edited_at,
    editCount: row.edit_count,
    edited: row.edit_count > 0,
    pinned: row.is_pinned === 1,
    deleted: row.is_deleted === 1,
    replyTo: reply ? { id: reply[0], authorId: reply[1], excerpt: reply[3] === 1 ? null : reply[2], deleted: reply[3] === 1 } : null,
    reactions: reactions.map(([emoji, count, reacted]) => ({ emoji, count, reacted: reacted === 1 })),
    attachments: attachments.map(([id, filename, sizeBytes, mimeType, url]) => ({ id, filename, sizeBytes, mimeType, url })),
  };
}
