import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

describe('waddle-monitor routes', () => {
  it('serves GET /health with the schema versions it sees, and HEAD /health as GET without its body', async () => {
    const response = await exports.default.fetch('http://waddle/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      worker: 'waddle-monitor',
      central: { version: null },
      waddle: { latest: expect.any(String) },
    });
    const head = await exports.default.fetch('http://waddle/health', { method: 'HEAD' });
    expect({ status: head.status, type: head.headers.get('content-type'), body: await head.text() }).toEqual({
      status: 200,
      type: 'application/json',
      body: '',
    });
  });

  it('answers unknown routes with 404 and a method a path does not take with 405 and Allow, as JSON errors', async () => {
    const missing = await exports.default.fetch('http://waddle/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'not_found', message: 'no route for GET /nope' } });
    for (const [method, path, allow] of [
      ['POST', '/health', 'GET'],
      ['DELETE', '/', 'GET'],
      ['PUT', '/api/databases', 'GET'],
      ['POST', '/api/databases/test-penguins/samples', 'GET'],
      ['GET', '/api/sample', 'POST'],
      ['HEAD', '/api/sample', 'POST'],
    ] as const) {
      const wrongMethod = await exports.default.fetch(`http://waddle${path}`, { method });
      const body = method === 'HEAD' ? undefined : await wrongMethod.json();
      expect({ method, path, status: wrongMethod.status, allow: wrongMethod.headers.get('allow'), body }).toEqual({
        method,
        path,
        status: 405,
        allow,
        body: method === 'HEAD' ? undefined : { error: { code: 'method_not_allowed', message: `${path} answers ${allow}` } },
      });
    }
  });

  it('lets nothing it answers be cached', async () => {
    for (const path of ['/health', '/nope', '/api/databases'])
      expect({ path, cache: (await exports.default.fetch(`http://waddle${path}`)).headers.get('cache-control') }).toEqual({
        path,
        cache: 'no-store',
      });
  });
});
