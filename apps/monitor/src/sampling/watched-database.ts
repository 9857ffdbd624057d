import type { DatabaseLocation } from '@waddle/registry/database-connectors';

/** A database the monitor watches: the central one, or one of the directory of databases. */
export interface WatchedDatabase extends DatabaseLocation {
  /** The waddle whose primary database it is (null for the central database, and a database no waddle points at). */
  readonly waddleId: number | null;
  /** The waddle's name, `central`, or the D1 id of a database no waddle points at. */
  readonly name: string;
}
