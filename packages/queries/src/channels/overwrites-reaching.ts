import type { DB } from '@waddle/waddle-schema/database';
import type { Kysely } from 'kysely';

/**
 * The channel overwrites that reach a viewer: the `@everyone` overwrite (role 0), those of the
 * roles granted to them (`member_roles`, read in the same statement), and their own. Every
 * channel's, as aliased `o`: narrow it with `where('o.channel_id', …)` for one channel. Served by
 * `channel_overwrites_by_target` across the channels, by the primary key for one channel.
 *
 * ```sql
 * SELECT o.* FROM channel_overwrites AS o
 * WHERE (o.target_kind = 'role' AND (o.target_id = 0 OR o.target_id IN (SELECT role_id FROM member_roles WHERE user_id = ?)))
 *    OR (o.target_kind = 'member' AND o.target_id = ?)
 * ```
 *
 * @example
 * ```ts
 * const inChannel = await overwritesReaching(waddle.db, 42).where('o.channel_id', '=', 3).execute();
 * ```
 */
export function overwritesReaching(db: Kysely<DB>, viewerId: number) {
  return db
    .selectFrom('channel_overwrites as o')
    .selectAll('o')
    .where((eb) =>
      eb.or([
        eb.and([
          eb('o.target_kind', '=', 'role'),
          eb.or([
            eb('o.target_id', '=', 0),
            eb('o.target_id', 'in', eb.selectFrom('member_roles').select('role_id').where('user_id', '=', viewerId)),
          ]),
        ]),
        eb.and([eb('o.target_kind', '=', 'member'), eb('o.target_id', '=', viewerId)]),
      ]),
    );
}
