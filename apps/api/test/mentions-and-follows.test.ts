import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { Permission } from '../src/access/permissions.ts';
import {
  call,
  CHANNEL,
  freshPlatform,
  MESSAGE,
  MODERATOR_PERMISSIONS,
  type Persona,
  ROLE,
  snapshot,
  THREAD,
  USER,
  WADDLE,
} from './fixture.ts';

/*
 * Issue 17 through the API on local D1: mentions recorded with the author's real authority
 * (membership from the central directory, MENTION_EVERYONE from their roles), counted for whom
 * they reach; followed threads with their own read state; notification levels deciding badges;
 * and nothing of a channel the caller cannot see.
 */

const w = `/v1/waddles/${WADDLE.private}`;
const general = `${w}/channels/${CHANNEL.general}`;

beforeEach(freshPlatform);

async function post(as: Persona, content: string, options: { channel?: number; threadId?: number } = {}): Promise<number> {
  const answer = await call(as, 'POST', `${w}/channels/${options.channel ?? CHANNEL.general}/messages`, {
    content,
    threadId: options.threadId,
  });
  expect(answer.status).toBe(201);
  return answer.body.id;
}

/** What the database recorded for a message: `kind target` pairs. */
async function recorded(messageId: number): Promise<string[]> {
  const { results } = await env.WADDLE_PRIVATE.prepare(
    'SELECT kind, target_id FROM message_mentions WHERE message_id = ? ORDER BY kind, target_id',
  )
    .bind(messageId)
    .all<{ kind: string; target_id: number }>();
  return results.map((row) => `${row.kind} ${row.target_id}`);
}

/** The caller's unread mention count in a channel, as `GET …/unreads` answers it (undefined: the channel is not listed). */
async function mentionCount(as: Persona, channelId: number = CHANNEL.general): Promise<number | undefined> {
  const answer = await call(as, 'GET', `${w}/unreads`);
  expect(answer.status).toBe(200);
  return answer.body.channels.find((channel: { channelId: number }) => channel.channelId === channelId)?.mentionCount;
}

async function inbox(as: Persona): Promise<[number, string][]> {
  const answer = await call(as, 'GET', `${w}/mentions`);
  expect(answer.status).toBe(200);
  return answer.body.mentions.map((m: { messageId: number; mentionedAs: string }) => [m.messageId, m.mentionedAs]);
}

async function followed(as: Persona, query = ''): Promise<{ threadId: number; unreadCount: number; mentionCount: number }[]> {
  const answer = await call(as, 'GET', `${w}/followed-threads${query}`);
  expect(answer.status).toBe(200);
  return answer.body.threads;
}

