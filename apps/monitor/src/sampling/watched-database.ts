import type { DatabaseLocation } from '@waddle/registry/database-connectors';

/** A database the monitor watches: the central one (`waddleId` null) or a waddle's, from the registry. */
export interface WatchedDatabase extends DatabaseLocation {
  readonly waddleId: number | null;
  /** The waddle's name, or `central`. */
  readonly name: string;
}
