import { getShardedMessagePage } from '@waddle/queries/shards/sharded-message-page';
import { searchShardedMessages } from '@waddle/queries/shards/sharded-search';
import type { ShardedWaddle } from '@waddle/queries/shards/sharded-waddle';
import { COMMON_WORD } from './synthetic-content.ts';

/** The cases timed over the synthetic waddle split into message shards (docs/benchmark.md, `shards.*`). */
export const SHARD_CASES = [
  'shards_roundtrip',
  'shards_page_newest',
  'shards_page_boundary',
  'shards_search_recent',
  'shards_search_relevance',
] as const;
export type ShardCase = (typeof SHARD_CASES)[number];

/** What the shard cases need to know about the split waddle. */
export interface ShardCaseParameters {
  readonly channelId: number;
  /** The oldest message of the channel in the newest shard: a page of 49 older than it straddles two shards. */
  readonly boundaryAnchorId: number;
  readonly visibleChannelIds: readonly number[];
  readonly viewerId: number;
}

/**
 * One call of a shard case, over the shards as a Worker reaches them: the round trip (`SELECT 1` on
 * the newest shard), the newest page of 50 (inside the newest shard), the page of 50 around the
 * newest shard's oldest message of the channel (49 older, in the shard before: two shards read),
 * and recent and relevance search of the common word over every shard.
 */
export function shardCase(name: ShardCase, sharded: ShardedWaddle, p: ShardCaseParameters): () => Promise<unknown> {
  switch (name) {
    case 'shards_roundtrip': {
      const statement = sharded.shards.at(-1)!.waddle.d1.prepare('SELECT 1');
      return () => statement.all();
    }
    case 'shards_page_newest':
      return () => getShardedMessagePage(sharded, { channelId: p.channelId }, { anchor: 'newest', before: 50, viewerId: p.viewerId });
    case 'shards_page_boundary':
      return () =>
        getShardedMessagePage(sharded, { channelId: p.channelId }, { anchor: p.boundaryAnchorId, before: 49, viewerId: p.viewerId });
    case 'shards_search_recent':
      return () => searchShardedMessages(sharded, { query: COMMON_WORD, visibleChannelIds: p.visibleChannelIds });
    case 'shards_search_relevance':
      return () => searchShardedMessages(sharded, { query: COMMON_WORD, visibleChannelIds: p.visibleChannelIds, sort: 'relevance' });
  }
}
