import type { WaddleDatabase } from '../waddle-database.ts';

/**
 * Whether a category exists.
 *
 * ```sql
 * SELECT 1 FROM categories WHERE id = ?
 * ```
 */
export async function categoryExists(waddle: WaddleDatabase, categoryId: number): Promise<boolean> {
  const found = await waddle.db
    .selectFrom('categories')
    .select((eb) => eb.lit(1).as('found'))
    .where('id', '=', categoryId)
    .executeTakeFirst();
  return found !== undefined;
}
