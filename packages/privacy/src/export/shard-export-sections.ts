import type { DB as WaddleSchema } from '@waddle/waddle-schema/database';
import { openTypedDatabase } from '@waddle/d1/typed-database';
import type { JobSection } from '../job-section.ts';
import { inLaterShards } from '../later-shard-section.ts';
import { mentionsMadeExport } from './mention-and-follow-export-sections.ts';
import { messagesExport, reactionsExport } from './waddle-export-sections.ts';

/**
 * The user's messages in one later shard, as `messagesExport` reads them there (edits and
 * attachments included), with each channel's name from the primary: the shard only has a
 * skeleton of the channel, whose name is a placeholder (`#<id>`).
 *
 * ```sql
 * -- in the shard: messagesExport's statement, then in the primary:
 * select "id", "name" from "channels" where "id" in (?, …)
 * ```
 */
const messagesInShardExport: JobSection = {
  ...messagesExport,
  statements: messagesExport.statements + 1,
  async page(shard, subject, cursor, storage = {}) {
    const page = await messagesExport.page(shard, subject, cursor, storage);
    const channelIds = [...new Set(page.records.map((record) => record.data.channel_id as number))];
    if (channelIds.length === 0 || !storage.primary) return page;
    const channels = await openTypedDatabase<WaddleSchema>(storage.primary)
      .db.selectFrom('channels')
      .select(['id', 'name'])
      .where('id', 'in', channelIds)
      .execute();
    const names = new Map(channels.map((channel) => [channel.id, channel.name]));
    return {
      ...page,
      records: page.records.map((record) => ({
        ...record,
        data: { ...record.data, channel_name: names.get(record.data.channel_id as number) ?? null },
      })),
    };
  },
};

/**
 * The sections of an export in a waddle's later message shards, after the primary's, in archive
 * order: the user's messages (with edits and attachments), their reactions, and the mentions they
 * made, each shard after shard in id order (see the sections of the same records in
 * `waddleExportSections` for their SQL). Everything else of the waddle is in the primary.
 */
export const shardExportSections: readonly JobSection[] = [
  inLaterShards('shard_messages', messagesInShardExport),
  inLaterShards('shard_reactions', reactionsExport),
  inLaterShards('shard_mentions_made', mentionsMadeExport),
];
