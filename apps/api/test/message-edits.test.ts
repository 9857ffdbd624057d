import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { call, freshPlatform, MESSAGE, snapshot, WADDLE } from './fixture.ts';

const w = `/v1/waddles/${WADDLE.private}`;
const edits = (message: number | string, query = '') => `${w}/messages/${message}/edits${query}`;

beforeEach(freshPlatform);

describe('GET …/messages/{message}/edits', () => {
  it('shows the author every edit of their message, oldest first with the text it replaced, page by page', async () => {
    for (const content of ['hello penguins!', 'hello, penguins!', 'hello, dear penguins!'])
      expect((await call('member', 'PATCH', `${w}/messages/${MESSAGE.byMember}`, { content })).status).toBe(200);
    const first = await call('member', 'GET', edits(MESSAGE.byMember, '?limit=2'));
    expect(first.status).toBe(200);
    const second = await call('member', 'GET', edits(MESSAGE.byMember, `?limit=2&cursor=${first.body.nextCursor}`));
    expect(second.body.nextCursor).toBeNull();
    const history = [...first.body.edits, ...second.body.edits];
    expect(history.map((edit: { previousContent: string }) => edit.previousContent)).toEqual([
      'hello penguins',
      'hello penguins!',
      'hello, penguins!',
    ]);
    expect(history.every((edit: { editedAt: number }) => Number.isInteger(edit.editedAt))).toBe(true);
    expect(first.body.messageId).toBe(MESSAGE.byMember);
  });

  it("shows another member's history to MANAGE_MESSAGES and the owner only; a plain member gets 403", async () => {
    expect((await call('moderator', 'PATCH', `${w}/messages/${MESSAGE.byModerator}`, { content: 'welcome aboard!' })).status).toBe(200);
    for (const who of ['moderator', 'owner'] as const) {
      const answer = await call(who, 'GET', edits(MESSAGE.byModerator));
      expect({ who, status: answer.status, edits: answer.body.edits?.map((e: { previousContent: string }) => e.previousContent) }).toEqual({
        who,
        status: 200,
        edits: ['welcome aboard'],
      });
    }
    const refused = await call('member', 'GET', edits(MESSAGE.byModerator));
    expect([refused.status, refused.body.error.code]).toEqual([403, 'missing_permission']);
    // An unedited message has an empty history.
    expect((await call('member', 'GET', edits(MESSAGE.byMember))).body).toEqual({
      messageId: MESSAGE.byMember,
      edits: [],
      nextCursor: null,
    });
  });

  it('answers a message in a channel the caller cannot see, a deleted message and an unknown one with the same 404, writing nothing', async () => {
    expect((await call('member', 'PATCH', `${w}/messages/${MESSAGE.byMember}`, { content: 'soon gone' })).status).toBe(200);
    expect((await call('member', 'DELETE', `${w}/messages/${MESSAGE.byMember}`)).status).toBe(204);
    // The tombstone took its history: nothing of it is left to leak.
    const left = await env.WADDLE_PRIVATE.prepare('SELECT count(*) AS n FROM message_edits WHERE message_id = ?')
      .bind(MESSAGE.byMember)
      .first<{ n: number }>();
    expect(left!.n).toBe(0);
    const before = await snapshot();
    const unknown = await call('member', 'GET', edits(999_999));
    expect(unknown.status).toBe(404);
    for (const [who, message] of [
      ['member', MESSAGE.secret],
      ['member', MESSAGE.byMember],
      ['moderator', MESSAGE.byMember],
    ] as const) {
      const answer = await call(who, 'GET', edits(message));
      expect({ who, message, status: answer.status, body: answer.body }).toEqual({ who, message, status: 404, body: unknown.body });
    }
    expect((await call('member', 'GET', edits(MESSAGE.byModerator, '?cursor=bm9wZQ'))).status).toBe(400);
    expect(await snapshot()).toBe(before);
  });
});
