/**
 * A provisioning failed after creating its database, and the database could not be deleted
 * again: it is left on the target, unregistered, until an operator deletes it (remote:
 * `DELETE /accounts/{account_id}/d1/database/{databaseId}`). The message names it; `cause` is why
 * the provisioning failed, `cleanupError` why the database is still there.
 */
export class OrphanedDatabaseError extends Error {
  override readonly name = 'OrphanedDatabaseError';
  /** The D1 id of the database left behind. */
  readonly databaseId: string;
  /** Why it was not deleted: the deletion's own error, or what kept it from being attempted. */
  readonly cleanupError: unknown;

  constructor(databaseId: string, message: string, options: { readonly cause: unknown; readonly cleanupError: unknown }) {
    super(message, { cause: options.cause });
    this.databaseId = databaseId;
    this.cleanupError = options.cleanupError;
  }
}