describe('mentions through the API', () => {
  it('records a member and a mentionable role, not an unknown member, @everyone or @here without MENTION_EVERYONE', async () => {
    const id = await post('member', `hey <@${USER.moderator}> <@${USER.outsider}> <@999> <@&${ROLE.moderator}> @everyone @here`);
    expect(await recorded(id)).toEqual([`role ${ROLE.moderator}`, `user ${USER.moderator}`]);
    expect(await mentionCount('moderator')).toBe(1);
    expect(await inbox('moderator')).toEqual([[id, 'user']]);
    // The author is never mentioned by their own message; the owner holds no mentioned role.
    expect(await inbox('member')).toEqual([]);
    expect(await inbox('owner')).toEqual([]);
  });

  it('needs MENTION_EVERYONE, given through the roles routes, for @everyone, @here and a role that is not mentionable', async () => {
    expect((await call('owner', 'PATCH', `${w}/roles/${ROLE.helper}`, { isMentionable: false })).status).toBe(200);
    expect((await call('owner', 'PUT', `${w}/members/${USER.member}/roles/${ROLE.helper}`)).status).toBe(204);
    const refused = await post('moderator', `<@&${ROLE.helper}> @everyone @here`);
    expect(await recorded(refused)).toEqual([]);
    expect(await mentionCount('member')).toBe(0);

    // The owner holds every permission; a role carrying bit 12 gives it to the moderator.
    const byOwner = await post('owner', `<@&${ROLE.helper}> @everyone`);
    expect(await recorded(byOwner)).toEqual(['everyone 0', `role ${ROLE.helper}`]);
    const role = await call('owner', 'PATCH', `${w}/roles/${ROLE.moderator}`, {
      permissions: MODERATOR_PERMISSIONS | Permission.MENTION_EVERYONE,
    });
    expect(role.status).toBe(200);
    expect(role.body.permissionNames).toContain('MENTION_EVERYONE');
    const byModerator = await post('moderator', `@here <@&${ROLE.helper}>`);
    expect(await recorded(byModerator)).toEqual(['here 0', `role ${ROLE.helper}`]);

    expect(await inbox('member')).toEqual([
      [byModerator, 'role'],
      [byOwner, 'role'],
    ]);
    expect(await mentionCount('member')).toBe(2);
    expect(await inbox('moderator')).toEqual([[byOwner, 'everyone']]);
  });

  it('counts a role mention for the holders of the role when read: a member granted it after the message counts it', async () => {
    const id = await post('owner', `helpers, <@&${ROLE.helper}>`);
    expect(await recorded(id)).toEqual([`role ${ROLE.helper}`]);
    expect(await mentionCount('member')).toBe(0);
    expect((await call('owner', 'PUT', `${w}/members/${USER.member}/roles/${ROLE.helper}`)).status).toBe(204);
    expect(await mentionCount('member')).toBe(1);
    expect(await inbox('member')).toEqual([[id, 'role']]);
    expect(await mentionCount('moderator')).toBe(0);
    expect((await call('owner', 'DELETE', `${w}/members/${USER.member}/roles/${ROLE.helper}`)).status).toBe(204);
    expect(await mentionCount('member')).toBe(0);
  });

  it('follows the text: an edit that adds or removes a mention changes the counts, a deletion removes it', async () => {
    const id = await post('member', 'hello');
    expect(await mentionCount('moderator')).toBe(0);
    const edit = (content: string) => call('member', 'PATCH', `${w}/messages/${id}`, { content });
    expect((await edit(`hello <@${USER.moderator}>`)).status).toBe(200);
    expect(await mentionCount('moderator')).toBe(1);
    expect((await edit('hello again')).status).toBe(200);
    expect(await mentionCount('moderator')).toBe(0);
    expect(await inbox('moderator')).toEqual([]);
    expect((await edit(`<@${USER.moderator}> after all`)).status).toBe(200);
    expect(await inbox('moderator')).toEqual([[id, 'user']]);
    expect((await call('member', 'DELETE', `${w}/messages/${id}`)).status).toBe(204);
    expect(await recorded(id)).toEqual([]);
    expect(await mentionCount('moderator')).toBe(0);
    expect(await inbox('moderator')).toEqual([]);
  });

  it('refuses a message naming more than 50 users and roles with 400, writing nothing', async () => {
    const content = Array.from({ length: 51 }, (_, i) => `<@${i + 1}>`).join(' ');
    const before = await snapshot();
    const answer = await call('member', 'POST', `${general}/messages`, { content });
    expect((await call('member', 'PATCH', `${w}/messages/${MESSAGE.byMember}`, { content })).status).toBe(400);
    expect(await snapshot()).toBe(before);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({ code: 'invalid_body', message: 'body.content: must mention at most 50 distinct users and roles' });
  });
});

