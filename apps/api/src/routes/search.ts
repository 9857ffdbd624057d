import { searchMessages } from '@waddle/queries/search/search-messages';
import { z } from 'zod';
import { visibleChannelIds } from '../access/visible-channels.ts';
import { openWaddle } from '../access/waddle-access.ts';
import { notFound } from '../http/api-error.ts';
import { route } from '../http/route.ts';
import { cursor, queryCount, queryId, queryTime, searchText } from '../http/schemas.ts';

/**
 * `GET /v1/waddles/{waddle}/search?q=&channel=&author=&thread=&after=&before=&sort=&cursor=&limit=`:
 * full-text search over the channels the caller can see (any text is a query: FTS5 syntax is
 * treated as words), newest first or by relevance, with snippets. A `channel` filter the caller
 * cannot see answers 404. See `searchMessages` for the SQL.
 *
 * ```sql
 * -- visibleChannelIds(…), then searchMessages(…)
 * ```
 */
export const searchRoute = route({
  method: 'GET',
  path: '/v1/waddles/{waddle}/search',
  tag: 'search',
  summary: 'Search messages',
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
  async handle({ params, query }, context) {
    const { access } = await openWaddle(context, params.waddle);
    const visible = await visibleChannelIds(access);
    if (query.channel !== undefined && !visible.includes(query.channel)) throw notFound('channel');
    const found = await searchMessages(access.database, {
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
    return found;
  },
});
