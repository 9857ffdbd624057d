import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { call, CHANNEL, freshPlatform, MESSAGE, snapshot, THREAD, WADDLE } from './fixture.ts';

const w = `/v1/waddles/${WADDLE.private}`;

beforeEach(freshPlatform);

describe('messages through the API', () => {
  it('pages a channel end to end while others post, and sees every message once', async () => {
    for (let i = 0; i < 60; i++)
      expect((await call('moderator', 'POST', `${w}/channels/${CHANNEL.general}/messages`, { content: `before ${i}` })).status).toBe(201);
    const seen: number[] = [];
    let page = (await call('member', 'GET', `${w}/channels/${CHANNEL.general}/messages?anchor=oldest&after=7`)).body;
    seen.push(...page.messages.map((m: { id: number }) => m.id));
    let posted = 0;
    while (!page.foundNewest || posted < 20) {
      // Someone posts between every two pages; the reader keeps following the newer cursor.
      if (posted < 20) {
        expect((await call('owner', 'POST', `${w}/channels/${CHANNEL.general}/messages`, { content: `during ${posted++}` })).status).toBe(
          201,
        );
      }
      page = (
        await call('member', 'GET', `${w}/channels/${CHANNEL.general}/messages?cursor=${encodeURIComponent(page.newerCursor)}&after=7`)
      ).body;
      seen.push(...page.messages.map((m: { id: number }) => m.id));
    }
    const { results } = await env.WADDLE_PRIVATE.prepare('SELECT id FROM messages WHERE channel_id = ? ORDER BY id')
      .bind(CHANNEL.general)
      .all<{ id: number }>();
    expect(seen).toEqual(results.map((r) => r.id));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("anchors first_unread where GET …/unreads says the first unread is, skipping the caller's own messages", async () => {
    const general = `${w}/channels/${CHANNEL.general}`;
    expect((await call('member', 'PUT', `${general}/read`, { messageId: MESSAGE.inThread })).status).toBe(200);
    const own = await call('member', 'POST', `${general}/messages`, { content: 'mine' });
    const theirs = await call('moderator', 'POST', `${general}/messages`, { content: 'theirs' });
    const unreads = (await call('member', 'GET', `${w}/unreads`)).body.channels.find(
      (c: { channelId: number }) => c.channelId === CHANNEL.general,
    );
    const page = (await call('member', 'GET', `${general}/messages?anchor=first_unread&before=1&after=0`)).body;
    expect(unreads.firstUnreadMessageId).toBe(theirs.body.id);
    expect(page.foundAnchor).toBe(true);
    expect(page.messages.map((m: { id: number }) => m.id)).toEqual([own.body.id, theirs.body.id]);
  });

  it('treats SQL and FTS metacharacters in every string as data', async () => {
    const hostile = [`'); DROP TABLE messages; --`, `" OR 1=1 --`, 'NEAR(a b) AND * OR "', 'content:secret^ -x', '%_\\'];
    for (const text of hostile) {
      const posted = await call('member', 'POST', `${w}/channels/${CHANNEL.general}/messages`, { content: text });
      expect(posted.status).toBe(201);
      const page = await call('member', 'GET', `${w}/channels/${CHANNEL.general}/messages?anchor=${posted.body.id}&before=0&after=1`);
      expect(page.body.messages[0].content).toBe(text);
      const search = await call('member', 'GET', `${w}/search?q=${encodeURIComponent(text)}`);
      expect(search.status).toBe(200);
      const thread = await call('member', 'POST', `${w}/channels/${CHANNEL.general}/threads`, { title: text });
      expect(thread.status).toBe(201);
      expect(thread.body.title).toBe(text.trim());
      const role = await call('moderator', 'POST', `${w}/roles`, { name: `r ${text}`.slice(0, 100) });
      expect(role.body.name).toBe(`r ${text}`.slice(0, 100).trim());
      // Not an emoji: refused as text, before any statement.
      const react = await call(
        'member',
        'PUT',
        `${w}/messages/${posted.body.id}/reactions/${encodeURIComponent(text.replaceAll(' ', '').slice(0, 64))}`,
      );
      expect(react.body.error.code).toBe('invalid_text');
    }
    const members = await call('member', 'GET', `${w}/members?cursor=${encodeURIComponent("1' OR '1'='1")}`);
    expect(members.status).toBe(400);
    const tables = await env.WADDLE_PRIVATE.prepare(
      "SELECT count(*) AS n FROM sqlite_master WHERE name IN ('messages', 'messages_fts')",
    ).first<{ n: number }>();
    expect(tables?.n).toBe(2);
    const found = await call('member', 'GET', `${w}/search?q=${encodeURIComponent('DROP TABLE')}`);
    expect(found.body.hits.map((h: { content: string }) => h.content)).toEqual([hostile[0]]);
  });

  it('enforces slow mode per user and channel with 429 and Retry-After, except for moderators', async () => {
    const slow = `${w}/channels/${CHANNEL.slow}/messages`;
    expect((await call('member', 'POST', slow, { content: 'one' })).status).toBe(201);
    const refused = await call('member', 'POST', slow, { content: 'two' });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('slow_mode');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(50);
    expect((await call('owner', 'POST', slow, { content: 'other user' })).status).toBe(201);
    expect((await call('moderator', 'POST', slow, { content: 'mod 1' })).status).toBe(201);
    expect((await call('moderator', 'POST', slow, { content: 'mod 2' })).status).toBe(201);
    expect((await call('member', 'POST', `${w}/channels/${CHANNEL.general}/messages`, { content: 'elsewhere' })).status).toBe(201);
    const { results } = await env.WADDLE_PRIVATE.prepare('SELECT content FROM messages WHERE channel_id = ? ORDER BY id')
      .bind(CHANNEL.slow)
      .all<{ content: string }>();
    expect(results.map((r) => r.content)).toEqual(['one', 'other user', 'mod 1', 'mod 2']);
  });

  it('follows the channel rules: archived, thread mode, locked threads, replies in the channel', async () => {
    expect((await call('member', 'POST', `${w}/channels/${CHANNEL.archived}/messages`, { content: 'x' })).body.error.code).toBe(
      'channel_archived',
    );
    expect((await call('member', 'POST', `${w}/channels/${CHANNEL.topics}/messages`, { content: 'x' })).body.error.code).toBe(
      'thread_required',
    );
    expect(
      (await call('member', 'POST', `${w}/channels/${CHANNEL.general}/messages`, { content: 'x', threadId: THREAD.hidden })).status,
    ).toBe(404);
    expect(
      (await call('member', 'POST', `${w}/channels/${CHANNEL.general}/messages`, { content: 'x', replyToId: MESSAGE.secret })).status,
    ).toBe(404);
    expect((await call('moderator', 'PATCH', `${w}/threads/${THREAD.welcome}`, { locked: true })).status).toBe(200);
    expect(
      (await call('member', 'POST', `${w}/channels/${CHANNEL.general}/messages`, { content: 'x', threadId: THREAD.welcome })).body.error
        .code,
    ).toBe('thread_locked');
    expect(
      (await call('moderator', 'POST', `${w}/channels/${CHANNEL.general}/messages`, { content: 'mods may', threadId: THREAD.welcome }))
        .status,
    ).toBe(201);
    expect((await call('member', 'PATCH', `${w}/messages/${MESSAGE.byModerator}`, { content: 'not mine' })).body.error.code).toBe(
      'not_author',
    );
    expect((await call('member', 'DELETE', `${w}/messages/${MESSAGE.byModerator}`)).body.error.code).toBe('missing_permission');
    expect((await call('member', 'POST', `${w}/channels/${CHANNEL.general}/threads`, { title: 'welcome' })).status).toBe(409);
  });

  it('answers an edit to the current text with 200 and the message as it is, recording no edit', async () => {
    const path = `${w}/messages/${MESSAGE.byMember}`;
    const before = await snapshot();
    const unchanged = await call('member', 'PATCH', path, { content: 'hello penguins' });
    expect({ status: unchanged.status, body: unchanged.body }).toEqual({
      status: 200,
      body: { id: MESSAGE.byMember, content: 'hello penguins', editedAt: null },
    });
    expect(await snapshot()).toBe(before);

    const edited = await call('member', 'PATCH', path, { content: 'hello again' });
    expect(edited.status).toBe(200);
    const again = await call('member', 'PATCH', path, { content: 'hello again' });
    expect({ status: again.status, body: again.body }).toEqual({
      status: 200,
      body: { id: MESSAGE.byMember, content: 'hello again', editedAt: edited.body.editedAt },
    });
    const history = await env.WADDLE_PRIVATE.prepare('SELECT count(*) AS n FROM message_edits WHERE message_id = ?')
      .bind(MESSAGE.byMember)
      .first<{ n: number }>();
    expect(history?.n).toBe(1);
  });

  it('lets the channel type decide what is posted: nothing in voice channels, only moderators in announcement channels', async () => {
    const create = async (type: string) => (await call('owner', 'POST', `${w}/channels`, { name: `a-${type}`, type })).body.id as number;
    const voice = await create('voice');
    const announcements = await create('announcement');
    // A type the schema allows but the API never creates (topics are threads inside a channel): nothing is posted there either.
    await env.WADDLE_PRIVATE.prepare("INSERT INTO channels (id, name, type, created_by) VALUES (99, 'legacy', 'thread', 1)").run();

    const before = await snapshot();
    for (const [channel, who] of [
      [voice, 'member'],
      [voice, 'owner'],
      [99, 'owner'],
    ] as const) {
      const post = await call(who, 'POST', `${w}/channels/${channel}/messages`, { content: 'hello?' });
      expect({ channel, who, status: post.status, code: post.body.error?.code }).toEqual({
        channel,
        who,
        status: 400,
        code: 'channel_type_refuses_messages',
      });
      const thread = await call(who, 'POST', `${w}/channels/${channel}/threads`, { title: 'a topic' });
      expect({ channel, who, status: thread.status, code: thread.body.error?.code }).toEqual({
        channel,
        who,
        status: 400,
        code: 'channel_type_refuses_messages',
      });
    }
    const announce = await call('member', 'POST', `${w}/channels/${announcements}/messages`, { content: 'news' });
    expect(announce.status).toBe(403);
    expect(announce.body.error).toEqual({
      code: 'missing_permission',
      message: 'posting in an announcement channel needs MANAGE_MESSAGES',
    });
    expect((await call('member', 'POST', `${w}/channels/${announcements}/threads`, { title: 'about the news' })).body.error.code).toBe(
      'missing_permission',
    );
    expect(await snapshot()).toBe(before);

    expect((await call('moderator', 'POST', `${w}/channels/${announcements}/messages`, { content: 'news' })).status).toBe(201);
    expect((await call('moderator', 'POST', `${w}/channels/${announcements}/threads`, { title: 'about the news' })).status).toBe(201);
  });

  it('edits keep history, deletes leave a tombstone and leave search at once', async () => {
    expect((await call('member', 'PATCH', `${w}/messages/${MESSAGE.byMember}`, { content: 'hello again' })).status).toBe(200);
    const edits = await env.WADDLE_PRIVATE.prepare('SELECT previous_content FROM message_edits WHERE message_id = ?')
      .bind(MESSAGE.byMember)
      .all();
    expect(edits.results).toEqual([{ previous_content: 'hello penguins' }]);
    expect((await call('member', 'DELETE', `${w}/messages/${MESSAGE.byMember}`)).status).toBe(204);
    expect((await call('member', 'DELETE', `${w}/messages/${MESSAGE.byMember}`)).status).toBe(404);
    const page = await call('member', 'GET', `${w}/channels/${CHANNEL.general}/messages?anchor=oldest`);
    expect(page.body.messages[0]).toMatchObject({ id: MESSAGE.byMember, deleted: true, content: null });
    expect((await call('member', 'GET', `${w}/search?q=again`)).body.hits).toEqual([]);
  });
});
