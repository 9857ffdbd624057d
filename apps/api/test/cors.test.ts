import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import worker from '../src/index.ts';
import { allowedOrigins } from '../src/http/allowed-origins-cors.ts';
import { call, CHANNEL, freshPlatform, tokenFor, WADDLE } from './fixture.ts';

const APP = 'https://app.example.com';
const messages = `/v1/waddles/${WADDLE.private}/channels/${CHANNEL.general}/messages`;

/** The Worker's fetch with `CORS_ALLOWED_ORIGINS` set as a deployment sets it. */
async function withOrigins(request: Request, origins = `${APP}, http://localhost:5173`): Promise<Response> {
  return worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, { ...env, CORS_ALLOWED_ORIGINS: origins } as Env);
}

/** A browser's preflight for a POST with a token, a JSON body and a bookmark. */
function preflight(origin: string): Request {
  return new Request(`http://waddle${messages}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type, x-waddle-bookmark',
    },
  });
}

/** The CORS headers of an answer. */
function corsHeaders(response: Response): Record<string, string> {
  return Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-')));
}

beforeEach(freshPlatform);

describe('CORS', () => {
  it('answers a preflight from an allowed origin with 204 and the allow headers, the bookmark header and Authorization among them', async () => {
    const answer = await withOrigins(preflight(APP));
    expect(answer.status).toBe(204);
    const headers = corsHeaders(answer);
    expect(headers['access-control-allow-origin']).toBe(APP);
    expect(headers['access-control-allow-methods']?.split(',')).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']));
    expect(headers['access-control-allow-headers']?.toLowerCase().split(',')).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'x-waddle-bookmark']),
    );
    expect(headers['access-control-allow-credentials']).toBeUndefined();
    expect(answer.headers.get('vary')).toMatch(/origin/i);
    expect((await withOrigins(preflight('http://localhost:5173'))).headers.get('access-control-allow-origin')).toBe(
      'http://localhost:5173',
    );
  });

  it('gives a preflight from another origin no allow header at all', async () => {
    for (const origin of ['https://evil.example.com', 'https://app.example.com.evil.example.com', 'http://app.example.com', 'null']) {
      const answer = await withOrigins(preflight(origin));
      expect({ origin, status: answer.status, cors: corsHeaders(answer) }).toEqual({ origin, status: 405, cors: {} });
    }
  });

  it("lets an allowed origin's page read answers and their bookmark, errors included", async () => {
    const request = (token?: string) =>
      new Request(`http://waddle${messages}`, {
        method: 'POST',
        headers: { origin: APP, 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ content: 'from the browser' }),
      });
    const posted = await withOrigins(request(await tokenFor('member')));
    expect(posted.status).toBe(201);
    expect(posted.headers.get('access-control-allow-origin')).toBe(APP);
    expect(posted.headers.get('access-control-expose-headers')?.toLowerCase().split(',')).toEqual(
      expect.arrayContaining(['x-waddle-bookmark', 'retry-after']),
    );
    expect(posted.headers.get('x-waddle-bookmark')).toBeTruthy();
    const refused = await withOrigins(request());
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('sends no CORS header at all with the default configuration (no origin allowed)', async () => {
    expect(env.CORS_ALLOWED_ORIGINS).toBe('');
    const preflightAnswer = await worker.fetch(preflight(APP) as Request<unknown, IncomingRequestCfProperties>, env);
    expect({ status: preflightAnswer.status, cors: corsHeaders(preflightAnswer) }).toEqual({ status: 405, cors: {} });
    const page = await call('member', 'GET', messages, undefined, { origin: APP });
    expect({ status: page.status, cors: Object.keys(corsHeaders(new Response(null, { headers: page.headers }))) }).toEqual({
      status: 200,
      cors: [],
    });
  });

  it('reads CORS_ALLOWED_ORIGINS as comma-separated origins, and names it for an entry that is no origin', () => {
    expect(allowedOrigins('')).toEqual([]);
    expect(allowedOrigins(undefined)).toEqual([]);
    expect(allowedOrigins(' https://a.example.com ,http://localhost:5173,')).toEqual(['https://a.example.com', 'http://localhost:5173']);
    for (const bad of ['https://a.example.com/', 'a.example.com', '*', 'https://a.example.com/app'])
      expect(() => allowedOrigins(bad)).toThrow(/^CORS_ALLOWED_ORIGINS: /);
  });
});
