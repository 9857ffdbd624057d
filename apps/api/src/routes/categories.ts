import { createRoute, z } from '@hono/zod-openapi';
import { createCategory as insertCategory } from '@waddle/queries/categories/create-category';
import { deleteCategory as removeCategory } from '@waddle/queries/categories/delete-category';
import { updateCategory as storeCategory } from '@waddle/queries/categories/update-category';
import { Permission } from '../access/permissions.ts';
import { openWaddle } from '../access/waddle-access.ts';
import { notFound } from '../http/api-error.ts';
import { BODY_ERRORS, errorAnswers, IN_WADDLE_ERRORS, jsonAnswer } from '../http/responses.ts';
import { routeGroup } from '../http/route-group.ts';
import { AUTHENTICATED, AUTHENTICATED_WITH_BODY, NO_QUERY } from '../http/route-middleware.ts';
import { pathId, patchOf, singleLine } from '../http/schemas.ts';
import { categoryBody, categoryJson } from './category-json.ts';

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
export const createCategory = createRoute({
  operationId: 'createCategory',
  method: 'post',
  path: '/v1/waddles/{waddle}/categories',
  tags: ['channels'],
  summary: 'Create a category',
  middleware: AUTHENTICATED_WITH_BODY,
  request: {
    params: z.strictObject({ waddle: pathId }),
    query: NO_QUERY,
    body: { required: true, content: { 'application/json': { schema: z.strictObject(categoryFields) } } },
  },
  responses: { 201: jsonAnswer(categoryBody, 'The new category'), ...errorAnswers([...IN_WADDLE_ERRORS, ...BODY_ERRORS]) },
});

/**
 * `PATCH /v1/waddles/{waddle}/categories/{category}` (MANAGE_CHANNELS).
 *
 * ```sql
 * UPDATE categories SET name = coalesce(?, name), position = coalesce(?, position), collapsed_by_default = coalesce(?, collapsed_by_default)
 * WHERE id = ? RETURNING *
 * ```
 */
export const updateCategory = createRoute({
  operationId: 'updateCategory',
  method: 'patch',
  path: '/v1/waddles/{waddle}/categories/{category}',
  tags: ['channels'],
  summary: 'Update a category',
  middleware: AUTHENTICATED_WITH_BODY,
  request: {
    params: z.strictObject({ waddle: pathId, category: pathId }),
    query: NO_QUERY,
    body: { required: true, content: { 'application/json': { schema: patchOf(categoryFields) } } },
  },
  responses: { 200: jsonAnswer(categoryBody, 'The category as changed'), ...errorAnswers([...IN_WADDLE_ERRORS, ...BODY_ERRORS]) },
});

/**
 * `DELETE /v1/waddles/{waddle}/categories/{category}` (MANAGE_CHANNELS): its channels stay,
 * uncategorized (the schema sets their `category_id` to NULL).
 *
 * ```sql
 * DELETE FROM categories WHERE id = ? RETURNING id
 * ```
 */
export const deleteCategory = createRoute({
  operationId: 'deleteCategory',
  method: 'delete',
  path: '/v1/waddles/{waddle}/categories/{category}',
  tags: ['channels'],
  summary: 'Delete a category',
  middleware: AUTHENTICATED,
  request: { params: z.strictObject({ waddle: pathId, category: pathId }), query: NO_QUERY },
  responses: { 204: { description: 'The category is deleted; its channels stay, uncategorized' }, ...errorAnswers(IN_WADDLE_ERRORS) },
});

/** The category routes (categories are listed with the channels, `GET …/channels`). */
export const categories = routeGroup()
  .openapi(createCategory, async (c) => {
    const params = c.req.valid('param');
    const body = c.req.valid('json');
    const context = await c.var.requestContext(params.waddle);
    const { access } = await openWaddle(context, params.waddle);
    access.require(Permission.MANAGE_CHANNELS, 'creating a category');
    const category = await insertCategory(access.database, {
      name: body.name,
      position: body.position ?? 0,
      collapsed_by_default: body.collapsedByDefault ? 1 : 0,
      created_at: context.now,
    });
    return c.json(categoryJson(category), 201);
  })
  .openapi(updateCategory, async (c) => {
    const params = c.req.valid('param');
    const body = c.req.valid('json');
    const { access } = await openWaddle(await c.var.requestContext(params.waddle), params.waddle);
    access.require(Permission.MANAGE_CHANNELS, 'changing a category');
    const category = await storeCategory(access.database, params.category, {
      name: body.name,
      position: body.position,
      collapsed_by_default: body.collapsedByDefault === undefined ? null : body.collapsedByDefault ? 1 : 0,
    });
    if (!category) throw notFound('category');
    return c.json(categoryJson(category), 200);
  })
  .openapi(deleteCategory, async (c) => {
    const params = c.req.valid('param');
    const { access } = await openWaddle(await c.var.requestContext(params.waddle), params.waddle);
    access.require(Permission.MANAGE_CHANNELS, 'deleting a category');
    if (!(await removeCategory(access.database, params.category))) throw notFound('category');
    return c.body(null, 204);
  });
