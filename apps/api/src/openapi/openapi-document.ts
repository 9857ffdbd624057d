import { z } from 'zod';
import type { Route } from '../http/route.ts';
import { errorBody } from '../http/schemas.ts';
import { Permission } from '../access/permissions.ts';

const ERROR_RESPONSES: Record<string, string> = {
  '400': 'Invalid input (path, query or body); nothing was written',
  '401': 'Missing, malformed, expired or wrongly signed token',
  '403': 'Banned, or lacking a permission for something the caller can see',
  '404': 'Does not exist, or the caller may not see it (the two are indistinguishable)',
  '409': 'Conflicts with the current state',
};

/**
 * The OpenAPI 3.1 document of the API, built from the route table itself: every route the Worker
 * serves appears, with its path parameters, query parameters and body schema (the same zod
 * schemas that validate requests, as JSON Schema 2020-12), its success status and the errors
 * (the common ones, and those the route declares).
 */
export function openApiDocument(routes: readonly Route[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const pathParameters = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
      name,
      in: 'path',
      required: true,
      schema:
        name === 'emoji'
          ? {
              type: 'string',
              minLength: 1,
              maxLength: 64,
              description: 'To react: one emoji (RGI, fully qualified) or a custom emoji id :name:. To remove: the reaction as stored.',
            }
          : { type: 'integer', minimum: name === 'role' ? 0 : 1, maximum: Number.MAX_SAFE_INTEGER },
    }));
    const querySchema = route.query
      ? (z.toJSONSchema(route.query, { io: 'input' }) as { properties?: Record<string, unknown>; required?: string[] })
      : undefined;
    const queryParameters = Object.entries(querySchema?.properties ?? {}).map(([name, schema]) => ({
      name,
      in: 'query',
      required: querySchema?.required?.includes(name) ?? false,
      schema,
    }));
    const status = String(route.status ?? 200);
    const operation: Record<string, unknown> = {
      operationId: `${route.method.toLowerCase()}${route.path.replace(/\{(\w+)\}/g, 'By_$1').replace(/[^A-Za-z0-9_]+/g, '_')}`,
      summary: route.summary,
      tags: [route.tag],
      parameters: [...pathParameters, ...queryParameters],
      responses: {
        [status]:
          status === '204'
            ? { description: 'Done' }
            : {
                description: 'Success',
                content: { 'application/json': { schema: route.response ? jsonSchema(route.response) : { type: 'object' } } },
              },
        ...Object.fromEntries(
          Object.entries(route.otherSuccesses ?? {}).map(([code, { description, response }]) => [
            code,
            { description, content: { 'application/json': { schema: jsonSchema(response) } } },
          ]),
        ),
        ...Object.fromEntries(
          Object.entries({ ...ERROR_RESPONSES, ...route.errors })
            .filter(([code]) => !(route.public && code === '401'))
            .map(([code, description]) => [
              code,
              { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
            ]),
        ),
      },
      ...(route.public ? { security: [] } : {}),
    };
    if (route.body) operation.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } };
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Waddle API',
      version: '1.0.0',
      description: [
        'The HTTP API of Waddle. Authenticate with `Authorization: Bearer <JWT>` (HS256, `sub` = user id, `exp` required).',
        'Errors are `{"error": {"code", "message"}}`. Send back the `X-Waddle-Bookmark` header of a response to read your own writes.',
        `Role permissions are a bitfield: ${Object.entries(Permission)
          .map(([name, bit]) => `${name}=${bit}`)
          .join(', ')}.`,
      ].join('\n\n'),
    },
    security: [{ bearerAuth: [] }],
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: jsonSchema(errorBody) },
    },
    paths,
  };
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
}
