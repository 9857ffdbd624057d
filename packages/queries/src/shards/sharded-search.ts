import { decodeCursor, encodeCursor } from '../opaque-cursor.ts';
import { planSearch, type SearchHit, type SearchOptions, type SearchResult, searchMessages } from '../search/search-messages.ts';
import { type ShardedWaddle, shardIndexOf } from './sharded-waddle.ts';

/**
 * {@link searchMessages} over a waddle whose messages span shards (each shard has the search index
 * of its own messages). Cursors have the single-database form, so a cursor of either works with
 * the other.
 *
 * - **Recent** (newest first): the shards newest first, from the one the cursor points into,
 *   each with the single-database statement for what the page still needs, stopping when the
 *   page is full. The result is exactly the single database's: same hits, same order, same
 *   cursor. A page that ends on a shard's oldest match asks the next shard for one more hit, to
 *   know whether to give a cursor: one more round trip.
 * - **Relevance**: every shard in parallel, each its best `limit + 1` after the cursor's
 *   `(score, id)`, merged by score then newer id first. bm25 weighs a term by its document
 *   frequency, which each shard computes over its own messages only: a word rare in one shard
 *   ranks higher there than it would over the whole waddle. So the order across shards is
 *   approximate; what a search finds is not, and paging returns every match once.
 *
 * A waddle of one shard is served by {@link searchMessages} itself.
 *
 * @example
 * ```ts
 * const { hits, nextCursor } = await searchShardedMessages(sharded, { query: 'krill', visibleChannelIds: [1, 2] });
 * ```
 */
export async function searchShardedMessages(sharded: ShardedWaddle, options: SearchOptions): Promise<SearchResult> {
  if (sharded.shards.length === 1) return searchMessages(sharded.primary, options);
  const search = planSearch(options); // validates everything before any shard is read
  if (!search.query) return { hits: [], nextCursor: null };
  const position = options.cursor ? decodeCursor(options.cursor, { f: 'string', id: 'number', s: 'number' }) : null;
  return (options.sort ?? 'recent') === 'recent'
    ? recentAcrossShards(sharded, options, search.limit, search.fingerprint, position)
    : relevanceAcrossShards(sharded, options, search.limit, search.fingerprint);
}

async function recentAcrossShards(
  sharded: ShardedWaddle,
  options: SearchOptions,
  limit: number,
  fingerprint: string,
  position: { readonly id: number } | null,
): Promise<SearchResult> {
  const hits: SearchHit[] = [];
  const start = position ? shardIndexOf(sharded, position.id - 1) : sharded.shards.length - 1;
  for (let index = start; index >= 0; index--) {
    const need = limit - hits.length;
    const found = await searchMessages(sharded.shards[index]!.waddle, {
      ...options,
      limit: Math.max(need, 1),
      cursor: index === start ? options.cursor : null,
    });
    const taken = found.hits.slice(0, need);
    hits.push(...taken);
    if (found.nextCursor !== null || found.hits.length > taken.length) {
      return { hits, nextCursor: encodeCursor({ f: fingerprint, id: hits.at(-1)!.id, s: 0 }) };
    }
  }
  return { hits, nextCursor: null };
}

async function relevanceAcrossShards(
  sharded: ShardedWaddle,
  options: SearchOptions,
  limit: number,
  fingerprint: string,
): Promise<SearchResult> {
  const found = await Promise.all(sharded.shards.map((shard) => searchMessages(shard.waddle, options)));
  const merged = found.flatMap((result) => result.hits).sort((a, b) => a.score! - b.score! || b.id - a.id);
  const hits = merged.slice(0, limit);
  const more = merged.length > limit || found.some((result) => result.nextCursor !== null);
  const last = hits.at(-1);
  return { hits, nextCursor: more && last ? encodeCursor({ f: fingerprint, id: last.id, s: last.score! }) : null };
}
