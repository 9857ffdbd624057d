import { beforeEach, describe, expect, it } from 'vitest';
import { call, CHANNEL, freshPlatform, WADDLE } from './fixture.ts';

const w = `/v1/waddles/${WADDLE.private}`;

beforeEach(freshPlatform);

describe('read replicas: D1 sessions and bookmarks', () => {
  it('returns a bookmark with a write; a read that sends it back sees the write', async () => {
    const posted = await call('member', 'POST', `${w}/channels/${CHANNEL.general}/messages`, { content: 'read me back' });
    const bookmark = posted.headers.get('x-waddle-bookmark');
    expect(bookmark).toMatch(/^[A-Za-z0-9_-]+$/);
    const carried = JSON.parse(atob(bookmark!.replaceAll('-', '+').replaceAll('_', '/')));
    expect(Object.keys(carried).sort()).toEqual(['central', `waddle:${WADDLE.private}`]);

    const page = await call('member', 'GET', `${w}/channels/${CHANNEL.general}/messages`, undefined, { 'x-waddle-bookmark': bookmark! });
    expect(page.status).toBe(200);
    expect(page.body.messages.at(-1).content).toBe('read me back');
    expect(page.headers.get('x-waddle-bookmark')).toBeTruthy();
  });

  it('refuses a bookmark it did not issue with 400', async () => {
    for (const bad of ['not base64!', btoa('[1,2]'), btoa(JSON.stringify({ 'waddle:x': 'b' })), 'A'.repeat(5000)]) {
      const answer = await call('member', 'GET', `${w}/channels/${CHANNEL.general}/messages`, undefined, { 'x-waddle-bookmark': bad });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('invalid_bookmark');
    }
  });
});
