import type { DB as WaddleSchema } from '@waddle/waddle-schema/database';
import type { JobSection } from '../job-section.ts';
import { typedSection } from '../typed-section.ts';
import { keyedPage } from './keyed-page.ts';

const PAGE = 500;

/**
 * The channel overwrites naming the user: per channel, the permission bits allowed and denied to
 * them alone (bit names are in docs/api.md). Overwrites of the roles they hold are the roles',
 * not theirs (the `role` records say which roles they hold).
 *
 * ```sql
 * select "channel_id", "allow", "deny" from "channel_overwrites"
 * where "target_kind" = 'member' and "target_id" = ? and "channel_id" > ? order by "channel_id" limit ?   -- 500, channel_overwrites_by_target
 * ```
 */
export const channelOverwritesExport: JobSection = typedSection<WaddleSchema>({
  name: 'channel_overwrites',
  firstCursor: [0],
  statements: 1,
  async page({ db }, { userId, waddleId }, cursor) {
    const rows = await db
      .selectFrom('channel_overwrites')
      .select(['channel_id', 'allow', 'deny'])
      .where('target_kind', '=', 'member')
      .where('target_id', '=', userId)
      .where('channel_id', '>', cursor[0] as number)
      .orderBy('channel_id')
      .limit(PAGE)
      .execute();
    return keyedPage(rows, PAGE, 'channel_overwrite', waddleId, (row) => [row.channel_id]);
  },
});
