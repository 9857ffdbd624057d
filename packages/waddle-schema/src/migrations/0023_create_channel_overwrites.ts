import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/** The `@everyone` role's permissions (0 without a default role: nobody holds anything through it). */
const EVERYONE = sql`coalesce((SELECT permissions FROM roles WHERE is_default = 1), 0)`;

/**
 * Channel permission overwrites, as Discord documents them: per channel, bits allowed and bits
 * denied for one role (`target_kind = 'role'`; role 0 is `@everyone`) or one member (`'member'`,
 * a central user id). The API computes a member's permissions in a channel from them (base
 * permissions, then the `@everyone` overwrite, the union of their roles' overwrites, their own
 * overwrite; deny before allow at each level). A row never allows and denies the same bit. A role
 * overwrite must name an existing role (a trigger: the target column serves both kinds, so no
 * foreign key), and a deleted role takes its overwrites with it; a deleted channel cascades.
 *
 * A private channel becomes an ordinary channel whose `@everyone` overwrite denies VIEW_CHANNELS
 * (bit 0), and `channels.is_private` is dropped in the same batch, so no moment sees it public.
 * Today's visibility is kept exactly: a member saw a private channel when their permissions held
 * VIEW_CHANNELS and VIEW_PRIVATE_CHANNELS (bit 10), or everything (owner, ADMINISTRATOR, who
 * bypass overwrites). Bit 10 is retired (never reused) and taken off every role; instead:
 *
 * - `@everyone` held bit 10: every member who could view channels saw the channel, so it becomes
 *   an ordinary channel without an overwrite;
 * - else each role holding bit 10 whose bits with `@everyone`'s include VIEW_CHANNELS gets an
 *   overwrite allowing VIEW_CHANNELS (a member granted it later sees the channel, as before);
 * - a member whose VIEW_CHANNELS and bit 10 come only from different roles (no single such role)
 *   gets a member overwrite allowing VIEW_CHANNELS.
 *
 * These statements read the channels and roles, which are few (never the messages), and must
 * run in the batch that drops the flag: they are not a backfill job. `down` restores the flag
 * from the `@everyone` overwrites, not bit 10 on the roles.
 */
export const createChannelOverwrites: Migration = {
  name: '0023_create_channel_overwrites',
  up: (db) => [
    db.schema
      .createTable('channel_overwrites')
      .addColumn('channel_id', 'integer', (c) => c.notNull().references('channels.id').onDelete('cascade'))
      .addColumn('target_kind', 'text', (c) => c.notNull().check(sql`target_kind IN ('role', 'member')`))
      .addColumn('target_id', 'integer', (c) => c.notNull())
      .addColumn('allow', 'integer', (c) => c.notNull().defaultTo(0).check(sql`allow >= 0`))
      .addColumn('deny', 'integer', (c) => c.notNull().defaultTo(0).check(sql`deny >= 0`))
      .addPrimaryKeyConstraint('channel_overwrites_pk', ['channel_id', 'target_kind', 'target_id'])
      .addCheckConstraint(
        'channel_overwrites_target_fits_kind',
        sql`CASE target_kind WHEN 'role' THEN target_id >= 0 ELSE target_id > 0 END`,
      )
      .addCheckConstraint('channel_overwrites_allow_or_deny', sql`(allow & deny) = 0`)
      .modifyEnd(sql`STRICT, WITHOUT ROWID`),
    db.schema.createIndex('channel_overwrites_by_target').on('channel_overwrites').columns(['target_kind', 'target_id', 'channel_id']),

    sql`INSERT INTO channel_overwrites (channel_id, target_kind, target_id, allow, deny)
      SELECT id, 'role', 0, 0, 1 FROM channels WHERE is_private = 1 AND (${EVERYONE} & 1024) = 0`,
    sql`INSERT INTO channel_overwrites (channel_id, target_kind, target_id, allow, deny)
      SELECT c.id, 'role', r.id, 1, 0 FROM channels AS c
      JOIN roles AS r ON r.is_default = 0 AND (r.permissions & 1024) <> 0 AND ((r.permissions | ${EVERYONE}) & 1) <> 0
      WHERE c.is_private = 1 AND (${EVERYONE} & 1024) = 0`,
    sql`INSERT INTO channel_overwrites (channel_id, target_kind, target_id, allow, deny)
      SELECT c.id, 'member', m.user_id, 1, 0 FROM channels AS c
      JOIN (SELECT mr.user_id FROM member_roles AS mr JOIN roles AS r ON r.id = mr.role_id
        GROUP BY mr.user_id
        HAVING max((r.permissions | ${EVERYONE}) & 1) = 1 AND max(r.permissions & 1024) = 1024
          AND max((r.permissions & 1024) <> 0 AND ((r.permissions | ${EVERYONE}) & 1) <> 0) = 0) AS m
      WHERE c.is_private = 1 AND (${EVERYONE} & 1024) = 0`,
    sql`UPDATE roles SET permissions = permissions & ~1024 WHERE (permissions & 1024) <> 0`,
    sql`ALTER TABLE channels DROP COLUMN is_private`,

    sql`CREATE TRIGGER channel_overwrites_name_a_role BEFORE INSERT ON channel_overwrites
      WHEN new.target_kind = 'role' AND NOT EXISTS (SELECT 1 FROM roles WHERE id = new.target_id)
      BEGIN SELECT RAISE(ABORT, 'channel_overwrites: no such role'); END`,
    sql`CREATE TRIGGER roles_take_overwrites AFTER DELETE ON roles
      BEGIN
        DELETE FROM channel_overwrites WHERE target_kind = 'role' AND target_id = old.id;
      END`,
  ],
  down: (db) => [
    sql`DROP TRIGGER roles_take_overwrites`,
    sql`DROP TRIGGER channel_overwrites_name_a_role`,
    sql`ALTER TABLE channels ADD COLUMN is_private INTEGER NOT NULL DEFAULT 0 CHECK (is_private IN (0, 1))`,
    sql`UPDATE channels SET is_private = 1 WHERE id IN
      (SELECT channel_id FROM channel_overwrites WHERE target_kind = 'role' AND target_id = 0 AND (deny & 1) <> 0)`,
    db.schema.dropTable('channel_overwrites'),
  ],
};
