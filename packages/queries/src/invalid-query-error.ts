/**
 * A call to the query library with arguments it refuses (a page size out of range, a cursor that
 * is not one of ours or belongs to another channel). Raised before any database is touched; the
 * API answers it with 400.
 */
export class InvalidQueryError extends Error {
  override readonly name = 'InvalidQueryError';
  /** The argument at fault, for example `before` or `cursor`. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}
