import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { call, CHANNEL, freshPlatform, MESSAGE, snapshot, USER, WADDLE } from './fixture.ts';

const w = `/v1/waddles/${WADDLE.private}`;

beforeEach(freshPlatform);

async function messageById(id: number): Promise<{ content: string; reactions: { emoji: string }[] }> {
  const page = await call('member', 'GET', `${w}/channels/${CHANNEL.general}/messages?anchor=${id}&before=0&after=1`);
  return page.body.messages.find((message: { id: number }) => message.id === id);
}

describe('text input through the API', () => {
  it('refuses lone UTF-16 surrogates in every kind of text field with 400 invalid_text, writing nothing', async () => {
    const before = await snapshot();
    const refused = [
      await call('moderator', 'POST', `${w}/categories`, { name: '\ud800\ud800' }),
      await call('member', 'POST', `${w}/channels/${CHANNEL.general}/messages`, { content: '\ud800'.repeat(3334) }),
      await call('member', 'PATCH', `${w}/messages/${MESSAGE.byMember}`, { content: 'edited \udc27' }),
      await call('moderator', 'POST', `${w}/channels`, { name: 'ok', description: 'bad \ud83d' }),
      await call('member', 'POST', `${w}/channels/${CHANNEL.general}/threads`, { title: '\udfff topic' }),
      await call('moderator', 'POST', `${w}/roles`, { name: 'role \ud800' }),
      await call('moderator', 'PUT', `${w}/bans/${USER.member}`, { reason: 'spam \ud800' }),
    ];
    for (const answer of refused) {
      expect(answer.status).toBe(400);
      expect(answer.body.error).toEqual({
        code: 'invalid_text',
        message: expect.stringMatching(/^body\.\w+: must be well-formed Unicode: lone surrogate U\+D[89A-F][0-9A-F]{2} at character \d+$/),
      });
    }
    expect(await snapshot()).toBe(before);
  });

  it('refuses C1 and other control characters in message content (tab and line breaks stay allowed)', async () => {
    const before = await snapshot();
    for (const content of ['a\u009b31mred', 'next\u0085line', 'csi \u001b[31m', 'nul\u0000']) {
      const answer = await call('member', 'POST', `${w}/channels/${CHANNEL.general}/messages`, { content });
      expect({ content, status: answer.status, code: answer.body.error?.code }).toEqual({ content, status: 400, code: 'invalid_text' });
      const edit = await call('member', 'PATCH', `${w}/messages/${MESSAGE.byMember}`, { content });
      expect(edit.body.error?.code).toBe('invalid_text');
    }
    for (const name of ['next\u0085line', 'line\u2028separator', 'tab\there']) {
      expect((await call('moderator', 'POST', `${w}/categories`, { name })).body.error?.code).toBe('invalid_text');
    }
    expect(await snapshot()).toBe(before);
    const kept = 'one\r\ntwo\n\tthree';
    const posted = await call('member', 'POST', `${w}/channels/${CHANNEL.general}/messages`, { content: kept });
    expect(posted.status).toBe(201);
    expect((await messageById(posted.body.id)).content).toBe(kept);
  });

  it('counts limits in code points, as SQLite length() and the schema CHECK do: 4,000 emoji are one message, 4,001 are not', async () => {
    const atLimit = '🐧'.repeat(4000);
    const posted = await call('member', 'POST', `${w}/channels/${CHANNEL.general}/messages`, { content: atLimit });
    expect(posted.status).toBe(201);
    expect(posted.body.content).toBe(atLimit);
    expect((await messageById(posted.body.id)).content).toBe(atLimit);
    const row = await env.WADDLE_PRIVATE.prepare('SELECT length(content) AS length FROM messages WHERE id = ?')
      .bind(posted.body.id)
      .first();
    expect(row).toEqual({ length: 4000 });
    const before = await snapshot();
    const over = await call('member', 'POST', `${w}/channels/${CHANNEL.general}/messages`, { content: `${atLimit}🐧` });
    expect(over.body.error).toEqual({
      code: 'invalid_text',
      message: 'body.content: must be 1 to 4000 characters (Unicode code points), not 4001',
    });
    expect(await snapshot()).toBe(before);
    const category = await call('moderator', 'POST', `${w}/categories`, { name: '🐧'.repeat(100) });
    expect(category.status).toBe(201);
    expect(category.body.name).toBe('🐧'.repeat(100));
  });

  it('finds emoji through GET /search', async () => {
    const posted = await call('member', 'POST', `${w}/channels/${CHANNEL.general}/messages`, {
      content: 'Who wants to review the krill report? 🐧',
    });
    const found = await call('member', 'GET', `${w}/search?q=${encodeURIComponent('🐧')}`);
    expect(found.body.hits.map((hit: { id: number }) => hit.id)).toEqual([posted.body.id]);
    expect(found.body.hits[0].snippet.filter((part: { match: boolean }) => part.match).map((part: { text: string }) => part.text)).toEqual([
      '🐧',
    ]);
  });

  it('takes reactions that are one emoji or a custom emoji id, refuses anything else, and still removes old reactions', async () => {
    const react = (emoji: string, method = 'PUT') =>
      call('member', method, `${w}/messages/${MESSAGE.byModerator}/reactions/${encodeURIComponent(emoji)}`);
    const accepted = ['👍🏽', '🇫🇷', '1️⃣', '👨‍👩‍👧', '🏳️‍🌈', '❤️', ':party_parrot:'];
    for (const emoji of accepted) expect({ emoji, status: (await react(emoji)).status }).toEqual({ emoji, status: 204 });
    const before = await snapshot();
    for (const emoji of [
      'a',
      'ok',
      '🐧🐧',
      '\u202E👍',
      '👍\u200B',
      '\u200D',
      '\u2066',
      '❤',
      '👍 ',
      ':Party:',
      ':a:',
      ':x'.repeat(10),
      '%',
    ]) {
      const answer = await react(emoji);
      expect({ emoji, status: answer.status, code: answer.body.error?.code }).toEqual({ emoji, status: 400, code: 'invalid_text' });
    }
    expect(await snapshot()).toBe(before);
    const stored = (await messageById(MESSAGE.byModerator)).reactions.map((reaction) => reaction.emoji);
    expect(stored.toSorted()).toEqual(['👍', ...accepted].toSorted());

    // A reaction stored before the rule (any text then) can still be taken back.
    await env.WADDLE_PRIVATE.prepare("INSERT INTO reactions (message_id, emoji, user_id) VALUES (?, 'a', ?)")
      .bind(MESSAGE.byModerator, USER.member)
      .run();
    expect((await react('a', 'DELETE')).status).toBe(204);
    expect((await react('a', 'DELETE')).status).toBe(404);
    expect((await react('a b', 'DELETE')).body.error?.code).toBe('invalid_text');
  });
});
