import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { Permission as P } from '../src/access/permissions.ts';
import { call, CHANNEL, freshPlatform, MESSAGE, ROLE, snapshot, THREAD, USER, WADDLE } from './fixture.ts';

const w = `/v1/waddles/${WADDLE.private}`;
const overwrites = (channel: number) => `${w}/channels/${channel}/overwrites`;
const roleOverwrite = (channel: number, role: number) => `${overwrites(channel)}/roles/${role}`;
const memberOverwrite = (channel: number, user: number) => `${overwrites(channel)}/members/${user}`;

/** The overwrites of a channel as the database holds them. */
async function stored(channel: number): Promise<string[]> {
  const { results } = await env.WADDLE_PRIVATE.prepare(
    'SELECT target_kind, target_id, allow, deny FROM channel_overwrites WHERE channel_id = ? ORDER BY target_kind, target_id',
  )
    .bind(channel)
    .all<{ target_kind: string; target_id: number; allow: number; deny: number }>();
  return results.map((o) => `${o.target_kind} ${o.target_id} +${o.allow} -${o.deny}`);
}

async function grant(userId: number, roleId: number, permissions: number, position: number): Promise<void> {
  await env.WADDLE_PRIVATE.batch([
    env.WADDLE_PRIVATE.prepare('INSERT INTO roles (id, name, permissions, position) VALUES (?, ?, ?, ?)').bind(
      roleId,
      `role ${roleId}`,
      permissions,
      position,
    ),
    env.WADDLE_PRIVATE.prepare('INSERT INTO member_roles (user_id, role_id, granted_by) VALUES (?, ?, 1)').bind(userId, roleId),
  ]);
}

beforeEach(freshPlatform);