describe('followed threads through the API', () => {
  it('follows a thread its starter, its posters and the members it names, and never again after an unfollow', async () => {
    const started = await call('owner', 'POST', `${general}/threads`, { title: 'Ice' });
    expect(started.status).toBe(201);
    const thread = started.body.id as number;
    // The owner started the fixture's hidden thread too (in #secret, which they can see).
    expect((await followed('owner')).map((t) => t.threadId)).toEqual([thread, THREAD.hidden]);
    await post('moderator', 'me too', { threadId: thread });
    expect(await followed('owner', '?onlyUnread=true')).toMatchObject([{ threadId: thread, unreadCount: 1 }]);
    const mention = await post('owner', `<@${USER.member}> look`, { threadId: thread });
    expect(await followed('member')).toMatchObject([
      { threadId: thread, unreadCount: 1, mentionCount: 1 },
      { threadId: THREAD.welcome, unreadCount: 0 },
    ]);
    // Posting moved the owner's marker past their own message: nothing is unread for them.
    expect(await followed('owner', '?onlyUnread=true')).toEqual([]);
    expect(await followed('moderator', '?onlyUnread=true')).toMatchObject([{ threadId: thread, unreadCount: 1, mentionCount: 0 }]);

    const unfollowed = await call('member', 'PUT', `${w}/threads/${thread}/follow`, { state: 'unfollowed' });
    expect(unfollowed.body).toMatchObject({ threadId: thread, following: false, muted: false, mentionCount: 1 });
    await post('owner', `<@${USER.member}> again`, { threadId: thread });
    await post('member', 'still here', { threadId: thread });
    expect((await followed('member')).map((t) => t.threadId)).toEqual([THREAD.welcome]);
    const again = await call('member', 'PUT', `${w}/threads/${thread}/follow`, { state: 'following' });
    expect(again.body).toMatchObject({ following: true, unreadCount: 0 });
    expect(mention).toBeLessThan(again.body.lastReadMessageId);
    const channelList = await call('member', 'GET', `${general}/followed-threads?limit=1`);
    expect(channelList.body.threads.map((t: { threadId: number }) => t.threadId)).toEqual([thread]);
    const next = await call('member', 'GET', `${general}/followed-threads?limit=1&cursor=${channelList.body.nextCursor}`);
    expect(next.body).toMatchObject({ threads: [{ threadId: THREAD.welcome }], nextCursor: null });
  });

  it('mutes a thread: not listed, its mentions raise no count, the inbox still has them', async () => {
    const muted = await call('member', 'PUT', `${w}/threads/${THREAD.welcome}/follow`, { state: 'muted' });
    expect(muted.body).toMatchObject({ threadId: THREAD.welcome, following: false, muted: true });
    const id = await post('owner', `<@${USER.member}> in a muted thread`, { threadId: THREAD.welcome });
    expect(await mentionCount('member')).toBe(0);
    expect(await followed('member')).toEqual([]);
    expect(await inbox('member')).toEqual([[id, 'user']]);
    const unmuted = await call('member', 'PUT', `${w}/threads/${THREAD.welcome}/follow`, { state: 'following' });
    expect(unmuted.body).toMatchObject({ following: true, mentionCount: 1 });
    expect(await mentionCount('member')).toBe(1);
  });

  it('moves a thread read marker forward only, clamped to its newest message, and lists its unreads in GET …/unreads', async () => {
    const first = await post('owner', 'one', { threadId: THREAD.welcome });
    const second = await post('owner', 'two', { threadId: THREAD.welcome });
    const unreads = (await call('member', 'GET', `${w}/unreads`)).body;
    expect(unreads.followedThreads).toMatchObject({ threads: [{ threadId: THREAD.welcome, unreadCount: 2 }], nextCursor: null });
    const read = (messageId: number) => call('member', 'PUT', `${w}/threads/${THREAD.welcome}/read`, { messageId });
    expect((await read(second)).body).toEqual({ threadId: THREAD.welcome, lastReadMessageId: second });
    expect((await read(first)).body).toEqual({ threadId: THREAD.welcome, lastReadMessageId: second });
    expect((await read(second + 1000)).body).toEqual({ threadId: THREAD.welcome, lastReadMessageId: second });
    expect((await call('member', 'GET', `${w}/unreads`)).body.followedThreads.threads).toEqual([]);
    // A thread the caller never followed has no marker of its own.
    const other = await call('owner', 'POST', `${general}/threads`, { title: 'Other' });
    expect((await call('member', 'PUT', `${w}/threads/${other.body.id}/read`, { messageId: second })).body).toEqual({
      threadId: other.body.id,
      lastReadMessageId: null,
    });
  });
});

