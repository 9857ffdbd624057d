import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { Permission } from '../src/access/permissions.ts';
import { call, CHANNEL, freshPlatform, MODERATOR_PERMISSIONS, ROLE, USER, WADDLE } from './fixture.ts';

const w = `/v1/waddles/${WADDLE.private}`;

async function auditActions(): Promise<{ action: string; user_id: number; metadata: string | null }[]> {
  const { results } = await env.CENTRAL_DB.prepare('SELECT action, user_id, metadata FROM audit_log ORDER BY id').all<{
    action: string;
    user_id: number;
    metadata: string | null;
  }>();
  return results;
}

beforeEach(freshPlatform);

describe('permissions and moderation', () => {
  it('shows a private channel, its messages and search hits only to those its overwrites let view it', async () => {
    const memberChannels = (await call('member', 'GET', `${w}/channels`)).body.channels.map((c: { name: string }) => c.name);
    const moderatorChannels = (await call('moderator', 'GET', `${w}/channels`)).body.channels;
    expect(memberChannels).not.toContain('secret');
    expect(moderatorChannels.map((c: { name: string; isPrivate: boolean }) => [c.name, c.isPrivate])).toContainEqual(['secret', true]);
    expect((await call('member', 'GET', `${w}/search?q=secret`)).body.hits).toEqual([]);
    expect((await call('moderator', 'GET', `${w}/search?q=secret`)).body.hits.map((h: { content: string }) => h.content)).toEqual([
      'the secret plan',
    ]);
    expect((await call('member', 'GET', `${w}/search?q=plan&channel=${CHANNEL.secret}`)).status).toBe(404);

    // Granting a role that the channel's overwrites let view it opens it; the default role's permissions apply to everyone.
    const helperView = { allow: Permission.VIEW_CHANNELS };
    expect((await call('owner', 'PUT', `${w}/channels/${CHANNEL.secret}/overwrites/roles/${ROLE.helper}`, helperView)).status).toBe(200);
    expect((await call('member', 'GET', `${w}/channels/${CHANNEL.secret}/messages`)).status).toBe(404);
    expect((await call('owner', 'PUT', `${w}/members/${USER.member}/roles/${ROLE.helper}`)).status).toBe(204);
    expect((await call('member', 'GET', `${w}/channels/${CHANNEL.secret}/messages`)).status).toBe(200);
    expect((await call('owner', 'PATCH', `${w}/roles/0`, { permissions: 0 })).status).toBe(200);
    expect((await call('member', 'GET', `${w}/channels/${CHANNEL.general}/messages`)).status).toBe(404);
    expect((await call('owner', 'GET', `${w}/channels/${CHANNEL.general}/messages`)).status).toBe(200);
  });

  it('refuses what a member may not do with 403 naming the permission, and writes nothing', async () => {
    const attempt = await call('member', 'POST', `${w}/channels`, { name: 'mine' });
    expect(attempt.status).toBe(403);
    expect(attempt.body.error).toEqual({ code: 'missing_permission', message: 'creating a channel needs MANAGE_CHANNELS' });
    expect((await call('member', 'PUT', `${w}/bans/${USER.owner}`, {})).status).toBe(403);
    expect((await call('member', 'POST', `${w}/roles`, { name: 'Boss', permissions: Permission.ADMINISTRATOR })).status).toBe(403);
    // A moderator cannot hand out what they lack, nor place a role at or above their own.
    expect((await call('moderator', 'POST', `${w}/roles`, { name: 'Admin', permissions: Permission.ADMINISTRATOR })).body.error.code).toBe(
      'missing_permission',
    );
    expect((await call('moderator', 'POST', `${w}/roles`, { name: 'Peer', position: 2 })).body.error.code).toBe('outranked');
    expect(await auditActions()).toEqual([]);
  });

  it('lets only the owner or an administrator add to @everyone more than what every member may safely hold', async () => {
    const everyone = `${w}/roles/0`;
    const everyoneBits = async () =>
      (await env.WADDLE_PRIVATE.prepare('SELECT permissions FROM roles WHERE id = 0').first<{ permissions: number }>())!.permissions;
    const start = await everyoneBits();
    // The moderator (MANAGE_ROLES) tries to hand every member moderator powers in one request.
    const escalate = await call('moderator', 'PATCH', everyone, { permissions: 967 });
    expect(escalate.status).toBe(403);
    expect(escalate.body.error.code).toBe('default_role_restricted');
    expect(escalate.body.error.message).toMatch(/MANAGE_MESSAGES/);
    for (const bit of [Permission.MANAGE_MESSAGES, Permission.KICK_MEMBERS, Permission.MANAGE_ROLES, Permission.ADMINISTRATOR]) {
      expect((await call('moderator', 'PATCH', everyone, { permissions: start | bit })).status).toBe(403);
    }
    expect(await everyoneBits()).toBe(start);
    expect((await call('member', 'DELETE', `${w}/messages/2`)).status).toBe(403);
    expect((await call('member', 'GET', `${w}/channels/${CHANNEL.secret}/messages`)).status).toBe(404);

    // Within the safe set, MANAGE_ROLES may take bits away and give back those it holds.
    expect(
      (await call('owner', 'PATCH', `${w}/roles/${ROLE.moderator}`, { permissions: MODERATOR_PERMISSIONS | Permission.ADD_REACTIONS }))
        .status,
    ).toBe(200);
    expect((await call('moderator', 'PATCH', everyone, { permissions: start & ~Permission.ADD_REACTIONS })).status).toBe(200);
    expect((await call('moderator', 'PATCH', everyone, { permissions: start })).status).toBe(200);

    // The owner may widen it, and so may an administrator.
    expect((await call('owner', 'PATCH', everyone, { permissions: start | Permission.MANAGE_MESSAGES })).status).toBe(200);
    expect(
      (await call('moderator', 'PATCH', everyone, { permissions: start | Permission.MANAGE_MESSAGES | Permission.ADD_REACTIONS })).status,
    ).toBe(200);
    expect((await call('owner', 'PATCH', `${w}/roles/${ROLE.moderator}`, { permissions: Permission.ADMINISTRATOR })).status).toBe(200);
    expect((await call('moderator', 'PATCH', everyone, { permissions: start | Permission.KICK_MEMBERS })).status).toBe(200);

    // Nobody adds a bit they do not hold, to @everyone or to any role.
    expect((await call('owner', 'PATCH', `${w}/roles/${ROLE.moderator}`, { permissions: Permission.MANAGE_ROLES })).status).toBe(200);
    expect((await call('owner', 'PATCH', everyone, { permissions: 0 })).status).toBe(200);
    expect((await call('moderator', 'PATCH', everyone, { permissions: Permission.VIEW_CHANNELS })).body.error.code).toBe(
      'missing_permission',
    );
    expect((await call('moderator', 'PATCH', `${w}/roles/${ROLE.helper}`, { permissions: Permission.VIEW_CHANNELS })).body.error.code).toBe(
      'missing_permission',
    );
  });

  it('kicks and bans only below oneself; a ban removes the member, blocks rejoining and is audited', async () => {
    expect((await call('moderator', 'DELETE', `${w}/members/${USER.owner}`)).body.error.code).toBe('outranked');
    expect((await call('moderator', 'PUT', `${w}/bans/${USER.owner}`, {})).body.error.code).toBe('outranked');
    expect((await call('owner', 'PUT', `${w}/members/${USER.member}/roles/${ROLE.moderator}`)).status).toBe(204);
    expect((await call('moderator', 'DELETE', `${w}/members/${USER.member}`)).body.error.code).toBe('outranked');
    expect((await call('owner', 'DELETE', `${w}/members/${USER.member}/roles/${ROLE.moderator}`)).status).toBe(204);

    const ban = await call('moderator', 'PUT', `${w}/bans/${USER.member}`, { reason: 'spam' });
    expect(ban.status).toBe(200);
    expect(ban.body).toMatchObject({ userId: USER.member, reason: 'spam', bannedBy: USER.moderator, expiresAt: null });
    expect((await call('member', 'GET', w)).status).toBe(403);
    expect((await call('member', 'GET', '/v1/waddles')).body.waddles).toEqual([]);
    const member = await env.CENTRAL_DB.prepare('SELECT 1 FROM waddle_members WHERE waddle_id = ? AND user_id = ?')
      .bind(WADDLE.private, USER.member)
      .first();
    expect(member).toBeNull();

    expect((await call('moderator', 'DELETE', `${w}/bans/${USER.member}`)).status).toBe(204);
    expect((await call('member', 'GET', w)).status).toBe(404);
    const actions = await auditActions();
    expect(actions.map((a) => [a.action, a.user_id])).toEqual([
      ['member.role.grant', USER.owner],
      ['member.role.revoke', USER.owner],
      ['member.ban', USER.moderator],
      ['member.unban', USER.moderator],
    ]);
    expect(JSON.parse(actions[2]!.metadata!)).toEqual({ userId: USER.member, expiresAt: null });
  });

  it('tells a ban only to whoever already knows the waddle: a never-member banned from a private one gets the 404 of an unknown waddle', async () => {
    // USER.banned never joined the private waddle; a moderator banned them ahead of time.
    const unknown = await call('banned', 'GET', '/v1/waddles/424242');
    for (const path of [w, `${w}/channels`, `${w}/channels/${CHANNEL.general}/messages`, `${w}/members`]) {
      const answer = await call('banned', 'GET', path);
      expect({ path, status: answer.status, body: answer.body }).toEqual({ path, status: 404, body: unknown.body });
    }
    expect((await call('banned', 'POST', `${w}/members`)).body).toEqual(unknown.body);

    // A former member knows it exists: they are told why they cannot come back.
    expect((await call('moderator', 'PUT', `${w}/bans/${USER.member}`, {})).status).toBe(200);
    expect((await call('member', 'GET', w)).body.error.code).toBe('banned_from_waddle');
    expect((await call('member', 'POST', `${w}/members`)).body.error.code).toBe('banned_from_waddle');

    // A public waddle is listed in the directory: joining it tells the ban.
    const puffins = `/v1/waddles/${WADDLE.public}`;
    expect((await call('owner', 'PUT', `${puffins}/bans/${USER.outsider}`, {})).status).toBe(200);
    expect((await call('outsider', 'POST', `${puffins}/members`)).body.error.code).toBe('banned_from_waddle');
  });

  it('joins public waddles only, and lets members leave (not the owner)', async () => {
    expect((await call('outsider', 'POST', `/v1/waddles/${WADDLE.public}/members`)).status).toBe(201);
    expect((await call('outsider', 'POST', `/v1/waddles/${WADDLE.public}/members`)).status).toBe(201);
    expect((await call('outsider', 'GET', `/v1/waddles/${WADDLE.public}`)).body).toMatchObject({
      name: 'puffins',
      memberCount: 2,
      isOwner: false,
    });
    expect((await call('outsider', 'POST', `/v1/waddles/${WADDLE.private}/members`)).status).toBe(404);
    expect((await call('banned', 'POST', `/v1/waddles/${WADDLE.private}/members`)).status).toBe(404);
    expect((await call('outsider', 'DELETE', `/v1/waddles/${WADDLE.public}/members/${USER.outsider}`)).status).toBe(204);
    expect((await call('owner', 'DELETE', `/v1/waddles/${WADDLE.public}/members/${USER.owner}`)).body.error.code).toBe(
      'owner_cannot_leave',
    );
    const directory = await call('outsider', 'GET', '/v1/directory?limit=1');
    expect(directory.body.waddles.map((d: { name: string }) => d.name)).toEqual(['puffins']);
    expect(directory.body.nextCursor).toBeNull();
  });

  it("records moderators deleting others' messages in the audit log, without the content", async () => {
    expect((await call('moderator', 'DELETE', `${w}/messages/1`)).status).toBe(204);
    const [entry] = await auditActions();
    expect(entry?.action).toBe('message.delete');
    expect(entry?.metadata).not.toContain('hello');
  });
});