describe('the overwrite routes', () => {
  it('list, set and delete overwrites, naming their bits, and record each change in the audit log', async () => {
    const listed = await call('moderator', 'GET', overwrites(CHANNEL.secret));
    expect(listed.body.overwrites).toEqual([
      { channelId: 2, targetKind: 'member', targetId: 2, allow: 1, allowNames: ['VIEW_CHANNELS'], deny: 0, denyNames: [] },
      { channelId: 2, targetKind: 'role', targetId: 0, allow: 0, allowNames: [], deny: 1, denyNames: ['VIEW_CHANNELS'] },
      { channelId: 2, targetKind: 'role', targetId: 1, allow: 1, allowNames: ['VIEW_CHANNELS'], deny: 0, denyNames: [] },
    ]);
    const set = await call('moderator', 'PUT', roleOverwrite(CHANNEL.general, ROLE.helper), { deny: P.SEND_MESSAGES | P.ADD_REACTIONS });
    expect(set.body).toEqual({
      channelId: 1,
      targetKind: 'role',
      targetId: 2,
      allow: 0,
      allowNames: [],
      deny: 258,
      denyNames: ['SEND_MESSAGES', 'ADD_REACTIONS'],
    });
    // A PUT replaces the whole overwrite.
    expect((await call('moderator', 'PUT', roleOverwrite(CHANNEL.general, ROLE.helper), { allow: P.MANAGE_THREADS })).status).toBe(200);
    expect(await stored(CHANNEL.general)).toEqual(['role 2 +8 -0']);
    expect((await call('moderator', 'DELETE', roleOverwrite(CHANNEL.general, ROLE.helper))).status).toBe(204);
    const again = await call('moderator', 'DELETE', roleOverwrite(CHANNEL.general, ROLE.helper));
    expect([again.status, again.body.error]).toEqual([404, { code: 'not_found', message: 'overwrite not found' }]);
    const { results } = await env.CENTRAL_DB.prepare(
      "SELECT action, resource_id, metadata FROM audit_log WHERE action LIKE 'channel.overwrite%' ORDER BY id",
    ).all();
    expect(results).toEqual([
      { action: 'channel.overwrite.set', resource_id: '1:1', metadata: JSON.stringify({ roleId: 2, allow: 0, deny: 258 }) },
      { action: 'channel.overwrite.set', resource_id: '1:1', metadata: JSON.stringify({ roleId: 2, allow: 8, deny: 0 }) },
      { action: 'channel.overwrite.delete', resource_id: '1:1', metadata: JSON.stringify({ roleId: 2, allow: 0, deny: 0 }) },
    ]);
  });

  it('refuses bits that are not channel permissions, or allowed and denied at once, with 400 and nothing written', async () => {
    const before = await snapshot();
    for (const body of [{ allow: P.BAN_MEMBERS }, { deny: P.ADMINISTRATOR }, { allow: 1, deny: 1 }, { allow: 1 << 20 }, { allow: -1 }]) {
      const answer = await call('owner', 'PUT', memberOverwrite(CHANNEL.general, USER.member), body);
      expect({ body, status: answer.status, code: answer.body.error.code }).toEqual({ body, status: 400, code: 'invalid_body' });
    }
    expect(await snapshot()).toBe(before);
  });

  it('lists only for MANAGE_ROLES or MANAGE_CHANNELS in the channel, and changes only with MANAGE_ROLES there', async () => {
    const before = await snapshot();
    const list = await call('member', 'GET', overwrites(CHANNEL.general));
    expect([list.status, list.body.error.code]).toEqual([403, 'missing_permission']);
    const change = await call('member', 'PUT', memberOverwrite(CHANNEL.general, USER.member), { allow: P.MANAGE_MESSAGES });
    expect(change.body.error).toEqual({ code: 'missing_permission', message: 'setting an overwrite needs MANAGE_ROLES' });
    expect(await snapshot()).toBe(before);

    // MANAGE_CHANNELS alone lists; MANAGE_ROLES allowed in one channel manages that channel's overwrites only.
    await grant(USER.member, 10, P.MANAGE_CHANNELS, 1);
    expect((await call('member', 'GET', overwrites(CHANNEL.general))).status).toBe(200);
    expect((await call('member', 'PUT', roleOverwrite(CHANNEL.general, 0), { deny: P.ADD_REACTIONS })).status).toBe(403);
    expect((await call('owner', 'PUT', roleOverwrite(CHANNEL.general, 10), { allow: P.MANAGE_ROLES })).status).toBe(200);
    expect((await call('member', 'PUT', roleOverwrite(CHANNEL.general, 0), { deny: P.ADD_REACTIONS })).status).toBe(200);
    expect((await call('member', 'PUT', roleOverwrite(CHANNEL.slow, 0), { deny: P.ADD_REACTIONS })).status).toBe(403);
    expect((await call('member', 'PUT', `${w}/messages/${MESSAGE.byModerator}/reactions/${encodeURIComponent('🐧')}`)).status).toBe(403);
  });

  it('keeps the role hierarchy: no overwrite for a role at or above one’s highest role, nor for the owner or a member not below', async () => {
    await grant(USER.owner, 30, 0, 5);
    const before = await snapshot();
    for (const role of [ROLE.moderator, 30]) {
      const answer = await call('moderator', 'PUT', roleOverwrite(CHANNEL.general, role), { deny: P.ADD_REACTIONS });
      expect({ role, status: answer.status, code: answer.body.error.code }).toEqual({ role, status: 403, code: 'outranked' });
      expect((await call('moderator', 'DELETE', roleOverwrite(CHANNEL.secret, role))).status).toBe(403);
    }
    expect((await call('moderator', 'PUT', memberOverwrite(CHANNEL.general, USER.owner), { deny: P.ADD_REACTIONS })).body.error.code).toBe(
      'outranked',
    );
    expect(await snapshot()).toBe(before);
    // Below: the helper role, @everyone, a member without roles, and one's own overwrite.
    for (const path of [
      roleOverwrite(CHANNEL.general, ROLE.helper),
      roleOverwrite(CHANNEL.general, 0),
      memberOverwrite(CHANNEL.general, USER.member),
      memberOverwrite(CHANNEL.general, USER.moderator),
    ])
      expect({ path, status: (await call('moderator', 'PUT', path, { allow: P.MANAGE_THREADS })).status }).toEqual({ path, status: 200 });
    // A member raised to the moderator's rank is out of reach.
    expect((await call('owner', 'PUT', `${w}/members/${USER.member}/roles/${ROLE.moderator}`)).status).toBe(204);
    expect((await call('moderator', 'DELETE', memberOverwrite(CHANNEL.general, USER.member))).body.error.code).toBe('outranked');
  });

  it('lets the owner and administrators past the hierarchy', async () => {
    await grant(USER.member, 10, P.ADMINISTRATOR, 1);
    expect((await call('member', 'PUT', roleOverwrite(CHANNEL.general, ROLE.moderator), { deny: P.ADD_REACTIONS })).status).toBe(200);
    expect((await call('member', 'PUT', memberOverwrite(CHANNEL.general, USER.moderator), { deny: P.SEND_MESSAGES })).status).toBe(200);
    expect((await call('owner', 'DELETE', memberOverwrite(CHANNEL.general, USER.moderator))).status).toBe(204);
    expect(await stored(CHANNEL.general)).toEqual(['role 1 +0 -256']);
  });

  it('lets nobody grant or deny what they do not hold in the channel, nor take away such a bit; other bits of the same overwrite stay theirs', async () => {
    // The owner takes MANAGE_THREADS from moderators in #general, and denies it to helpers there.
    expect((await call('owner', 'PUT', roleOverwrite(CHANNEL.general, ROLE.moderator), { deny: P.MANAGE_THREADS })).status).toBe(200);
    expect((await call('owner', 'PUT', roleOverwrite(CHANNEL.general, ROLE.helper), { deny: P.MANAGE_THREADS })).status).toBe(200);
    const before = await snapshot();
    const grantIt = await call('moderator', 'PUT', memberOverwrite(CHANNEL.general, USER.member), { allow: P.MANAGE_THREADS });
    expect(grantIt.body.error).toEqual({
      code: 'missing_permission',
      message: 'setting an overwrite touches permissions you lack (MANAGE_THREADS)',
    });
    expect((await call('moderator', 'PUT', roleOverwrite(CHANNEL.general, ROLE.helper), {})).body.error.code).toBe('missing_permission');
    expect((await call('moderator', 'DELETE', roleOverwrite(CHANNEL.general, ROLE.helper))).body.error.code).toBe('missing_permission');
    expect(await snapshot()).toBe(before);
    // Elsewhere the moderator holds it, and in #general they may change the helpers' other bits.
    expect((await call('moderator', 'PUT', memberOverwrite(CHANNEL.slow, USER.member), { allow: P.MANAGE_THREADS })).status).toBe(200);
    const kept = { deny: P.MANAGE_THREADS | P.SEND_MESSAGES };
    expect((await call('moderator', 'PUT', roleOverwrite(CHANNEL.general, ROLE.helper), kept)).status).toBe(200);
  });

  it('answers 404 for an unknown role, a non-member and a missing overwrite, writing nothing', async () => {
    const before = await snapshot();
    expect((await call('moderator', 'PUT', roleOverwrite(CHANNEL.general, 999), { allow: 1 })).body.error.message).toBe('role not found');
    expect((await call('moderator', 'PUT', memberOverwrite(CHANNEL.general, USER.outsider), { allow: 1 })).body.error.message).toBe(
      'member not found',
    );
    expect((await call('moderator', 'DELETE', memberOverwrite(CHANNEL.general, USER.member))).body.error.message).toBe(
      'overwrite not found',
    );
    expect(await snapshot()).toBe(before);
  });
});

