/**
 * Maps items through an async function with at most `limit` calls in flight (a Worker may keep
 * six connections open at once), keeping the input order in the result.
 *
 * @example
 * ```ts
 * const sizes = await mapConcurrently(databases, 6, (database) => measureDatabaseSize(database));
 * ```
 */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
