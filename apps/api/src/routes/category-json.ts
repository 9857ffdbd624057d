import { z } from '@hono/zod-openapi';
import type { CategoryRow } from '@waddle/queries/categories/category-row';

/** A category of channels as the API returns it. */
export const categoryBody = z.strictObject({ id: z.int(), name: z.string(), position: z.int(), collapsedByDefault: z.boolean() });

/** A category of channels as the API returns it. */
export function categoryJson(
  category: Pick<CategoryRow, 'id' | 'name' | 'position' | 'collapsed_by_default'>,
): z.infer<typeof categoryBody> {
  return { id: category.id, name: category.name, position: category.position, collapsedByDefault: category.collapsed_by_default === 1 };
}
