import type { WaddleDatabase } from '../waddle-database.ts';

/**
 * Deletes a category; its channels stay, uncategorized (the schema sets their `category_id` to
 * NULL). Returns whether there was one.
 *
 * ```sql
 * DELETE FROM categories WHERE id = ? RETURNING id
 * ```
 */
export async function deleteCategory(waddle: WaddleDatabase, categoryId: number): Promise<boolean> {
  const deleted = await waddle.db.deleteFrom('categories').where('id', '=', categoryId).returning('id').executeTakeFirst();
  return deleted !== undefined;
}
