/**
 * A statement (or a batch) D1 refused inside the slice. Its `message` is D1's own, verbatim
 * (`D1_ERROR: UNIQUE constraint failed: channels.id: SQLITE_CONSTRAINT`), so code that
 * recognises D1 errors by their message (`SQLITE_CONSTRAINT`, `SQLITE_BUSY`, `no such table`)
 * recognises them through a slice as it does over a binding. A refused batch left nothing
 * behind: D1 rolled it back.
 */
export class SliceStatementError extends Error {
  override readonly name = 'SliceStatementError';
  readonly slice: string;
  readonly database: string;

  constructor(slice: string, database: string, message: string) {
    super(message);
    this.slice = slice;
    this.database = database;
  }
}

/**
 * The slice answered that it does not bind the database: the directory pointed at the wrong
 * slice (a stale read during a move, or a slice not yet uploaded with it). Nothing ran.
 */
export class DatabaseNotInSliceError extends Error {
  override readonly name = 'DatabaseNotInSliceError';
  readonly slice: string;
  readonly database: string;

  constructor(slice: string, database: string) {
    super(`database ${database} is not in slice ${slice}`);
    this.slice = slice;
    this.database = database;
  }
}

/**
 * The slice could not be reached or did not answer as a slice: the namespace has no such
 * script (`Worker not found`), it threw, it was cut off, or it answered something that is not
 * a slice's answer. A write sent when this happened may or may not have been applied: it is
 * not repeated here (the caller knows whether it is idempotent). Never answered by falling
 * back to the REST API.
 */
export class SliceUnavailableError extends Error {
  override readonly name = 'SliceUnavailableError';
  readonly slice: string;
  readonly status: number | undefined;

  constructor(slice: string, message: string, options: { cause?: unknown; status?: number } = {}) {
    super(`slice ${slice} unavailable: ${message}`, { cause: options.cause });
    this.slice = slice;
    this.status = options.status;
  }
}
