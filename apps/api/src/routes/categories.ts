import type { CategoryRow } from '@waddle/queries/categories/category-row';
import { createCategory as insertCategory } from '@waddle/queries/categories/create-category';
import { deleteCategory as removeCategory } from '@waddle/queries/categories/delete-category';
import { updateCategory as storeCategory } from '@waddle/queries/categories/update-category';
import { z } from 'zod';
import { Permission } from '../access/permissions.ts';
import { openWaddle } from '../access/waddle-access.ts';
import { notFound } from '../http/api-error.ts';
import { route } from '../http/route.ts';
import { patchOf, singleLine } from '../http/schemas.ts';

function categoryJson(category: CategoryRow) {
  return { id: category.id, name: category.name, position: category.position, collapsedByDefault: category.collapsed_by_default === 1 };
}

const categoryFields = {
  name: singleLine(1, 100),
  position: z.int().min(0).max(1_000_000).optional(),
  collapsedByDefault: z.boolean().optional(),
};

/**
 * `POST /v1/waddles/{waddle}/categories` (MANAGE_CHANNELS).
 *
 * ```sql
 * INSERT INTO categories (name, position, collapsed_by_default, created_at) VALUES (?, ?, ?, ?) RETURNING *
 * ```
 */
export const createCategory = route({
  method: 'POST',
  path: '/v1/waddles/{waddle}/categories',
  tag: 'channels',
  summary: 'Create a category',
  status: 201,
  body: z.strictObject(categoryFields),
  async handle({ params, body }, context) {
    const { access } = await openWaddle(context, params.waddle);
    access.require(Permission.MANAGE_CHANNELS, 'creating a category');
    const category = await insertCategory(access.database, {
      name: body.name,
      position: body.position ?? 0,
      collapsed_by_default: body.collapsedByDefault ? 1 : 0,
      created_at: context.now,
    });
    return categoryJson(category);
  },
});

/**
 * `PATCH /v1/waddles/{waddle}/categories/{category}` (MANAGE_CHANNELS).
 *
 * ```sql
 * UPDATE categories SET name = coalesce(?, name), position = coalesce(?, position), collapsed_by_default = coalesce(?, collapsed_by_default)
 * WHERE id = ? RETURNING *
 * ```
 */
export const updateCategory = route({
  method: 'PATCH',
  path: '/v1/waddles/{waddle}/categories/{category}',
  tag: 'channels',
  summary: 'Update a category',
  body: patchOf(categoryFields),
  async handle({ params, body }, context) {
    const { access } = await openWaddle(context, params.waddle);
    access.require(Permission.MANAGE_CHANNELS, 'changing a category');
    const category = await storeCategory(access.database, params.category, {
      name: body.name,
      position: body.position,
      collapsed_by_default: body.collapsedByDefault === undefined ? null : body.collapsedByDefault ? 1 : 0,
    });
    if (!category) throw notFound('category');
    return categoryJson(category);
  },
});

/**
 * `DELETE /v1/waddles/{waddle}/categories/{category}` (MANAGE_CHANNELS): its channels stay,
 * uncategorized (the schema sets their `category_id` to NULL).
 *
 * ```sql
 * DELETE FROM categories WHERE id = ? RETURNING id
 * ```
 */
export const deleteCategory = route({
  method: 'DELETE',
  path: '/v1/waddles/{waddle}/categories/{category}',
  tag: 'channels',
  summary: 'Delete a category',
  status: 204,
  async handle({ params }, context) {
    const { access } = await openWaddle(context, params.waddle);
    access.require(Permission.MANAGE_CHANNELS, 'deleting a category');
    if (!(await removeCategory(access.database, params.category))) throw notFound('category');
  },
});
