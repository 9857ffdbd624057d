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

/**
 * A row of the page statement, read as an array (D1's `raw()`): the message's columns, the arm it
 * came from (`o`: older than the anchor; `n`: the anchor and newer), then, as JSON or `null` where
 * the message has none, its reactions (`[emoji, count, reacted (0/1), first reaction time]` per
 * emoji), its attachments (`[id, filename, size_bytes, mime_type, url]`) and the message it
 * replies to (`[id, user_id, excerpt, is_deleted]`, or `[id]` alone when it is in an older message
 * shard, which this database cannot read: see `readMessagePage`).
 */
export type PageRow = [
  id: number,
  channelId: number,
  threadId: number | null,
  authorId: number,
  content: string | null,
  contentType: PageMessage['contentType'],
  metadata: string | null,
  editCount: number,
  pinned: 0 | 1,
  deleted: 0 | 1,
  createdAt: number,
  editedAt: number | null,
  side: 'o' | 'n',
  reactions: string | null,
  attachments: string | null,
  reply: string | null,
];

type ReactionJson = [emoji: string, count: number, reacted: 0 | 1, firstAt: number];
type AttachmentJson = [id: number, filename: string, sizeBytes: number, mimeType: string | null, url: string];
type ReplyJson = [id: number, authorId: number, excerpt: string | null, deleted: 0 | 1];

/** Turns a row of the page statement into what a client draws. */
export function toPageMessage(row: PageRow): PageMessage {
  const [
    id,
    channelId,
    threadId,
    authorId,
    content,
    contentType,
    metadata,
    editCount,
    pinned,
    deleted,
    createdAt,
    editedAt,
    ,
    reactions,
    attachments,
    reply,
  ] = row;
  // A reply to a message of another shard (`[id]` alone) is completed by the sharded page.
  const replied = reply === null ? null : (JSON.parse(reply) as ReplyJson);
  const local = replied !== null && replied.length > 1 ? replied : null;
  return {
    id,
    channelId,
    threadId,
    authorId,
    content,
    contentType,
    metadata: metadata === null ? null : JSON.parse(metadata),
    createdAt,
    editedAt,
    editCount,
    edited: editCount > 0,
    pinned: pinned === 1,
    deleted: deleted === 1,
    replyTo: local && { id: local[0], authorId: local[1], excerpt: local[3] === 1 ? null : local[2], deleted: local[3] === 1 },
    reactions:
      reactions === null
        ? []
        : (JSON.parse(reactions) as ReactionJson[])
            .sort((a, b) => a[3] - b[3] || (a[0] < b[0] ? -1 : 1))
            .map(([emoji, count, reacted]) => ({ emoji, count, reacted: reacted === 1 })),
    attachments:
      attachments === null
        ? []
        : (JSON.parse(attachments) as AttachmentJson[])
            .sort((a, b) => a[0] - b[0])
            .map(([id, filename, sizeBytes, mimeType, url]) => ({ id, filename, sizeBytes, mimeType, url })),
  };
}
