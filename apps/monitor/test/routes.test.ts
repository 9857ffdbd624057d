import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

describe('waddle-monitor routes', () => {
  it('serves GET /health with the schema versions it sees', async () => {
    const response = await exports.default.fetch('http://waddle/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      worker: 'waddle-monitor',
      central: { version: null },
      waddle: { latest: expect.any(String) },
    });
  });

  it('answers unknown routes and methods with a JSON error', async () => {
    const missing = await exports.default.fetch('http://waddle/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'not_found', message: 'no route for GET /nope' } });
    const wrongMethod = await exports.default.fetch('http://waddle/health', { method: 'POST' });
    expect(wrongMethod.status).toBe(405);
  });
});
