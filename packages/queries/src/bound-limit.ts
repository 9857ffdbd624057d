import { type Expression, type RawBuilder, sql } from 'kysely';

/**
 * A `LIMIT`'s row count bound as an integer that SQLite's planner does not read:
 * `CAST(? AS INTEGER)` where Kysely would write `LIMIT ?`. In some statements SQLite peeks at a
 * bare bound `LIMIT ?` when it compiles them (the plan may depend on its value), which marks the
 * compiled statement to be compiled again whenever the parameter is bound, so every call of a
 * cached statement paid its compilation (the unread mention counts and the inbox did; the
 * followed list did not). Measured inside workerd, where D1 keeps compiled statements:
 * the unread mention counts took 2.81 ms with bare limits, 2.85 compiled afresh on every call and
 * 2.46 with this; the mention inbox 2.42 against 2.07 (a scratch build of `pnpm bench`, 1,000 and
 * 1,500 calls alternated, round trip 1.1 to 1.4 ms).
 * Every `LIMIT` of the query library goes through it but full-text search's (`searchMessages`):
 * there a bare `LIMIT ?` is what node:sqlite's SQLite plans best (the relevance search took 75 ms
 * in-process with it and 104 to 110 ms with this, with no difference inside workerd, 78 to 87 ms).
 *
 * ```sql
 * … ORDER BY m.id DESC LIMIT CAST(? AS INTEGER)
 * ```
 *
 * @example
 * ```ts
 * db.selectFrom('messages').select('id').orderBy('id', 'desc').limit(boundLimit(50));
 * ```
 */
export function boundLimit(count: number | Expression<number>): RawBuilder<number> {
  return sql<number>`CAST(${count} AS INTEGER)`;
}
