import type { DatabaseSync } from 'node:sqlite';

const CHECK_IN_LIST = /check\s*\(\s*"?(\w+)"?\s+in\s*\(((?:\s*(?:'[^']*'|-?\d+)\s*,?)+)\)\s*\)/gi;

/**
 * Finds every column constrained by `CHECK (column IN (...))` and returns a kysely-codegen
 * column override typing it as the union of those literals, so `channels.type` is
 * `'text' | 'voice' | ...` and a 0/1 boolean is `0 | 1` instead of `string` and `number`.
 * The literals come from the schema itself, so they cannot drift from the migrations.
 */
export function enumColumnOverrides(handle: DatabaseSync): Record<string, string> {
  const overrides: Record<string, string> = {};
  const tables = handle.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL").all() as {
    name: string;
    sql: string;
  }[];
  for (const table of tables) {
    const columns = new Map(
      (
        handle.prepare('SELECT name, "notnull" AS not_null, dflt_value AS default_value FROM pragma_table_info(?)').all(table.name) as {
          name: string;
          not_null: number;
          default_value: string | null;
        }[]
      ).map((c) => [c.name, c]),
    );
    for (const [, columnName, list] of table.sql.matchAll(CHECK_IN_LIST)) {
      const column = columns.get(columnName!);
      if (!column) continue;
      const literals = list!
        .split(',')
        .map((literal) => literal.trim())
        .filter(Boolean);
      const union = [...literals, ...(column.not_null ? [] : ['null'])].join(' | ');
      overrides[`${table.name}.${column.name}`] = column.default_value === null ? union : `Generated<${union}>`;
    }
  }
  return overrides;
}
