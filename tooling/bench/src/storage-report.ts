import type { DatabaseSync } from 'node:sqlite';

export interface StorageReport {
  readonly bytesPerMessage: number;
  /** Bytes per message of the messages table, its indexes, the search index, and all else. */
  readonly split: { readonly messages: number; readonly messageIndexes: number; readonly searchIndex: number; readonly other: number };
  readonly messagesPer10Gb: number;
}

/** D1's per-database limit, 10 GB (10^10 bytes). */
const TEN_GB = 10_000_000_000;

/**
 * Where the bytes of a database go, per message, from SQLite's `dbstat` over the whole file:
 * the messages table, its indexes, the FTS5 index (its shadow tables), and everything else
 * (threads, reactions, attachments, free pages).
 */
export function storageReport(db: DatabaseSync, messages: number): StorageReport {
  const { size } = db.prepare('SELECT page_count * page_size AS size FROM pragma_page_count(), pragma_page_size()').get() as {
    size: number;
  };
  const rows = db
    .prepare(`SELECT s.name AS name, sum(s.pgsize) AS bytes, m.type AS type, m.tbl_name AS owner
      FROM dbstat AS s LEFT JOIN sqlite_master AS m ON m.name = s.name GROUP BY s.name`)
    .all() as { name: string; bytes: number; type: string | null; owner: string | null }[];
  const sum = (keep: (row: (typeof rows)[number]) => boolean) => rows.filter(keep).reduce((total, row) => total + row.bytes, 0);
  const messagesTable = sum((r) => r.name === 'messages');
  const messageIndexes = sum((r) => r.type === 'index' && r.owner === 'messages');
  const searchIndex = sum((r) => r.name.startsWith('messages_fts'));
  const perMessage = (bytes: number) => round(bytes / messages);
  return {
    bytesPerMessage: perMessage(size),
    split: {
      messages: perMessage(messagesTable),
      messageIndexes: perMessage(messageIndexes),
      searchIndex: perMessage(searchIndex),
      other: perMessage(size - messagesTable - messageIndexes - searchIndex),
    },
    messagesPer10Gb: Math.floor(TEN_GB / (size / messages)),
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
