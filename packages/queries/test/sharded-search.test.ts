import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidQueryError } from '../src/invalid-query-error.ts';
import { type SearchOptions, type SearchResult, searchMessages } from '../src/search/search-messages.ts';
import { searchShardedMessages } from '../src/shards/sharded-search.ts';
import { SECOND, THIRD, type ThreeShards, threeShards } from './three-shards.ts';

let whole: ThreeShards['whole'];
let sharded: ThreeShards['sharded'];
let roundTrips: ThreeShards['roundTrips'];
beforeEach(async () => {
  ({ whole, sharded, roundTrips } = await threeShards());
});

const QUERIES = ['krill', '"blue whale"', '企鹅', 'message', 'krill -whale', 'nothing-matches-this'];
const VISIBLE = [1, 2, 3];

/** Every hit of a search, page after page, and the pages. */
async function everyHit(search: (options: SearchOptions) => Promise<SearchResult>, options: SearchOptions) {
  const pages: SearchResult[] = [];
  let cursor: string | null = null;
  do {
    const page = await search({ ...options, cursor });
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return { ids: pages.flatMap((p) => p.hits.map((h) => h.id)), pages };
}

/** What should be found: the live messages whose content has the words, straight from the reference database. */
async function matching(sql: string): Promise<number[]> {
  const rows = await whole.db
    .selectFrom('messages')
    .select('id')
    .where('is_deleted', '=', 0)
    .where('content', 'like', sql)
    .orderBy('id', 'desc')
    .execute();
  return rows.map((r) => r.id);
}

describe('search over a waddle whose messages span three shards', () => {
  it('newest first: the same hits, order and cursors as one database, page after page, for words, phrases, CJK and exclusions', {
    timeout: 120_000,
  }, async () => {
    for (const query of QUERIES) {
      for (const limit of [1, 7, 100]) {
        for (const filter of [{}, { channelId: 2 }, { threadId: 1 }, { authorId: 9 }]) {
          const options = { query, visibleChannelIds: VISIBLE, limit, ...filter };
          const expected = await everyHit((o) => searchMessages(whole, o), options);
          const actual = await everyHit((o) => searchShardedMessages(sharded, o), options);
          expect(actual.pages, JSON.stringify(options)).toEqual(expected.pages);
        }
      }
    }
    expect(
      (await everyHit((o) => searchShardedMessages(sharded, o), { query: 'krill', visibleChannelIds: VISIBLE, limit: 7 })).ids,
    ).toEqual(await matching('% krill%'));
    expect((await everyHit((o) => searchShardedMessages(sharded, o), { query: '企鹅', visibleChannelIds: VISIBLE })).ids).toEqual(
      await matching('%企鹅%'),
    );
  });

  it('by relevance: every match once across the shards, best score first within the page', { timeout: 60_000 }, async () => {
    for (const query of ['krill', '"blue whale"', '企鹅', 'whale']) {
      const { ids, pages } = await everyHit((o) => searchShardedMessages(sharded, o), {
        query,
        visibleChannelIds: VISIBLE,
        sort: 'relevance',
        limit: 6,
      });
      const inOneDatabase = await everyHit((o) => searchMessages(whole, o), {
        query,
        visibleChannelIds: VISIBLE,
        sort: 'relevance',
        limit: 100,
      });
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort((a, b) => a - b)).toEqual([...inOneDatabase.ids].sort((a, b) => a - b));
      for (const page of pages) {
        const scores = page.hits.map((h) => h.score!);
        expect(scores).toEqual([...scores].sort((a, b) => a - b));
      }
      expect(ids.some((id) => id < SECOND) && ids.some((id) => id >= THIRD)).toBe(true);
    }
  });

  it('stops at the shard that fills the page: a newest page of the newest shard reads that shard only', async () => {
    const page = await searchShardedMessages(sharded, { query: 'message', visibleChannelIds: VISIBLE, limit: 10 });
    expect(page.hits.every((h) => h.id >= THIRD)).toBe(true);
    expect(roundTrips()).toEqual([0, 0, 1]);
  });

  it('refuses bad options and a cursor of another search before reading any shard', async () => {
    const { nextCursor } = await searchShardedMessages(sharded, { query: 'krill', visibleChannelIds: VISIBLE, limit: 2 });
    const before = roundTrips();
    await expect(searchShardedMessages(sharded, { query: 'krill', visibleChannelIds: VISIBLE, limit: 101 })).rejects.toThrow(
      InvalidQueryError,
    );
    await expect(searchShardedMessages(sharded, { query: 'whale', visibleChannelIds: VISIBLE, cursor: nextCursor })).rejects.toThrow(
      InvalidQueryError,
    );
    expect(roundTrips()).toEqual(before);
  });
});
