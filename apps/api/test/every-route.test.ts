import { beforeEach, describe, expect, it } from 'vitest';
import { apiOpenApiDocument } from '../src/openapi/api-openapi-document.ts';
import { servedRoutes } from '../src/routes/all-routes.ts';
import { call, CHANNEL, freshPlatform, MESSAGE, snapshot, THREAD } from './fixture.ts';
import { ROUTE_EXAMPLES } from './route-examples.ts';

/** Routes whose success needs more than the fixture: tested on their own (provisioning; an export's job, in privacy.test.ts). */
const TESTED_ELSEWHERE = new Set(['POST /v1/waddles', 'GET /v1/me/export/{job}', 'POST /v1/me/export/{job}/advance']);
/** The routes the OpenAPI document lists as served without a token (`security: []`). */
const operations = apiOpenApiDocument().paths as Record<string, Record<string, { security?: unknown[] }>>;
const isPublic = (route: { method: string; path: string }) => operations[route.path]?.[route.method.toLowerCase()]?.security?.length === 0;
const keyed = servedRoutes.filter((route) => !isPublic(route)).map((route) => ({ route, key: `${route.method} ${route.path}` }));
const examples = keyed
  .filter(({ key }) => !TESTED_ELSEWHERE.has(key))
  .map(({ route, key }) => ({ route, key, example: ROUTE_EXAMPLES[key]! }));
const inWaddle = examples.filter(({ route }) => route.path.startsWith('/v1/waddles/{waddle}'));

/** The example path with one of its ids replaced (by position among the route's parameters). */
function withParameter(routePath: string, examplePath: string, name: string, value: string): string {
  const [pathOnly, query = ''] = examplePath.split('?');
  const patternParts = routePath.split('/');
  const parts = pathOnly!.split('/');
  const index = patternParts.indexOf(`{${name}}`);
  parts[index] = value;
  return parts.join('/') + (query ? `?${query}` : '');
}

beforeEach(freshPlatform);

describe('every route', () => {
  it('has an example here, and only routes the Worker serves have one', () => {
    expect(examples.filter(({ example }) => example === undefined).map(({ key }) => key)).toEqual([]);
    expect(Object.keys(ROUTE_EXAMPLES).filter((key) => !keyed.some((k) => k.key === key))).toEqual([]);
  });

  it.each(examples.map((e) => [e.key, e] as const))('%s succeeds for a member allowed to', async (_, { route, example }) => {
    const answer = await call(example.as, route.method, example.path, example.body);
    expect({ status: answer.status, body: answer.status >= 400 ? answer.body : undefined }).toEqual({
      status: example.status,
      body: undefined,
    });
  });

  it.each(examples.map((e) => [e.key, e] as const))(
    '%s answers 401, with nothing written, without a valid token',
    async (_, { route, example }) => {
      const before = await snapshot();
      for (const authorization of [undefined, 'Bearer not.a.token', 'Basic b2xpdmU6cGFzcw==']) {
        const answer = await call(null, route.method, example.path, example.body, authorization ? { authorization } : {});
        expect(answer.status).toBe(401);
        expect(answer.body.error.code).toBe('unauthenticated');
      }
      expect(await snapshot()).toBe(before);
    },
  );

  it.each(inWaddle.map((e) => [e.key, e] as const))(
    '%s answers the same 404 to a non-member, a never-member banned from it and for an unknown waddle; 403 to globally banned users',
    async (_, { route, example }) => {
      const before = await snapshot();
      const isJoin = route.method === 'POST' && route.path === '/v1/waddles/{waddle}/members';
      const privatePath = isJoin ? withParameter(route.path, example.path, 'waddle', '1') : example.path;
      const outsider = await call('outsider', route.method, privatePath, example.body);
      const unknown = await call('member', route.method, withParameter(route.path, example.path, 'waddle', '424242'), example.body);
      expect(outsider.status).toBe(404);
      expect(outsider.body).toEqual({ error: { code: 'not_found', message: 'waddle not found' } });
      expect(unknown.body).toEqual(outsider.body);
      expect((await call('banned', route.method, privatePath, example.body)).body).toEqual(outsider.body);
      expect((await call('globallyBanned', route.method, privatePath, example.body)).status).toBe(403);
      expect((await call('erased', route.method, privatePath, example.body)).status).toBe(401);
      expect(await snapshot()).toBe(before);
    },
  );

  it.each(inWaddle.filter(({ route }) => /\{(channel|thread|message)\}/.test(route.path)).map((e) => [e.key, e] as const))(
    '%s answers a private channel, its threads and messages exactly like unknown ones',
    async (_, { route, example }) => {
      const before = await snapshot();
      const [name, hidden] = route.path.includes('{channel}')
        ? ['channel', CHANNEL.secret]
        : route.path.includes('{thread}')
          ? ['thread', THREAD.hidden]
          : ['message', MESSAGE.secret];
      // A member who cannot view #secret, sending what succeeds elsewhere.
      const member = example.as === 'moderator' || example.as === 'owner' ? 'member' : example.as;
      const hiddenAnswer = await call(member, route.method, withParameter(route.path, example.path, name!, String(hidden)), example.body);
      const unknownAnswer = await call(member, route.method, withParameter(route.path, example.path, name!, '999999'), example.body);
      expect(hiddenAnswer.status).toBe(404);
      expect(hiddenAnswer.body).toEqual(unknownAnswer.body);
      expect(await snapshot()).toBe(before);
    },
  );

  it.each(
    inWaddle
      .filter(({ route }) => /\{(channel|thread|message|role|user|category|session)\}/.test(route.path))
      .map((e) => [e.key, e] as const),
  )('%s answers 404 for an unknown id, with nothing written', async (_, { route, example }) => {
    const before = await snapshot();
    for (const name of ['channel', 'thread', 'message', 'role', 'user', 'category', 'session'].filter((n) =>
      route.path.includes(`{${n}}`),
    )) {
      if (name === 'user' && route.path.endsWith('/members/{user}') && route.method === 'DELETE') continue; // leaving needs no membership check of others: covered below
      const answer = await call(example.as, route.method, withParameter(route.path, example.path, name, '999999'), example.body);
      expect({ name, status: answer.status }).toEqual({ name, status: 404 });
    }
    expect(await snapshot()).toBe(before);
  });

  it.each(
    examples
      .filter(({ example }) => example.invalidBody !== undefined || example.invalidQuery !== undefined)
      .map((e) => [e.key, e] as const),
  )('%s refuses invalid input with 400 and writes nothing', async (_, { route, example }) => {
    const before = await snapshot();
    if (example.invalidBody !== undefined) {
      const answer = await call(example.as, route.method, example.path, example.invalidBody);
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toMatch(/^body/);
      for (const malformed of ['{"content": ', '[1, 2', 'null'])
        expect((await call(example.as, route.method, example.path, malformed)).status).toBe(400);
      const unknownField = await call(example.as, route.method, example.path, { ...(example.body as object), surprise: 1 });
      expect(unknownField.status).toBe(400);
    }
    if (example.invalidQuery !== undefined) {
      const answer = await call(example.as, route.method, example.path.split('?')[0] + example.invalidQuery);
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('invalid_query');
    }
    if (route.path.includes('{waddle}')) {
      const badId = await call(
        example.as,
        route.method,
        withParameter(route.path, example.path, 'waddle', '1%27%20OR%201%3D1'),
        example.body,
      );
      expect(badId.status).toBe(400);
    }
    expect(await snapshot()).toBe(before);
  });
});