describe('a channel an overwrite hides', () => {
  it('answers every route about it, its threads and messages with the 404 of an unknown one, and leaves it out of lists, search and unreads', async () => {
    expect((await call('moderator', 'PUT', memberOverwrite(CHANNEL.general, USER.member), { deny: P.VIEW_CHANNELS })).status).toBe(200);
    const before = await snapshot();
    const pairs: [string, string, string, unknown?][] = [
      ['GET', `${w}/channels/${CHANNEL.general}/messages`, `${w}/channels/999999/messages`],
      ['POST', `${w}/channels/${CHANNEL.general}/messages`, `${w}/channels/999999/messages`, { content: 'hi' }],
      ['GET', `${w}/threads/${THREAD.welcome}/messages`, `${w}/threads/999999/messages`],
      ['PATCH', `${w}/messages/${MESSAGE.byMember}`, `${w}/messages/999999`, { content: 'edited' }],
      [
        'PUT',
        `${w}/messages/${MESSAGE.byModerator}/reactions/${encodeURIComponent('🐧')}`,
        `${w}/messages/999999/reactions/${encodeURIComponent('🐧')}`,
      ],
      ['PUT', `${w}/channels/${CHANNEL.general}/read`, `${w}/channels/999999/read`, { messageId: MESSAGE.byModerator }],
      ['GET', `${w}/channels/${CHANNEL.general}/pins`, `${w}/channels/999999/pins`],
      ['GET', overwrites(CHANNEL.general), overwrites(999999)],
    ];
    for (const [method, hidden, unknown, body] of pairs) {
      const [a, b] = [await call('member', method, hidden, body), await call('member', method, unknown, body)];
      expect({ hidden, status: a.status, body: a.body }).toEqual({ hidden, status: 404, body: b.body });
    }
    expect((await call('member', 'GET', `${w}/channels`)).body.channels.map((c: { id: number }) => c.id)).not.toContain(CHANNEL.general);
    expect((await call('member', 'GET', `${w}/search?q=penguins`)).body.hits).toEqual([]);
    expect((await call('member', 'GET', `${w}/search?q=penguins&channel=${CHANNEL.general}`)).status).toBe(404);
    expect((await call('member', 'GET', `${w}/unreads`)).body.channels.map((c: { channelId: number }) => c.channelId)).not.toContain(
      CHANNEL.general,
    );
    expect(await snapshot()).toBe(before);
    // The moderator still sees it all.
    expect((await call('moderator', 'GET', `${w}/search?q=penguins`)).body.hits).toHaveLength(1);
  });
});

