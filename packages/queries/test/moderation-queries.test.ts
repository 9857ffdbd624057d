import { testClock } from '@waddle/clock/test-clock';
import { beforeEach, describe, expect, it } from 'vitest';
import { banUser } from '../src/bans/ban-user.ts';
import { liftBan } from '../src/bans/lift-ban.ts';
import { listBansInForce } from '../src/bans/list-bans.ts';
import { grantRole } from '../src/roles/grant-role.ts';
import { highestRolePosition } from '../src/roles/highest-role-position.ts';
import { memberRoleIds } from '../src/roles/member-role-ids.ts';
import { revokeAllRoles } from '../src/roles/revoke-all-roles.ts';
import { revokeRole } from '../src/roles/revoke-role.ts';
import { updateRole } from '../src/roles/update-role.ts';
import type { WaddleDatabase } from '../src/waddle-database.ts';
import { freshWaddle } from './fresh-waddle.ts';

const NOW = testClock().now();
let waddle: WaddleDatabase;

beforeEach(async () => {
  waddle = await freshWaddle();
  await waddle.db
    .insertInto('roles')
    .values([
      { id: 5, name: 'mods', permissions: 4, position: 3 },
      { id: 6, name: 'helpers', permissions: 8, position: 1 },
    ])
    .execute();
  await grantRole(waddle, { userId: 7, roleId: 6, grantedBy: 1, grantedAt: NOW });
  await grantRole(waddle, { userId: 7, roleId: 5, grantedBy: 1, grantedAt: NOW });
});

describe('role grants', () => {
  it('keeps the first grant when granting again, and reports the highest granted position (null without any)', async () => {
    await grantRole(waddle, { userId: 7, roleId: 5, grantedBy: 2, grantedAt: NOW + 1 });
    expect(
      await waddle.db.selectFrom('member_roles').select(['role_id', 'granted_by']).where('user_id', '=', 7).orderBy('role_id').execute(),
    ).toEqual([
      { role_id: 5, granted_by: 1 },
      { role_id: 6, granted_by: 1 },
    ]);
    expect(await highestRolePosition(waddle, 7)).toBe(3);
    expect(await highestRolePosition(waddle, 8)).toBeNull();
    await revokeRole(waddle, { userId: 7, roleId: 5 });
    expect(await highestRolePosition(waddle, 7)).toBe(1);
  });

  it('lists the grants of several members at once, and reads nothing for none', async () => {
    await grantRole(waddle, { userId: 8, roleId: 6, grantedBy: 1, grantedAt: NOW });
    expect(await memberRoleIds(waddle, [7, 8, 9])).toEqual(
      new Map([
        [7, [5, 6]],
        [8, [6]],
      ]),
    );
    expect(await memberRoleIds(waddle, [])).toEqual(new Map());
  });

  it('updates a role and answers undefined for an unknown one', async () => {
    const fields = { name: 'moderators', color: '#ff0000', permissions: 12, position: 4, is_mentionable: 0 } as const;
    expect(await updateRole(waddle, 5, fields)).toMatchObject({ id: 5, ...fields });
    expect(await updateRole(waddle, 99, fields)).toBeUndefined();
  });
});

describe('bans', () => {
  it('bans and takes the grants away together; banning again replaces the ban', async () => {
    const ban = await banUser(waddle, { userId: 7, reason: 'spam', bannedBy: 1, bannedAt: NOW, expiresAt: null });
    expect(ban).toEqual({ user_id: 7, reason: 'spam', banned_by: 1, banned_at: NOW, expires_at: null });
    expect(await memberRoleIds(waddle, [7])).toEqual(new Map());
    const again = await banUser(waddle, { userId: 7, reason: null, bannedBy: 2, bannedAt: NOW + 5, expiresAt: NOW + 100 });
    expect(again).toEqual({ user_id: 7, reason: null, banned_by: 2, banned_at: NOW + 5, expires_at: NOW + 100 });
    expect(await waddle.db.selectFrom('bans').select('user_id').execute()).toHaveLength(1);
  });

  it('writes neither the ban nor the removal of grants when the batch fails', async () => {
    // banned_by is NOT NULL: the insert fails, so the grants' deletion in the same batch must not happen.
    await expect(
      banUser(waddle, { userId: 7, reason: null, bannedBy: null as unknown as number, bannedAt: NOW, expiresAt: null }),
    ).rejects.toThrow();
    expect(await memberRoleIds(waddle, [7])).toEqual(new Map([[7, [5, 6]]]));
    expect(await waddle.db.selectFrom('bans').selectAll().execute()).toEqual([]);
  });

  it('lists bans in force, newest first, and lifts one once', async () => {
    await banUser(waddle, { userId: 7, reason: null, bannedBy: 1, bannedAt: NOW - 2, expiresAt: null });
    await banUser(waddle, { userId: 8, reason: null, bannedBy: 1, bannedAt: NOW - 1, expiresAt: NOW + 10 });
    await banUser(waddle, { userId: 9, reason: null, bannedBy: 1, bannedAt: NOW - 3, expiresAt: NOW });
    expect((await listBansInForce(waddle, NOW)).map((ban) => ban.user_id)).toEqual([8, 7]);
    expect(await liftBan(waddle, 8)).toBe(true);
    expect(await liftBan(waddle, 8)).toBe(false);
    await revokeAllRoles(waddle, 7);
    expect((await listBansInForce(waddle, NOW)).map((ban) => ban.user_id)).toEqual([7]);
  });
});
