import type { WaddleDatabase } from '../waddle-database.ts';
import type { CategoryRow } from './category-row.ts';

/**
 * Changes the given columns of a category (`null` or absent keeps a column as it is) and returns
 * the row; `undefined` when there is no such category.
 *
 * ```sql
 * UPDATE categories SET name = coalesce(?, name), position = coalesce(?, position), collapsed_by_default = coalesce(?, collapsed_by_default)
 * WHERE id = ? RETURNING *
 * ```
 */
export function updateCategory(
  waddle: WaddleDatabase,
  categoryId: number,
  changes: { readonly name?: string | null; readonly position?: number | null; readonly collapsed_by_default?: 0 | 1 | null },
): Promise<CategoryRow | undefined> {
  return waddle.db
    .updateTable('categories')
    .set((eb) => ({
      name: eb.fn.coalesce(eb.val(changes.name ?? null), eb.ref('name')),
      position: eb.fn.coalesce(eb.val(changes.position ?? null), eb.ref('position')),
      collapsed_by_default: eb.fn.coalesce(eb.val(changes.collapsed_by_default ?? null), eb.ref('collapsed_by_default')),
    }))
    .where('id', '=', categoryId)
    .returningAll()
    .executeTakeFirst();
}
