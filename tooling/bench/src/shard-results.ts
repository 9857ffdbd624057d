import { DEFAULT_SHARD_THRESHOLD_BYTES } from '@waddle/provisioning/message-shard-threshold';
import type { MessageShardMeasures } from './message-shards-bench.ts';

/** The `shards.*` keys of the benchmark's results. */
export interface ShardResults {
  readonly 'shards.count': number;
  readonly 'shards.messages': readonly number[];
  readonly 'shards.roundtrip_ms': number;
  readonly 'shards.page_newest_ms': number;
  readonly 'shards.page_boundary_ms': number;
  /** (page_boundary − page_newest) ÷ roundtrip, all of one run: the budget is at most 1. */
  readonly 'shards.boundary_extra_roundtrips': number;
  readonly 'shards.search_recent_ms': number;
  readonly 'shards.search_relevance_ms': number;
  readonly 'shards.lost': number;
  readonly 'shards.switch_ms': number;
  /** `erasure_optimize` on each shard, the primary first. */
  readonly 'shards.erasure_optimize_ms': readonly number[];
  /** Messages in a shard at the default threshold, at this run's bytes per message. */
  readonly 'shards.threshold_messages': number;
  /** The index rewrite of a shard at the default threshold, on the line through the two sizes this run measured (see docs/benchmark.md). */
  readonly 'shards.erasure_optimize_at_threshold_ms': number | null;
}

const r = (value: number, digits = 3) => Number(value.toFixed(digits));

/**
 * The `shards.*` keys from the shard measures, with the single database's `erasure_optimize`
 * (`wholeOptimizeMs` over `wholeMessages`, of the same run, or null when not measured) as the
 * second size of the line the threshold's index rewrite is read from: the shards' mean at their
 * mean size, and the whole waddle at its size.
 */
export function shardResults(
  measures: MessageShardMeasures,
  whole: { readonly messages: number; readonly optimizeMs: number | null },
  bytesPerMessage: number,
): ShardResults {
  const thresholdMessages = Math.round(DEFAULT_SHARD_THRESHOLD_BYTES / bytesPerMessage);
  const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const shardMessages = mean(measures.messagesPerShard);
  const shardMs = mean(measures.erasureOptimizeMs);
  const slope = whole.optimizeMs === null ? null : (whole.optimizeMs - shardMs) / (whole.messages - shardMessages);
  return {
    'shards.count': measures.count,
    'shards.messages': measures.messagesPerShard,
    'shards.roundtrip_ms': r(measures.roundtripMs),
    'shards.page_newest_ms': r(measures.pageNewestMs),
    'shards.page_boundary_ms': r(measures.pageBoundaryMs),
    'shards.boundary_extra_roundtrips': r((measures.pageBoundaryMs - measures.pageNewestMs) / measures.roundtripMs, 2),
    'shards.search_recent_ms': r(measures.searchRecentMs),
    'shards.search_relevance_ms': r(measures.searchRelevanceMs),
    'shards.lost': measures.lost,
    'shards.switch_ms': Math.round(measures.switchMs),
    'shards.erasure_optimize_ms': measures.erasureOptimizeMs.map((ms) => Math.round(ms)),
    'shards.threshold_messages': thresholdMessages,
    'shards.erasure_optimize_at_threshold_ms': slope === null ? null : Math.round(shardMs + slope * (thresholdMessages - shardMessages)),
  };
}

/** The rows of the benchmark's table for the `shards.*` keys: measure, local D1, in-process. */
export function shardTableRows(result: ShardResults): [string, string, string][] {
  const atThreshold = result['shards.erasure_optimize_at_threshold_ms'];
  return [
    [`shards.count (the waddle's messages by id ranges: ${result['shards.messages'].join(' + ')})`, String(result['shards.count']), ''],
    [
      'shards.page_newest_ms / page_boundary_ms (page of 50 in the newest shard / straddling two; extra round trips, budget ≤ 1)',
      `${result['shards.page_newest_ms']} / ${result['shards.page_boundary_ms']} (${result['shards.boundary_extra_roundtrips']})`,
      '',
    ],
    [
      'shards.search_recent_ms / search_relevance_ms (common word, every shard)',
      `${result['shards.search_recent_ms']} / ${result['shards.search_relevance_ms']}`,
      '',
    ],
    ['shards.lost (every channel paged both ways over the shards; must be 0)', '', String(result['shards.lost'])],
    ['shards.switch_ms (one openMessageShard, local D1)', String(result['shards.switch_ms']), ''],
    [
      `shards.erasure_optimize_ms (per shard; at the default threshold, ${result['shards.threshold_messages'].toLocaleString('en')} messages, interpolated; budget < 10,000)`,
      `${result['shards.erasure_optimize_ms'].join(' / ')}; ${atThreshold === null ? '–' : atThreshold}`,
      '',
    ],
  ];
}
