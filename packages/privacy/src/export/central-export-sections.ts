import type { DB as CentralSchema } from '@waddle/central-schema/database';
import { sql } from 'kysely';
import type { JobSection } from '../job-section.ts';
import { runBatch } from '@waddle/d1/run-batch';
import { typedSection } from '../typed-section.ts';
import { keyedPage } from './keyed-page.ts';

const PAGE = 500;

/**
 * The profile: the user's row, settings and any global ban about them, in one round trip.
 *
 * ```sql
 * select "id", "username", "email", "display_name", "avatar_url", "bio", "is_anonymous", "locale", "timezone", "created_at", "updated_at", "deleted_at"
 *   from "users" where "id" = ?;
 * select * from "user_settings" where "user_id" = ?;
 * select * from "global_bans" where "user_id" = ?;
 * ```
 */
export const profileExport: JobSection = typedSection<CentralSchema>({
  name: 'profile',
  firstCursor: [],
  statements: 3,
  async page(central, { userId }) {
    const { db } = central;
    const [users, settings, bans] = await runBatch(central, [
      db
        .selectFrom('users')
        .select([
          'id',
          'username',
          'email',
          'display_name',
          'avatar_url',
          'bio',
          'is_anonymous',
          'locale',
          'timezone',
          'created_at',
          'updated_at',
          'deleted_at',
        ])
        .where('id', '=', userId),
      db.selectFrom('user_settings').selectAll().where('user_id', '=', userId),
      db.selectFrom('global_bans').selectAll().where('user_id', '=', userId),
    ]);
    const records = [
      ...users.results.map((data) => ({ type: 'profile', data })),
      ...settings.results.map((data) => ({ type: 'settings', data })),
      ...bans.results.map((data) => ({ type: 'global_ban', data })),
    ];
    return { rows: records.length, records, next: null };
  },
});

/**
 * Every waddle the user ever joined, with the current membership (nickname, notification level)
 * when they still belong to it, and whether they own it.
 *
 * ```sql
 * select "uw"."waddle_id", "w"."name" as "waddle_name", "uw"."first_joined_at", "m"."nickname", "m"."joined_at", "m"."last_read_at",
 *        "m"."notification_level", "m"."user_id" is not null as "is_member", "w"."owner_id" is "uw"."user_id" as "is_owner"
 * from "user_waddles" as "uw" left join "waddles" as "w" on "w"."id" = "uw"."waddle_id"
 *   left join "waddle_members" as "m" on "m"."waddle_id" = "uw"."waddle_id" and "m"."user_id" = "uw"."user_id"
 * where "uw"."user_id" = ? and "uw"."waddle_id" > ? order by "uw"."waddle_id" limit ?   -- 500
 * ```
 */
export const membershipsExport: JobSection = typedSection<CentralSchema>({
  name: 'memberships',
  firstCursor: [0],
  statements: 1,
  async page({ db }, { userId }, cursor) {
    const results = await db
      .selectFrom('user_waddles as uw')
      .leftJoin('waddles as w', 'w.id', 'uw.waddle_id')
      .leftJoin('waddle_members as m', (join) => join.onRef('m.waddle_id', '=', 'uw.waddle_id').onRef('m.user_id', '=', 'uw.user_id'))
      .select((eb) => [
        'uw.waddle_id',
        'w.name as waddle_name',
        'uw.first_joined_at',
        'm.nickname',
        'm.joined_at',
        'm.last_read_at',
        'm.notification_level',
        eb('m.user_id', 'is not', null).as('is_member'),
        eb('w.owner_id', 'is', eb.ref('uw.user_id')).as('is_owner'),
      ])
      .where('uw.user_id', '=', userId)
      .where('uw.waddle_id', '>', cursor[0] as number)
      .orderBy('uw.waddle_id')
      .limit(PAGE)
      .execute();
    return {
      rows: results.length,
      records: results.map((data) => ({ type: 'membership', waddleId: data.waddle_id, data })),
      next: results.length < PAGE ? null : [results.at(-1)!.waddle_id],
    };
  },
});

/**
 * Audit entries of the user's own actions (with the address and user agent recorded).
 *
 * ```sql
 * select * from "audit_log" where "user_id" = ? and "id" > ? order by "id" limit ?   -- 500, audit_log_by_user
 * ```
 */
export const ownAuditExport: JobSection = typedSection<CentralSchema>({
  name: 'audit_own',
  firstCursor: [0],
  statements: 1,
  async page({ db }, { userId }, cursor) {
    const results = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('user_id', '=', userId)
      .where('id', '>', cursor[0] as number)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    return keyedPage(results, PAGE, 'audit_entry', null, (row) => [row.id]);
  },
});

/**
 * Audit entries about the user by someone else (kicks, bans, role grants name them in
 * `metadata.userId`). The actor's address and user agent are theirs, not the user's: left out.
 * The path is a literal, not a parameter: SQLite uses the expression index `audit_log_by_subject`
 * only for the very expression it indexes.
 *
 * ```sql
 * select "id", "user_id", "action", "resource_type", "resource_id", "metadata", "created_at" from "audit_log"
 * where json_extract("metadata", '$.userId') = ? and "id" > ? order by "id" limit ?   -- 500, audit_log_by_subject
 * ```
 */
export const auditAboutExport: JobSection = typedSection<CentralSchema>({
  name: 'audit_about',
  firstCursor: [0],
  statements: 1,
  async page({ db }, { userId }, cursor) {
    const results = await db
      .selectFrom('audit_log')
      .select(['id', 'user_id', 'action', 'resource_type', 'resource_id', 'metadata', 'created_at'])
      .where((eb) => eb(eb.fn('json_extract', ['metadata', sql.lit('$.userId')]), '=', userId))
      .where('id', '>', cursor[0] as number)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    return keyedPage(results, PAGE, 'audit_entry_about', null, (row) => [row.id]);
  },
});

/** The central sections of an export, in archive order. */
export const centralExportSections: readonly JobSection[] = [profileExport, membershipsExport, ownAuditExport, auditAboutExport];
