import type { D1DatabaseLike } from '@waddle/d1/database';

/** One record of an export archive: what it is, the waddle it comes from, and its row. */
export interface ExportRecord {
  readonly type: string;
  readonly waddleId?: number;
  readonly data: Readonly<Record<string, unknown>>;
}

/** Whose data a section works on, and where. */
export interface SectionSubject {
  readonly userId: number;
  /** The waddle whose database this is; `null` in the central directory. */
  readonly waddleId: number | null;
}

/** A message shard of a waddle after its primary (docs/message-shards.md), as a job reaches it. */
export interface LaterShard {
  /** The first message id of its range (the directory's `first_message_id`). */
  readonly firstMessageId: number;
  readonly database: D1DatabaseLike;
}

/**
 * What a job reaches beyond the database of its part: the attachment bucket (the `ATTACHMENTS` R2
 * binding of the API Worker), for the sections that delete a user's files. A command line without
 * one leaves it out; those sections then fail while the user has files, and the API's cron
 * finishes them. In a waddle part, also the waddle's later message shards, in id order (none for
 * a waddle of one database), and, for a section working in one of them, the primary.
 */
export interface SectionStorage {
  readonly attachments?: Pick<R2Bucket, 'delete' | 'resumeMultipartUpload'>;
  readonly laterShards?: readonly LaterShard[];
  readonly primary?: D1DatabaseLike;
}

/** What one page of a section did. */
export interface SectionPage {
  /** Rows read (export) or changed (erasure). */
  readonly rows: number;
  /** The records to append to the archive (export only). */
  readonly records: readonly ExportRecord[];
  /** The cursor of the next page, or `null` when the section is finished. */
  readonly next: readonly unknown[] | null;
}

/**
 * A bounded unit of an export or erasure in one database: a page of at most a few hundred rows,
 * resumable from its cursor (the last key done, a JSON array). Running a page twice from the same
 * cursor gives the same result, so a step interrupted after a page and before recording its
 * progress is simply repeated.
 */
export interface JobSection {
  readonly name: string;
  readonly firstCursor: readonly unknown[];
  /** How many statements one page sends to its database (for the query budget). */
  readonly statements: number;
  /** How many more a page sends per later message shard of the waddle (`storage.laterShards`), if any. */
  readonly statementsPerLaterShard?: number;
  page(database: D1DatabaseLike, subject: SectionSubject, cursor: readonly unknown[], storage?: SectionStorage): Promise<SectionPage>;
}