describe('notification levels through the API', () => {
  it('decide the badge: all counts unreads, mentions counts mentions, none shows nothing; a channel override wins', async () => {
    await post('owner', 'news');
    await post('owner', `<@${USER.member}> news for you`);
    const badge = async () => {
      const answer = await call('member', 'GET', `${w}/badges`);
      expect(answer.status).toBe(200);
      const channel = answer.body.channels.find((c: { channelId: number }) => c.channelId === CHANNEL.general);
      return {
        waddle: answer.body.level,
        level: channel.level,
        source: channel.levelSource,
        badge: channel.badge,
        unread: channel.unreadCount,
        mentions: channel.mentionCount,
      };
    };
    expect(await badge()).toEqual({ waddle: 'all', level: 'all', source: 'waddle', badge: 3, unread: 3, mentions: 1 });
    expect((await call('member', 'PUT', `${w}/notification-level`, { level: 'mentions' })).body).toEqual({ level: 'mentions' });
    expect(await badge()).toEqual({ waddle: 'mentions', level: 'mentions', source: 'waddle', badge: 1, unread: 3, mentions: 1 });
    const override = await call('member', 'PUT', `${general}/notification-level`, { level: 'none' });
    expect(override.body).toEqual({ channelId: CHANNEL.general, override: 'none', level: 'none', levelSource: 'channel' });
    expect(await badge()).toEqual({ waddle: 'mentions', level: 'none', source: 'channel', badge: 0, unread: 3, mentions: 1 });
    expect((await call('member', 'GET', `${w}/notification-level`)).body).toEqual({
      level: 'mentions',
      channels: [{ channelId: CHANNEL.general, level: 'none' }],
    });
    const removed = await call('member', 'PUT', `${general}/notification-level`, { level: null });
    expect(removed.body).toEqual({ channelId: CHANNEL.general, override: null, level: 'mentions', levelSource: 'waddle' });
    expect(await badge()).toMatchObject({ level: 'mentions', badge: 1 });
    // The moderator's levels are their own.
    expect((await call('moderator', 'GET', `${w}/notification-level`)).body).toEqual({ level: 'all', channels: [] });
  });
});

describe('visibility', () => {
  it('shows no mention, count, badge or followed thread of a channel the caller cannot see', async () => {
    const secret = await post('owner', `<@${USER.member}> @everyone`, { channel: CHANNEL.secret });
    const hidden = await post('owner', `<@${USER.member}> in the hidden thread`, { channel: CHANNEL.secret, threadId: THREAD.hidden });
    // The mention was recorded (the member is one), and the schema followed the thread for them.
    expect(await recorded(hidden)).toEqual([`user ${USER.member}`]);
    expect(await inbox('member')).toEqual([]);
    expect(await mentionCount('member', CHANNEL.secret)).toBeUndefined();
    expect((await call('member', 'GET', `${w}/badges`)).body.channels.map((c: { channelId: number }) => c.channelId)).not.toContain(
      CHANNEL.secret,
    );
    expect((await followed('member')).map((t) => t.threadId)).toEqual([THREAD.welcome]);
    expect((await call('member', 'GET', `${w}/unreads`)).body.followedThreads.threads).toEqual([]);
    await call('member', 'PUT', `${general}/notification-level`, { level: 'none' });
    expect((await call('member', 'GET', `${w}/notification-level`)).body.channels).toEqual([{ channelId: CHANNEL.general, level: 'none' }]);
    // Someone who can see the channel sees what reaches them.
    expect(await inbox('moderator')).toEqual([[secret, 'everyone']]);
    expect(await mentionCount('moderator', CHANNEL.secret)).toBe(1);
  });
});
