import { beforeEach, describe, expect, it } from 'vitest';
import { call, CHANNEL, freshPlatform, snapshot, WADDLE } from './fixture.ts';

const w = `/v1/waddles/${WADDLE.private}`;

beforeEach(freshPlatform);

const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** The base64url digit whose 6-bit value differs from `digit`'s by the bits of `mask`. */
const otherDigit = (digit: string, mask: number) => DIGITS[DIGITS.indexOf(digit) ^ mask]!;

describe('read replicas: D1 sessions and bookmarks', () => {
  it('returns a bookmark with a write; a read that sends it back sees the write', async () => {
    const posted = await call('member', 'POST', `${w}/channels/${CHANNEL.general}/messages`, { content: 'read me back' });
    const bookmark = posted.headers.get('x-waddle-bookmark');
    expect(bookmark).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const carried = JSON.parse(atob(bookmark!.split('.')[0]!.replaceAll('-', '+').replaceAll('_', '/')));
    expect(Object.keys(carried).sort()).toEqual(['central', `waddle:${WADDLE.private}`]);

    const page = await call('member', 'GET', `${w}/channels/${CHANNEL.general}/messages`, undefined, { 'x-waddle-bookmark': bookmark! });
    expect(page.status).toBe(200);
    expect(page.body.messages.at(-1).content).toBe('read me back');
    expect(page.headers.get('x-waddle-bookmark')).toBeTruthy();
  });

  it('refuses a well-formed bookmark it did not issue, or one changed since, with 400 and writes nothing', async () => {
    const base64Url = (text: string) => btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
    const issued = (await call('member', 'POST', `${w}/channels/${CHANNEL.general}/messages`, { content: 'x' })).headers.get(
      'x-waddle-bookmark',
    )!;
    const [payload, signature] = issued.split('.') as [string, string];
    const carried = JSON.parse(atob(payload.replaceAll('-', '+').replaceAll('_', '/'))) as Record<string, string>;
    const forged = [
      base64Url(JSON.stringify({ central: 'not-a-bookmark' })),
      `${base64Url(JSON.stringify({ central: 'not-a-bookmark' }))}.${signature}`,
      `${base64Url(JSON.stringify({ ...carried, central: 'not-a-bookmark' }))}.${signature}`,
      // The MAC's last character changed in a bit it carries, then only in its two unused bits.
      `${payload}.${signature.slice(0, -1)}${otherDigit(signature.at(-1)!, 4)}`,
      `${payload}.${signature.slice(0, -1)}${otherDigit(signature.at(-1)!, 1)}`,
      `${payload}.`,
      `${payload}.${signature}.${signature}`,
    ];
    const before = await snapshot();
    for (const bad of forged) {
      const answer = await call(
        'member',
        'POST',
        `${w}/channels/${CHANNEL.general}/messages`,
        { content: 'written?' },
        { 'x-waddle-bookmark': bad },
      );
      expect({ bad, status: answer.status, code: answer.body.error?.code }).toEqual({ bad, status: 400, code: 'invalid_bookmark' });
    }
    expect(await snapshot()).toBe(before);
    expect(
      (await call('member', 'GET', `${w}/channels/${CHANNEL.general}/messages`, undefined, { 'x-waddle-bookmark': issued })).status,
    ).toBe(200);
  });

  it('refuses a bookmark it did not issue with 400', async () => {
    for (const bad of ['not base64!', btoa('[1,2]'), btoa(JSON.stringify({ 'waddle:x': 'b' })), 'A'.repeat(5000)]) {
      const answer = await call('member', 'GET', `${w}/channels/${CHANNEL.general}/messages`, undefined, { 'x-waddle-bookmark': bad });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('invalid_bookmark');
    }
  });
});
