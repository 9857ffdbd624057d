import type { D1DatabaseLike } from './d1-database.ts';

/** One line of SQLite's `EXPLAIN QUERY PLAN` output. */
export interface QueryPlanStep {
  readonly id: number;
  readonly parent: number;
  readonly detail: string;
}

/**
 * Asks the database how it would run a statement, without running it.
 *
 * ```sql
 * EXPLAIN QUERY PLAN <sql>
 * ```
 *
 * @example
 * ```ts
 * const plan = await explainQueryPlan(env.DB, query.compile());
 * expect(planProblems(plan)).toEqual([]);
 * ```
 */
export async function explainQueryPlan(
  database: D1DatabaseLike,
  query: { readonly sql: string; readonly parameters: readonly unknown[] },
): Promise<QueryPlanStep[]> {
  // Raw: EXPLAIN QUERY PLAN is SQLite's own prefix to any statement (Kysely's explain() emits plain
  // EXPLAIN, the bytecode). The statement is a compiled Kysely query: test/node-sqlite-database.test.ts
  // here, and the query-plan tests of packages/queries and packages/waddle-schema, run through it.
  const { results } = await database
    .prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
    .bind(...query.parameters)
    .all<QueryPlanStep>();
  return results;
}

/**
 * The steps of a plan that make its cost grow with the size of a table: a full table scan
 * (`SCAN t` with no index) and a temporary B-tree (a sort or grouping the index does not
 * deliver in order). An ordered walk of an index (`SCAN t USING INDEX i`, stopped by `LIMIT`), an
 * FTS5 lookup (`SCAN f VIRTUAL TABLE INDEX ...`) and the scan of a subquery's own result (`SCAN o`
 * under `CO-ROUTINE o` or `MATERIALIZE o`, as large as that subquery's `LIMIT`) are not problems.
 */
export function planProblems(plan: readonly QueryPlanStep[]): string[] {
  const subqueries = new Set(plan.flatMap((step) => /^(?:CO-ROUTINE|MATERIALIZE) (\S+)$/.exec(step.detail)?.[1] ?? []));
  return plan
    .map((step) => step.detail)
    .filter((detail) => {
      const scanned = /^SCAN (\S+)$/.exec(detail)?.[1];
      return (scanned !== undefined && !subqueries.has(scanned)) || /TEMP B-TREE/.test(detail);
    });
}
