import { createRoute, z } from '@hono/zod-openapi';
import { errorAnswers, jsonAnswer } from '../http/responses.ts';
import { routeGroup } from '../http/route-group.ts';
import { NO_QUERY, PUBLIC } from '../http/route-middleware.ts';
import type { ServedRoute } from '../http/route-not-found.ts';
import { openApiDocumentOf } from '../openapi/openapi-document-of.ts';
import { attachments } from './attachments.ts';
import { bans } from './bans.ts';
import { categories } from './categories.ts';
import { channelOverwrites } from './channel-overwrites.ts';
import { channels } from './channels.ts';
import { me } from './me.ts';
import { members } from './members.ts';
import { mentions } from './mentions.ts';
import { messageEdits } from './message-edits.ts';
import { messages } from './messages.ts';
import { notificationLevels } from './notification-levels.ts';
import { privacy } from './privacy.ts';
import { reactions } from './reactions.ts';
import { readState } from './read-state.ts';
import { reference } from './reference.ts';
import { roles } from './roles.ts';
import { search } from './search.ts';
import { service } from './service.ts';
import { threadFollows } from './thread-follows.ts';
import { threads } from './threads.ts';
import { voiceSessions } from './voice-sessions.ts';
import { waddles } from './waddles.ts';

/** `GET /v1/openapi.json`: the OpenAPI 3.1 document of every route, itself included (no token). */
export const openApiDocumentRoute = createRoute({
  operationId: 'openApiDocument',
  method: 'get',
  path: '/v1/openapi.json',
  tags: ['service'],
  summary: 'This OpenAPI document',
  security: [],
  middleware: PUBLIC,
  request: { query: NO_QUERY },
  responses: {
    200: jsonAnswer(z.looseObject({ openapi: z.literal('3.1.0') }), 'The OpenAPI 3.1 document'),
    ...errorAnswers([400, 500]),
  },
});

/** The document, built once per isolate on its first request. */
let document: Record<string, unknown> | undefined;

/**
 * Every route of the API (one group per resource, mounted with `app.route()`), and the OpenAPI
 * document of them all at `GET /v1/openapi.json`. The API Worker's app (`createApiApp`) serves
 * these behind its clock, CORS, `onError` and 404/405 answers.
 */
export const apiRoutes = routeGroup()
  .route('/', service)
  .route('/', reference)
  .route('/', me)
  .route('/', privacy)
  .route('/', waddles)
  .route('/', members)
  .route('/', channels)
  .route('/', channelOverwrites)
  .route('/', categories)
  .route('/', messages)
  .route('/', messageEdits)
  .route('/', reactions)
  .route('/', attachments)
  .route('/', threads)
  .route('/', search)
  .route('/', readState)
  .route('/', mentions)
  .route('/', threadFollows)
  .route('/', notificationLevels)
  .route('/', roles)
  .route('/', bans)
  .route('/', voiceSessions);

apiRoutes.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
apiRoutes.openapi(openApiDocumentRoute, (c) => {
  document ??= openApiDocumentOf(apiRoutes);
  return c.json(document as z.infer<(typeof openApiDocumentRoute.responses)[200]['content']['application/json']['schema']>, 200);
});

/** Every route the API serves (method and path pattern), from the routes declared above: what a 405's `Allow` lists. */
export const servedRoutes: readonly ServedRoute[] = apiRoutes.openAPIRegistry.definitions.flatMap((definition) =>
  definition.type === 'route' ? [{ method: definition.route.method.toUpperCase(), path: definition.route.path }] : [],
);
