import { exports } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { call, CHANNEL, freshPlatform, snapshot, tokenFor, WADDLE } from './fixture.ts';

const w = `/v1/waddles/${WADDLE.private}`;
const post = `${w}/channels/${CHANNEL.general}/messages`;

beforeEach(freshPlatform);

/** Posts `body` as the member with the given `Content-Type` (none when undefined). */
async function postAs(contentType: string | undefined, body: string): Promise<{ status: number; code?: string }> {
  const headers: Record<string, string> = { authorization: `Bearer ${await tokenFor('member')}` };
  if (contentType !== undefined) headers['content-type'] = contentType;
  const response = await exports.default.fetch(`http://waddle${post}`, { method: 'POST', headers, body });
  const answer = (await response.json()) as { error?: { code: string } };
  return { status: response.status, code: answer.error?.code };
}

describe('requests the API refuses before any database is touched', () => {
  it('refuses a body over 64 KiB with 413, by its length and by its bytes', async () => {
    const before = await snapshot();
    const tooLarge = JSON.stringify({ content: 'x'.repeat(64 * 1024) });
    const answer = await call('member', 'POST', post, tooLarge);
    expect(answer.status).toBe(413);
    expect(answer.body).toEqual({ error: { code: 'body_too_large', message: 'the body is limited to 65536 bytes' } });
    // A body of exactly 64 KiB is read (and then refused by its schema, not by its size).
    const atLimit = `{"content":"${'x'.repeat(64 * 1024 - 14)}"}`;
    expect(new TextEncoder().encode(atLimit).byteLength).toBe(64 * 1024);
    expect((await call('member', 'POST', post, atLimit)).body.error.code).toBe('invalid_text');
    expect(await snapshot()).toBe(before);
  });

  it('refuses a body not declared as JSON with 415, and an empty or malformed one with 400', async () => {
    const before = await snapshot();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx']) {
      expect({ type, ...(await postAs(type, '{"content":"hi"}')) }).toEqual({ type, status: 415, code: 'unsupported_media_type' });
    }
    expect((await call('member', 'POST', post, '')).body.error).toEqual({
      code: 'invalid_body',
      message: 'this endpoint needs a JSON body',
    });
    expect((await call('member', 'POST', post, '{"content": ')).body.error.code).toBe('invalid_json');
    expect(await snapshot()).toBe(before);
    expect(await postAs('application/json; charset=utf-8', '{"content":"hi"}')).toEqual({ status: 201, code: undefined });
    // A body must say it is JSON.
    expect(await postAs(undefined, '{"content":"hi again"}')).toEqual({ status: 415, code: 'unsupported_media_type' });
  });

  it('refuses a query parameter given twice, and any query where a route takes none', async () => {
    const twice = await call('member', 'GET', `${w}/members?limit=1&limit=2`);
    expect(twice.status).toBe(400);
    expect(twice.body.error).toEqual({ code: 'invalid_query', message: 'query parameter limit is given more than once' });
    const none = await call('member', 'GET', `${w}/roles?sort=name`);
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe('invalid_query');
    expect((await call(null, 'GET', '/health?verbose=1')).body.error.code).toBe('invalid_query');
  });

  it('answers 405 with Allow for a path served under other methods, and 404 for an unknown one, token or not', async () => {
    for (const who of ['member', null] as const) {
      const wrongMethod = await call(who, 'PATCH', '/v1/me');
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.get('allow')).toBe('GET, DELETE');
      expect(wrongMethod.body.error.code).toBe('method_not_allowed');
      const options = await call(who, 'OPTIONS', `${w}/channels/${CHANNEL.general}/messages`);
      expect({ status: options.status, allow: options.headers.get('allow') }).toEqual({ status: 405, allow: 'GET, POST' });
      const unknown = await call(who, 'GET', '/v1/nothing-here');
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ error: { code: 'not_found', message: 'no route for GET /v1/nothing-here' } });
    }
  });

  it('checks the token before the input: a bad body without a token is a 401', async () => {
    const answer = await call(null, 'POST', post, '{"surprise": ', { authorization: 'Bearer not.a.token' });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="waddle"');
  });
});
