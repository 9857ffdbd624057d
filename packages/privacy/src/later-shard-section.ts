import type { JobSection } from './job-section.ts';

/**
 * A section run in each of a waddle's later message shards in turn (`storage.laterShards`, in id
 * order), as `section` runs in one database. Its cursor is the first message id of the shard it
 * is in, then `section`'s own cursor there: `[0, …]` before the first shard, and when a shard's
 * pages are done it moves to the next shard at `section`'s first cursor. A shard opened while the
 * job runs is reached when the walk gets to it (its first id is above every shard before it). A
 * waddle of one database has no later shard: the section is done at once, without a query.
 * Each page is one page of `section` in one shard (with the part's database, the primary, as
 * `storage.primary`), so it costs what `section` costs, or `statements` when given.
 *
 * @example
 * ```ts
 * export const shardReactionsErasure = inLaterShards('shard_reactions', reactionsErasure);
 * ```
 */
export function inLaterShards(name: string, section: JobSection, statements = section.statements): JobSection {
  return {
    name,
    firstCursor: [0, ...section.firstCursor],
    statements,
    async page(primary, subject, cursor, storage = {}) {
      const shards = storage.laterShards ?? [];
      const [after, ...inner] = cursor as [number, ...unknown[]];
      const index = shards.findIndex((shard) => shard.firstMessageId >= after);
      const shard = shards[index];
      if (!shard) return { rows: 0, records: [], next: null };
      const page = await section.page(shard.database, subject, shard.firstMessageId === after ? inner : section.firstCursor, {
        ...storage,
        primary,
      });
      const following = shards[index + 1];
      const next =
        page.next !== null ? [shard.firstMessageId, ...page.next] : following ? [following.firstMessageId, ...section.firstCursor] : null;
      return { ...page, next };
    },
  };
}
