import { type ExpressionBuilder, sql } from 'kysely';
import type { DB as CentralSchema } from '@waddle/central-schema/database';
import type { CentralDatabase } from './privacy-databases.ts';

/**
 * The subquery naming a waddle's successor owner: its longest-standing member other than the
 * leaving owner (ties: the higher user id, the order `waddle_members_by_waddle` is read in).
 */
function successorOf(eb: ExpressionBuilder<CentralSchema, 'waddles'>, leavingOwnerId: number) {
  return eb
    .selectFrom('waddle_members as m')
    .select('m.user_id')
    .whereRef('m.waddle_id', '=', 'waddles.id')
    .where('m.user_id', '<>', leavingOwnerId)
    .orderBy('m.joined_at')
    .orderBy('m.user_id', 'desc')
    .limit(sql.lit(1));
}

/**
 * Statements that hand every waddle owned by `userId` to its longest-standing other member,
 * recording each hand-over in the audit log (`waddle.owner.transfer`, `{"from", "to",
 * "reason": "owner_erased"}`: ids only). A waddle with no other member keeps its owner. Part of
 * the erasure's first central batch, before the memberships are deleted.
 *
 * ```sql
 * insert into "audit_log" ("user_id", "action", "resource_type", "resource_id", "metadata", "created_at")
 *   select null as "user_id", 'waddle.owner.transfer' as "action", 'waddle' as "resource_type", cast("id" as text) as "resource_id",
 *          json_object('from', "owner_id", 'to', <successor>, 'reason', 'owner_erased') as "metadata", ? as "created_at"
 *   from "waddles" where "owner_id" = ? and <successor> is not null;
 * update "waddles" set "owner_id" = coalesce(<successor>, "owner_id") where "owner_id" = ?;
 * -- <successor>: (select "m"."user_id" from "waddle_members" as "m" where "m"."waddle_id" = "waddles"."id" and "m"."user_id" <> ?
 * --               order by "m"."joined_at", "m"."user_id" desc limit 1)   -- waddle_members_by_waddle
 * ```
 */
export function ownershipHandOverStatements(central: CentralDatabase, userId: number, now: number) {
  const { db } = central;
  return [
    db
      .insertInto('audit_log')
      .columns(['user_id', 'action', 'resource_type', 'resource_id', 'metadata', 'created_at'])
      .expression(
        db
          .selectFrom('waddles')
          .select((eb) => [
            eb.lit(null).as('user_id'),
            sql.lit('waddle.owner.transfer').as('action'),
            sql.lit('waddle').as('resource_type'),
            eb.cast<string>('id', 'text').as('resource_id'),
            eb
              .fn<string>('json_object', [
                sql.lit('from'),
                'owner_id',
                sql.lit('to'),
                successorOf(eb, userId),
                sql.lit('reason'),
                sql.lit('owner_erased'),
              ])
              .as('metadata'),
            eb.val(now).as('created_at'),
          ])
          .where('owner_id', '=', userId)
          .where((eb) => eb(successorOf(eb, userId), 'is not', null)),
      ),
    db
      .updateTable('waddles')
      .set((eb) => ({ owner_id: eb.fn.coalesce(successorOf(eb, userId), 'owner_id') }))
      .where('owner_id', '=', userId),
  ];
}
