import type { DB } from '@waddle/waddle-schema/database';
import { type Compilable, type Expression, type Kysely, sql } from 'kysely';
import type { OverwriteTarget } from './channel-overwrite-row.ts';

/** A change to one target's overwrite in a channel: bits to allow, bits to deny, bits to clear from both. */
export interface OverwriteChange {
  readonly target: OverwriteTarget;
  readonly allow?: number;
  readonly deny?: number;
  readonly clear?: number;
}

/**
 * The statements that apply a change to a channel's overwrite, for a batch: the overwrite is
 * created if there is none; allowed bits leave its deny and join its allow, denied bits the
 * reverse, cleared bits leave both; an overwrite left with no bit is deleted. Nothing is written
 * for a channel that does not exist. `channelId` may be an expression, such as
 * `last_insert_rowid()` in the batch that inserts the channel.
 *
 * ```sql
 * INSERT INTO channel_overwrites (channel_id, target_kind, target_id, allow, deny)
 *   SELECT id, ?, ?, ?, ? FROM channels WHERE id = ?
 *   ON CONFLICT (channel_id, target_kind, target_id) DO UPDATE
 *   SET allow = (channel_overwrites.allow & ~?) | excluded.allow, deny = (channel_overwrites.deny & ~?) | excluded.deny;
 * DELETE FROM channel_overwrites WHERE channel_id = ? AND target_kind = ? AND target_id = ? AND allow = 0 AND deny = 0;
 * ```
 *
 * @example
 * ```ts
 * await runBatch(waddle, overwriteChangeStatements(waddle.db, 3, { target: { kind: 'role', id: 0 }, deny: 1 }));
 * ```
 */
export function overwriteChangeStatements(db: Kysely<DB>, channelId: number | Expression<number>, change: OverwriteChange): Compilable[] {
  const allow = change.allow ?? 0;
  const deny = change.deny ?? 0;
  const clear = change.clear ?? 0;
  const { kind, id } = change.target;
  return [
    db
      .insertInto('channel_overwrites')
      .columns(['channel_id', 'target_kind', 'target_id', 'allow', 'deny'])
      .expression(
        db
          .selectFrom('channels')
          .select((eb) => [
            'id',
            eb.val(kind).as('target_kind'),
            eb.val(id).as('target_id'),
            eb.val(allow).as('allow'),
            eb.val(deny).as('deny'),
          ])
          .where('id', '=', channelId),
      )
      .onConflict((oc) =>
        oc.columns(['channel_id', 'target_kind', 'target_id']).doUpdateSet({
          allow: sql<number>`(${sql.ref('channel_overwrites.allow')} & ~${deny | clear}) | ${sql.ref('excluded.allow')}`,
          deny: sql<number>`(${sql.ref('channel_overwrites.deny')} & ~${allow | clear}) | ${sql.ref('excluded.deny')}`,
        }),
      ),
    db
      .deleteFrom('channel_overwrites')
      .where('channel_id', '=', channelId)
      .where('target_kind', '=', kind)
      .where('target_id', '=', id)
      .where('allow', '=', 0)
      .where('deny', '=', 0),
  ];
}
