import type { D1DatabaseLike } from '@waddle/d1/database';
import type { DatabaseDirectoryRow, DatabaseRole } from './database-directory-row.ts';
import { directoryKysely } from './directory-kysely.ts';

/** Which page of the directory to read. */
export interface DirectoryPageRequest {
  /** Only databases of this role (default: all). */
  readonly role?: DatabaseRole;
  /** The `nextAfter` of the previous page; 0 or absent for the first page. */
  readonly after?: number;
  /** Rows per page, 1 to 1,000. */
  readonly limit: number;
}

/** A page of the directory, in `id` order. */
export interface DirectoryPage {
  readonly databases: readonly DatabaseDirectoryRow[];
  /** Where the next page starts (the last id of this one), or `null` after the last page. */
  readonly nextAfter: number | null;
}

/** The most rows one page may ask for. */
export const MAX_DIRECTORY_PAGE = 1_000;

/**
 * The query of {@link listDatabases}, exported so a test can hold it against `EXPLAIN QUERY PLAN`.
 *
 * ```sql
 * SELECT d.*, w.id AS waddle_id, w.name AS waddle_name
 * FROM databases d LEFT JOIN waddles w ON w.primary_database_id = d.id
 * WHERE d.id > ? [AND d.role = ?] ORDER BY d.id LIMIT ?
 * ```
 */
export function directoryPageQuery(request: DirectoryPageRequest) {
  let query = directoryKysely
    .selectFrom('databases as d')
    .leftJoin('waddles as w', 'w.primary_database_id', 'd.id')
    .selectAll('d')
    .select(['w.id as waddle_id', 'w.name as waddle_name'])
    .where('d.id', '>', request.after ?? 0);
  if (request.role !== undefined) query = query.where('d.role', '=', request.role);
  return query.orderBy('d.id').limit(request.limit);
}

/**
 * A page of the directory of databases, in `id` order after `after`: how every walk over "every
 * database" reads it. Ids are never reused (`AUTOINCREMENT`) and only grow, so a walk that pages
 * with `nextAfter` sees every database that existed when it started exactly once, even while
 * databases are added (they come last) or removed; a page that comes back shorter than `limit`
 * is the last one. Served by the primary key (with `role`, by `databases_by_role`), one row of
 * `waddles` per database through `waddles_by_primary_database`.
 *
 * ```sql
 * SELECT d.*, w.id AS waddle_id, w.name AS waddle_name
 * FROM databases d LEFT JOIN waddles w ON w.primary_database_id = d.id
 * WHERE d.id > ? [AND d.role = ?] ORDER BY d.id LIMIT ?
 * ```
 *
 * @example
 * ```ts
 * for (let after: number | null = 0; after !== null; ) {
 *   const page = await listDatabases(central, { role: 'waddle', after, limit: 500 });
 *   for (const database of page.databases) await visit(database);
 *   after = page.nextAfter;
 * }
 * ```
 */
export async function listDatabases(central: D1DatabaseLike, request: DirectoryPageRequest): Promise<DirectoryPage> {
  if (!Number.isInteger(request.limit) || request.limit < 1 || request.limit > MAX_DIRECTORY_PAGE) {
    throw new RangeError(`a directory page is 1 to ${MAX_DIRECTORY_PAGE} rows, not ${request.limit}`);
  }
  const { sql, parameters } = directoryPageQuery(request).compile();
  const { results } = await central
    .prepare(sql)
    .bind(...parameters)
    .all<DatabaseDirectoryRow>();
  return { databases: results, nextAfter: results.length < request.limit ? null : results.at(-1)!.id };
}

/**
 * Every database of the directory (of `role`, if given), reading it a page of `pageSize` at a
 * time: for walkers that need the whole list at once, such as a local Miniflare that binds every
 * database up front.
 *
 * ```sql
 * SELECT d.*, w.id AS waddle_id, w.name AS waddle_name FROM databases d LEFT JOIN waddles w ON w.primary_database_id = d.id
 * WHERE d.id > ? ORDER BY d.id LIMIT ?;   -- once per page
 * ```
 */
export async function listAllDatabases(
  central: D1DatabaseLike,
  options: { readonly role?: DatabaseRole; readonly pageSize?: number } = {},
): Promise<DatabaseDirectoryRow[]> {
  const all: DatabaseDirectoryRow[] = [];
  for (let after: number | null = 0; after !== null; ) {
    const page: DirectoryPage = await listDatabases(central, {
      ...(options.role ? { role: options.role } : {}),
      after,
      limit: options.pageSize ?? MAX_DIRECTORY_PAGE,
    });
    all.push(...page.databases);
    after = page.nextAfter;
  }
  return all;
}
