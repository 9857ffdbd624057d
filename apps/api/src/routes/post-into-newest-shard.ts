import type { NewMessage } from '@waddle/queries/messages/post-message';
import { postShardedMessage, type ShardedPost } from '@waddle/queries/shards/post-sharded-message';
import { repairShardedPost } from '@waddle/queries/shards/repair-sharded-post';
import { ShardSealedError } from '@waddle/queries/shards/shard-fence';
import type { WaddleAccess } from '../access/waddle-access.ts';
import type { RequestContext } from '../context/request-context.ts';
import { ApiError } from '../http/api-error.ts';

/** How many times a post refused by a sealed shard is sent again, each time on a shard map read again. */
const SWITCH_RETRIES = 4;
/** The first wait between retries (doubled each time): a switch is sealed but not yet activated for a few round trips. */
const SWITCH_RETRY_WAIT_MS = 25;

/**
 * Posts a message into the waddle's newest shard (`postShardedMessage`: into the primary while it
 * is the only shard, one batch; into a later shard, the shard's batch and then the primary's
 * activity as the second step). When a switch sealed that shard since the request read the shard
 * map (`ShardSealedError`: nothing was written), it reads the map again (one central statement,
 * `readLaterMessageShards`) and posts there: at once, then up to three more times after 25, 50
 * and 100 ms, while the switch has sealed the old shard but not yet activated the new one. Still
 * refused after that, it answers 503 `shard_switching` with `Retry-After: 1`; nothing was posted.
 * A slow-mode clock already moved by a refused attempt is not enforced again on the retry.
 *
 * A reply to a message of an older shard is stored as `reply_to_elsewhere_id` by
 * `postShardedMessage` (the route has checked the replied message in its own shard).
 *
 * When the second step failed (`activityRecorded: false`), the drift check of that one post
 * (`repairShardedPost`: its channel's and thread's counters, its author's and mentioned members'
 * follows) is handed to `waitUntil` (the request's `ctx.waitUntil`), so it runs after the answer
 * instead of at the next periodic pass. The runtime keeps it running up to 30 s after the response
 * and counts its statements in the request's invocation (about 2 per shard and 4 more); a repair
 * that fails too is `repairFailed`'s to report, and the periodic pass (`checkShardedDrift`) finds
 * the same drift.
 */
export async function postIntoNewestShard(
  context: RequestContext,
  access: WaddleAccess,
  message: NewMessage,
  options: {
    readonly enforceSlowMode: boolean;
    readonly waitUntil: (work: Promise<unknown>) => void;
    readonly repairFailed: (error: unknown) => void;
  },
): Promise<ShardedPost> {
  let sharded = access.sharded;
  let enforceSlowMode = options.enforceSlowMode;
  for (let attempt = 0; ; attempt++) {
    try {
      const posted = await postShardedMessage(sharded, message, { enforceSlowMode });
      if (!posted.activityRecorded)
        options.waitUntil(
          repairShardedPost(sharded, { id: posted.id, channelId: message.channelId, threadId: message.threadId ?? null }).catch(
            options.repairFailed,
          ),
        );
      return posted;
    } catch (error) {
      if (!(error instanceof ShardSealedError)) throw error;
      if (attempt === SWITCH_RETRIES)
        throw new ApiError(503, 'shard_switching', 'this waddle is opening a new message shard; post again in a second', {
          'Retry-After': '1',
        });
      if (error.slowModeClockMoved) enforceSlowMode = false;
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, SWITCH_RETRY_WAIT_MS * 2 ** (attempt - 1)));
      sharded = await context.rereadShardedWaddle(access.waddle.id, access.database);
    }
  }
}
