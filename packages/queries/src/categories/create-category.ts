import type { WaddleDatabase } from '../waddle-database.ts';
import type { CategoryRow } from './category-row.ts';

/**
 * Creates a category and returns its row.
 *
 * ```sql
 * INSERT INTO categories (name, position, collapsed_by_default, created_at) VALUES (?, ?, ?, ?) RETURNING *
 * ```
 */
export function createCategory(
  waddle: WaddleDatabase,
  category: Pick<CategoryRow, 'name' | 'position' | 'collapsed_by_default' | 'created_at'>,
): Promise<CategoryRow> {
  return waddle.db
    .insertInto('categories')
    .values({
      name: category.name,
      position: category.position,
      collapsed_by_default: category.collapsed_by_default,
      created_at: category.created_at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
