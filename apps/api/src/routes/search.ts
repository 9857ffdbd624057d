import { createRoute, z } from '@hono/zod-openapi';
import { searchShardedMessages } from '@waddle/queries/shards/sharded-search';
import { visibleChannelIds } from '../access/visible-channels.ts';
import { openWaddle } from '../access/waddle-access.ts';
import { notFound } from '../http/api-error.ts';
import { errorAnswers, IN_WADDLE_ERRORS, jsonAnswer } from '../http/responses.ts';
import { routeGroup } from '../http/route-group.ts';
import { AUTHENTICATED } from '../http/route-middleware.ts';
import { cursor, pathId, queryCount, queryId, queryTime, searchText } from '../http/schemas.ts';

/** A page of search hits (`SearchResult` of the query library, whose lists are read-only). */
const searchResultBody = z.strictObject({
  hits: z
    .array(
      z.strictObject({
        id: z.int(),
        channelId: z.int(),
        threadId: z.int().nullable(),
        authorId: z.int(),
        createdAt: z.int(),
        editedAt: z.int().nullable(),
        content: z.string(),
        snippet: z
          .array(z.strictObject({ text: z.string(), match: z.boolean() }))
          .readonly()
          .openapi({ description: 'The text around the first match, in parts; draw `match` parts highlighted' }),
        score: z.number().optional().openapi({ description: 'bm25 score (lower is better), with `sort=relevance`' }),
      }),
    )
    .readonly(),
  nextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor`, with the same query and filters, for the next page' }),
});

/**
 * `GET /v1/waddles/{waddle}/search?q=&channel=&author=&thread=&after=&before=&sort=&cursor=&limit=`:
 * full-text search over the channels the caller can see (any text is a query: FTS5 syntax is
 * treated as words), newest first or by relevance, with snippets. A `channel` filter the caller
 * cannot see answers 404. See `searchMessages` for the SQL; over message shards,
 * `searchShardedMessages` (recent: newest shard first until the page is full; relevance: every
 * shard in parallel, merged by score, per-shard bm25).
 *
 * ```sql
 * -- visibleChannelIds(…), then searchShardedMessages(…): searchMessages(…) in each shard it reads
 * ```
 */
export const searchRoute = createRoute({
  operationId: 'searchMessages',
  method: 'get',
  path: '/v1/waddles/{waddle}/search',
  tags: ['search'],
  summary: 'Search messages',
  middleware: AUTHENTICATED,
  request: {
    params: z.strictObject({ waddle: pathId }),
    query: z.strictObject({
      q: searchText,
      channel: queryId.optional(),
      author: queryId.optional(),
      thread: queryId.optional(),
      after: queryTime.optional(),
      before: queryTime.optional(),
      sort: z.enum(['recent', 'relevance']).optional(),
      limit: queryCount(1, 100).optional(),
      cursor: cursor.optional(),
    }),
  },
  responses: { 200: jsonAnswer(searchResultBody, 'A page of hits'), ...errorAnswers(IN_WADDLE_ERRORS) },
});

/** The search route. */
export const search = routeGroup().openapi(searchRoute, async (c) => {
  const params = c.req.valid('param');
  const query = c.req.valid('query');
  const { access } = await openWaddle(await c.var.requestContext(params.waddle), params.waddle);
  const visible = await visibleChannelIds(access);
  if (query.channel !== undefined && !visible.includes(query.channel)) throw notFound('channel');
  const found = await searchShardedMessages(access.sharded, {
    query: query.q,
    visibleChannelIds: visible,
    channelId: query.channel,
    authorId: query.author,
    threadId: query.thread,
    after: query.after,
    before: query.before,
    sort: query.sort,
    limit: query.limit,
    cursor: query.cursor ?? null,
  });
  return c.json(found, 200);
});
