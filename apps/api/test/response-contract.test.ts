import { describe, expect, it } from 'vitest';
import { errorBody } from '../src/http/responses.ts';
import { apiRoutes, servedRoutes } from '../src/routes/all-routes.ts';
import { contractViolation } from './response-contract.ts';

/** An answer of GET /v1/me that keeps its contract. */
const PROFILE = {
  id: 3,
  username: 'mia',
  displayName: 'Mia',
  email: 'mia@example.com',
  avatarUrl: null,
  bio: null,
  locale: 'en',
  timezone: 'UTC',
  createdAt: 1,
};

describe('the response contract (every answer of the test suite is held to it, see fixture.call)', () => {
  it('refuses a wrong field, a missing one, an extra one, an undeclared status and a body where none is declared', () => {
    expect(contractViolation('GET', '/v1/me', 200, PROFILE)).toBeNull();
    expect(contractViolation('GET', '/v1/me', 200, { ...PROFILE, createdAt: '1970-01-01' })).toMatch(
      /^GET \/v1\/me answered 200 .*createdAt/,
    );
    const { email: _, ...withoutEmail } = PROFILE;
    expect(contractViolation('GET', '/v1/me', 200, withoutEmail)).toMatch(/email/);
    expect(contractViolation('GET', '/v1/me', 200, { ...PROFILE, display_name: 'Mia' })).toMatch(/display_name/);
    expect(contractViolation('GET', '/v1/me', 418, { error: { code: 'teapot', message: 'x' } })).toMatch(/a status it does not declare/);
    expect(contractViolation('GET', '/v1/me', 404, { error: { code: 'not_found' } })).toMatch(/message/);
    expect(contractViolation('DELETE', '/v1/waddles/1/bans/5', 204, undefined)).toBeNull();
    expect(contractViolation('DELETE', '/v1/waddles/1/bans/5', 204, {})).toMatch(/a body where it declares none/);
    expect(contractViolation('PATCH', '/v1/me', 405, { error: { code: 'method_not_allowed', message: 'x' } })).toBeNull();
    expect(contractViolation('PATCH', '/v1/me', 405, { oops: true })).toMatch(/without the error body/);
  });

  it('holds an answer to the media type its route declares for the status', () => {
    expect(contractViolation('GET', '/v1/docs', 200, '<!doctype html>', 'text/html')).toBeNull();
    expect(contractViolation('GET', '/v1/docs', 200, { page: true })).toMatch(
      /as application\/json, which it does not declare \(text\/html\)/,
    );
    expect(contractViolation('GET', '/v1/docs/reference.js', 200, 'x', 'text/javascript')).toBeNull();
    expect(contractViolation('GET', '/v1/docs/reference.js', 200, 'x', 'text/plain')).toMatch(/text\/plain, which it does not declare/);
    expect(contractViolation('GET', '/v1/me', 200, '<html>', 'text/html')).toMatch(
      /text\/html, which it does not declare \(application\/json\)/,
    );
  });

  it('declares, on every route, the error body for each error status, and 401 wherever a token is needed', () => {
    const routes = apiRoutes.openAPIRegistry.definitions.flatMap((definition) => (definition.type === 'route' ? [definition.route] : []));
    expect(routes.length).toBe(servedRoutes.length);
    for (const route of routes) {
      const statuses = Object.keys(route.responses);
      const key = `${route.method.toUpperCase()} ${route.path}`;
      expect({ key, success: statuses.some((status) => status.startsWith('2')) }).toEqual({ key, success: true });
      // GET /health answers 503 with its own body: the central database is newer than the code.
      for (const status of statuses.filter((status) => Number(status) >= 400 && !(key === 'GET /health' && status === '503'))) {
        const answer = route.responses[status];
        const media = answer && 'content' in answer ? answer.content?.['application/json'] : undefined;
        expect({ key, status, schema: media && 'schema' in media ? media.schema : undefined }).toEqual({
          key,
          status,
          schema: errorBody,
        });
      }
      const needsToken = route.security?.length !== 0;
      expect({ key, declares401: statuses.includes('401') }).toEqual({ key, declares401: needsToken });
      expect({ key, declares500: statuses.includes('500') }).toEqual({ key, declares500: true });
    }
  });
});