describe('isPrivate, the shorthand for the @everyone overwrite', () => {
  it('creates a private channel its creator keeps seeing, and PATCH opens and closes it', async () => {
    const created = await call('moderator', 'POST', `${w}/channels`, { name: 'staff', isPrivate: true });
    expect([created.status, created.body.isPrivate]).toEqual([201, true]);
    const id = created.body.id as number;
    expect(await stored(id)).toEqual([`member ${USER.moderator} +1 -0`, 'role 0 +0 -1']);
    expect((await call('moderator', 'GET', `${w}/channels/${id}/messages`)).status).toBe(200);
    expect((await call('member', 'GET', `${w}/channels/${id}/messages`)).status).toBe(404);
    const byOwner = await call('owner', 'POST', `${w}/channels`, { name: 'vault', isPrivate: true });
    expect(await stored(byOwner.body.id)).toEqual(['role 0 +0 -1']);

    const opened = await call('moderator', 'PATCH', `${w}/channels/${id}`, { isPrivate: false });
    expect([opened.status, opened.body.isPrivate, opened.body.name]).toEqual([200, false, 'staff']);
    expect(await stored(id)).toEqual([`member ${USER.moderator} +1 -0`]);
    expect((await call('member', 'GET', `${w}/channels`)).body.channels.map((c: { name: string }) => c.name)).toContain('staff');

    const closed = await call('moderator', 'PATCH', `${w}/channels/${CHANNEL.general}`, { isPrivate: true, description: 'staff only' });
    expect([closed.body.isPrivate, closed.body.description]).toEqual([true, 'staff only']);
    expect((await call('member', 'GET', `${w}/channels/${CHANNEL.general}/messages`)).status).toBe(404);
    const archived = await call('moderator', 'POST', `${w}/channels/${CHANNEL.general}/archive`);
    expect([archived.body.isArchived, archived.body.isPrivate]).toEqual([true, true]);
  });
});
