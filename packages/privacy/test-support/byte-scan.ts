import type { D1DatabaseLike } from '@waddle/d1/database';

/**
 * The byte scan the erasure tests hold every database to after an erasure (the API's
 * `apps/api/test/privacy.test.ts` over the central directory and each waddle, the command line's
 * `tooling/platform/test/privacy-over-shards.test.ts` over each message shard): where the erased
 * strings still stand, in any column of any table, and which erased words the full-text index
 * still holds. Test support only: it builds its SQL from the schema's own table and column names.
 */

/**
 * Every table of a database, FTS5 shadow tables included (virtual tables are read through them).
 *
 * ```sql
 * SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\_cf\_%' ESCAPE '\' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name
 * ```
 */
async function tablesOf(database: D1DatabaseLike): Promise<string[]> {
  const { results } = await database
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
    )
    .all<{ name: string }>();
  return results.map((row) => row.name);
}

/**
 * Where each string occurs in a database, as `<label> <table>: <string>`: every column of every
 * table compared as bytes (so the FTS5 index pages are searched too), in the case it was written
 * and in lower case. One query per table (after `SELECT name FROM pragma_table_info(?)` for its
 * columns): for each string, whether any column of any row holds it.
 *
 * ```sql
 * SELECT coalesce(max(instr(CAST("c1" AS BLOB), CAST(?1 AS BLOB)) > 0 OR instr(CAST("c1" AS BLOB), CAST(?2 AS BLOB)) > 0 OR …), 0) AS s0, … FROM "t"
 * ```
 *
 * @example
 * expect(await occurrences(env.CENTRAL_DB, 'central', ['Zanzibar'])).toEqual([]);
 */
export async function occurrences(database: D1DatabaseLike, label: string, strings: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const values = strings.flatMap((text) => [text, text.toLowerCase()]);
  for (const table of await tablesOf(database)) {
    const { results: columns } = await database.prepare('SELECT name FROM pragma_table_info(?)').bind(table).all<{ name: string }>();
    const perString = strings.map((_, i) => {
      const tests = columns.flatMap(({ name }) =>
        [2 * i + 1, 2 * i + 2].map((p) => `instr(CAST("${name}" AS BLOB), CAST(?${p} AS BLOB)) > 0`),
      );
      return `coalesce(max(${tests.join(' OR ')}), 0) AS s${i}`;
    });
    const row = await database
      .prepare(`SELECT ${perString.join(', ')} FROM "${table}"`)
      .bind(...values)
      .first<Record<string, number>>();
    strings.forEach((text, i) => {
      if (row![`s${i}`]) found.push(`${label} ${table}: ${text}`);
    });
  }
  return found;
}

/**
 * The terms among `terms` that a waddle database's full-text index still holds, as
 * `<label> messages_fts term: <term>`: read through an fts5vocab table over the index, dropped again.
 *
 * ```sql
 * CREATE VIRTUAL TABLE fts_terms_probe USING fts5vocab('messages_fts', 'row');
 * SELECT term FROM fts_terms_probe;
 * DROP TABLE fts_terms_probe;
 * ```
 *
 * @example
 * expect(await indexedTerms(waddle, 'waddle 1', ['zanzibar'])).toEqual([]);
 */
export async function indexedTerms(database: D1DatabaseLike, label: string, terms: readonly string[]): Promise<string[]> {
  await database.prepare("CREATE VIRTUAL TABLE fts_terms_probe USING fts5vocab('messages_fts', 'row')").run();
  try {
    const { results } = await database.prepare('SELECT term FROM fts_terms_probe').all<{ term: string }>();
    return results.filter((row) => terms.includes(row.term)).map((row) => `${label} messages_fts term: ${row.term}`);
  } finally {
    await database.prepare('DROP TABLE fts_terms_probe').run();
  }
}
