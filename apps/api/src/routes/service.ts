import { createRoute, z } from '@hono/zod-openapi';
import { healthResponse } from '@waddle/worker-health/health-response';
import type { TypedResponse } from 'hono';
import { errorAnswers, jsonAnswer } from '../http/responses.ts';
import { routeGroup } from '../http/route-group.ts';
import { NO_QUERY, PUBLIC } from '../http/route-middleware.ts';

/** The body of `GET /health` (see `healthResponse`). */
const healthBody = z.strictObject({
  worker: z.literal('waddle-api'),
  status: z.enum(['ok', 'migration-pending', 'database-newer-than-code']),
  central: z.strictObject({
    version: z.string().nullable(),
    latest: z.string().nullable(),
    pending: z.array(z.string()),
    unknown: z.array(z.string()),
  }),
  waddle: z.strictObject({ latest: z.string().nullable() }),
});

/** `GET /health`: the schema versions this Worker sees (no token). See `healthResponse` for the SQL. */
export const health = createRoute({
  operationId: 'health',
  method: 'get',
  path: '/health',
  tags: ['service'],
  summary: 'Health and schema versions',
  security: [],
  middleware: PUBLIC,
  request: { query: NO_QUERY },
  responses: {
    200: jsonAnswer(healthBody, "The central database is at the code's schema version, or behind it while a deploy migrates"),
    503: jsonAnswer(healthBody, 'The central database is newer than this code, which must not write to it'),
    ...errorAnswers([400, 500]),
  },
});

/** The service routes: `GET /health`. */
export const service = routeGroup().openapi(
  health,
  // healthResponse (shared with the monitor) builds the Response itself; the contract test holds its body to healthBody.
  async (c) => (await healthResponse('waddle-api', c.env.CENTRAL_DB)) as Response & TypedResponse<z.infer<typeof healthBody>, 200, 'json'>,
);
