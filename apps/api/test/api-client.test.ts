import { exports } from 'cloudflare:workers';
import { createApiClient } from '@waddle/api-client/api-client';
import { beforeEach, describe, expect, it } from 'vitest';
import { CHANNEL, freshPlatform, tokenFor, WADDLE } from './fixture.ts';
import { expectContractKept } from './response-contract.ts';

beforeEach(freshPlatform);

/** The Worker's own `fetch`, recording the bookmark each request carried and holding each answer to its route's contract. */
function workerFetch(): { fetch: (request: Request) => Promise<Response>; sentBookmarks: (string | null)[] } {
  const sentBookmarks: (string | null)[] = [];
  const fetch = async (request: Request) => {
    sentBookmarks.push(request.headers.get('x-waddle-bookmark'));
    const response = await exports.default.fetch(request);
    const text = await response.clone().text();
    expectContractKept(request.method, new URL(request.url).pathname, response.status, text ? JSON.parse(text) : undefined);
    return response;
  };
  return { fetch, sentBookmarks };
}

const inGeneral = { path: { waddle: WADDLE.private, channel: CHANNEL.general } };

describe('the typed client (@waddle/api-client) calling the API Worker', () => {
  it('sends the token, types the answers, and carries the bookmark of a write into the next read', async () => {
    const { fetch, sentBookmarks } = workerFetch();
    const api = createApiClient({ baseUrl: 'http://waddle', token: await tokenFor('member'), fetch });

    const me = await api.GET('/v1/me');
    expect(me.response.status).toBe(200);
    expect(me.data?.username).toBe('mia');

    const posted = await api.POST('/v1/waddles/{waddle}/channels/{channel}/messages', {
      params: inGeneral,
      body: { content: 'sent through the client' },
    });
    expect(posted.response.status).toBe(201);
    expect(posted.data?.content).toBe('sent through the client');
    const bookmark = posted.response.headers.get('x-waddle-bookmark');
    expect(bookmark).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(api.bookmark).toBe(bookmark);

    const page = await api.GET('/v1/waddles/{waddle}/channels/{channel}/messages', {
      params: { ...inGeneral, query: { anchor: 'newest' } },
    });
    expect(sentBookmarks.at(-1)).toBe(bookmark);
    expect(page.data?.messages.at(-1)?.content).toBe('sent through the client');
  });

  it('answers a refusal as the typed error body, with no data', async () => {
    const { fetch } = workerFetch();
    const api = createApiClient({ baseUrl: 'http://waddle', token: await tokenFor('outsider'), fetch });
    const hidden = await api.GET('/v1/waddles/{waddle}', { params: { path: { waddle: WADDLE.private } } });
    expect({ status: hidden.response.status, data: hidden.data, error: hidden.error }).toEqual({
      status: 404,
      data: undefined,
      error: { error: { code: 'not_found', message: 'waddle not found' } },
    });
    const anonymous = createApiClient({ baseUrl: 'http://waddle', fetch });
    const refused = await anonymous.GET('/v1/me');
    expect(refused.error?.error.code).toBe('unauthenticated');
    const health = await anonymous.GET('/health');
    expect(health.data?.worker).toBe('waddle-api');
  });

  it('asks a token function before each request, and starts from a bookmark it is given', async () => {
    const { fetch, sentBookmarks } = workerFetch();
    const writer = createApiClient({ baseUrl: 'http://waddle', token: await tokenFor('member'), fetch });
    await writer.POST('/v1/waddles/{waddle}/channels/{channel}/messages', { params: inGeneral, body: { content: 'carried over' } });
    let asked = 0;
    const reader = createApiClient({
      baseUrl: 'http://waddle',
      token: () => {
        asked += 1;
        return tokenFor('member');
      },
      bookmark: writer.bookmark,
      fetch,
    });
    const page = await reader.GET('/v1/waddles/{waddle}/channels/{channel}/messages', { params: inGeneral });
    expect(asked).toBe(1);
    expect(sentBookmarks.at(-1)).toBe(writer.bookmark);
    expect(page.data?.messages.at(-1)?.content).toBe('carried over');
  });
});
