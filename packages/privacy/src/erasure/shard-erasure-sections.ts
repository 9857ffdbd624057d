import type { JobSection } from '../job-section.ts';
import { inLaterShards } from '../later-shard-section.ts';
import { attachmentObjectsErasure } from './attachment-erasure-sections.ts';
import { threadFollowsErasure } from './mention-and-follow-erasure-sections.ts';
import { messagesErasure, reactionsErasure, searchIndexErasure } from './waddle-erasure-sections.ts';

/**
 * The sections of an erasure in a waddle's later message shards (docs/message-shards.md), after
 * the primary's: what grows with messages lives in the shard of its message, so each runs, shard
 * after shard, the statement the primary's section of that name runs (see each one's SQL):
 *
 * - `shard_messages`: the user's messages tombstoned (the shard's triggers take them out of its
 *   index, delete their edits, reactions and attachment rows, queue their files);
 * - `shard_reactions`: their reactions on others' messages there;
 * - `shard_thread_follows`: the follows the shard's triggers wrote beside their posts and mentions
 *   (the primary's are the ones read; these are copies, erased the same);
 * - `shard_attachment_objects`: their queued files deleted from the bucket;
 * - `shard_search_index`: each shard's index rewritten, bounded by that shard's size (the
 *   threshold keeps it well inside D1's 30 s), so no erased token is left in its pages.
 *
 * The primary's counters of the channels and threads these tombstones were in are the sum of the
 * shards' skeleton shares: a tombstone in a shard lowers its share, and the primary's copy lags
 * until the shard-aware drift check repairs it (docs/message-shards.md, section 3).
 */
export const shardErasureSections: readonly JobSection[] = [
  inLaterShards('shard_messages', messagesErasure),
  inLaterShards('shard_reactions', reactionsErasure),
  inLaterShards('shard_thread_follows', threadFollowsErasure),
  inLaterShards('shard_attachment_objects', attachmentObjectsErasure),
  inLaterShards('shard_search_index', searchIndexErasure),
];
