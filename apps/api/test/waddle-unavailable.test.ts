import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import worker from '../src/index.ts';
import { CHANNEL, freshPlatform, snapshot, tokenFor, USER, WADDLE } from './fixture.ts';
import { expectContractKept } from './response-contract.ts';

/** The Worker's own fetch with `settings` added to its env (as a deployment or `waddle up` sets them). */
async function callWith(
  who: keyof typeof USER,
  settings: Record<string, string | undefined>,
  method: string,
  path: string,
  body?: unknown,
) {
  const request = new Request(`http://waddle${path}`, {
    method,
    headers: { authorization: `Bearer ${await tokenFor(who)}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const response = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, { ...env, ...settings });
  const answer = { status: response.status, body: await response.json<any>() };
  expectContractKept(method, path, answer.status, answer.body);
  return answer;
}

/** The D1 REST API of the test run: configured, so a fall back to it would be possible (and would answer). */
const rest = () => ({
  CLOUDFLARE_API_BASE_URL: inject('d1ApiBaseUrl'),
  CLOUDFLARE_ACCOUNT_ID: inject('d1ApiAccountId'),
  CLOUDFLARE_API_TOKEN: inject('d1ApiToken'),
});

beforeEach(async () => {
  await freshPlatform();
  // The private waddle's database moves into a slice the dispatch namespace does not have.
  await env.CENTRAL_DB.prepare("UPDATE databases SET slice = 'slice-gone', binding = 'DB_GONE' WHERE d1_database_id = ?")
    .bind('test-waddle-private')
    .run();
});

describe('a waddle whose binding slice cannot be reached', () => {
  it('answers 503 waddle_unavailable to reads and writes, never over REST, changing nothing', async () => {
    const before = await snapshot();
    const settings = { ...rest(), SLICES_DISPATCH_URL: inject('d1ApiDispatchUrl') };
    const unavailable = { status: 503, body: { error: { code: 'waddle_unavailable', message: expect.any(String) } } };
    expect(await callWith('member', settings, 'GET', `/v1/waddles/${WADDLE.private}/channels/${CHANNEL.general}/messages`)).toEqual(
      unavailable,
    );
    expect(
      await callWith('member', settings, 'POST', `/v1/waddles/${WADDLE.private}/channels/${CHANNEL.general}/messages`, { content: 'hi' }),
    ).toEqual(unavailable);
    expect(await callWith('member', settings, 'GET', `/v1/waddles/${WADDLE.private}/search?q=hello`)).toEqual(unavailable);
    expect(await snapshot()).toBe(before);
  });

  it('answers 503 waddle_unavailable where this Worker has no way to the slices, even with the REST API configured', async () => {
    const before = await snapshot();
    // A deploy without the dispatch namespace binding (the tests' Worker has Miniflare's, which only proxies to an account).
    expect(await callWith('member', { ...rest(), SLICES: undefined }, 'GET', `/v1/waddles/${WADDLE.private}`)).toEqual({
      status: 503,
      body: { error: { code: 'waddle_unavailable', message: expect.any(String) } },
    });
    expect(await snapshot()).toBe(before);
  });

  it('leaves the waddles with a static binding served by it', async () => {
    const answer = await callWith(
      'owner',
      { ...rest(), SLICES_DISPATCH_URL: inject('d1ApiDispatchUrl') },
      'GET',
      `/v1/waddles/${WADDLE.public}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: WADDLE.public, ownerId: USER.owner });
  });
});
