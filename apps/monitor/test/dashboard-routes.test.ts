import { env, exports } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMonitorApp } from '../src/monitor-app.ts';
import { runSamplingTick } from '../src/sampling/sampling-tick.ts';
import { configWith, freshPlatform, grow, registerWaddle, testDependencies } from './monitored-platform.ts';

const TOKEN = 'test-operator-token';
const bearer = { headers: { authorization: `Bearer ${TOKEN}` } };

beforeEach(async () => {
  const central = await freshPlatform();
  await registerWaddle(central, 'penguins', 'test-penguins', 'WADDLE_PENGUINS');
  await registerWaddle(central, 'puffins', 'test-puffins', 'WADDLE_PUFFINS');
  await registerWaddle(central, 'gone', 'test-gone', null);
  await grow(env.WADDLE_PENGUINS, 1_000_000);
  await grow(env.WADDLE_PUFFINS, 300_000);
  const { dependencies } = testDependencies();
  // A tick with a 1.2 MB limit puts penguins (about 1.05 MB) past the warning: one alert to list.
  await runSamplingTick(env.CENTRAL_DB, dependencies, configWith({ sizeLimitBytes: 1_200_000 }));
});

describe('the dashboard routes', () => {
  it.each(['/', '/api/databases', '/api/databases/test-penguins/samples'])(
    'refuse %s without the operator token, or with a wrong one, and show no data',
    async (path) => {
      const attempts: RequestInit[] = [{}, { headers: { authorization: 'Bearer nope' } }, { headers: { cookie: 'monitor_token=nope' } }];
      for (const init of attempts) {
        const response = await exports.default.fetch(`http://monitor${path}`, init);
        expect(response.status).toBe(401);
        expect(await response.text()).not.toMatch(/penguins|size/i);
      }
      const wrongQuery = await exports.default.fetch(`http://monitor${path}?token=nope`);
      expect(wrongQuery.status).toBe(401);
    },
  );

  it('trades ?token= for an HttpOnly cookie that opens the page', async () => {
    const login = await exports.default.fetch(`http://monitor/?token=${TOKEN}`, { redirect: 'manual' });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/');
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toBe(`monitor_token=${TOKEN}; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200`);

    const page = await exports.default.fetch('http://monitor/', { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toMatch(
      /^default-src 'none'; script-src 'nonce-[0-9a-f]{32}'; style-src 'nonce-[0-9a-f]{32}'; connect-src 'self'; img-src data:;/,
    );
    const html = await page.text();
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).toContain('<table id="databases">');
  });

  it('lists every database fullest first, with its percent of the limit, level and sampling error', async () => {
    const response = await exports.default.fetch('http://monitor/api/databases', bearer);
    expect(response.status).toBe(200);
    const body = await response.json<{
      limitBytes: number;
      databases: { name: string; percentOfLimit: number | null; status: string; sampleError: string | null }[];
      alerts: unknown[];
    }>();
    expect(body.limitBytes).toBe(10_000_000_000);
    expect(body.databases.map((d) => [d.name, d.status, d.sampleError])).toEqual([
      ['penguins', 'ok', null],
      ['puffins', 'ok', null],
      ['central', 'ok', null],
      ['gone', 'unknown', 'waddle 3: no connector reaches database test-gone'],
    ]);
    expect(body.databases[0]!.percentOfLimit).toBe(0);
    expect(body.alerts).toMatchObject([
      { d1DatabaseId: 'test-penguins', name: 'penguins', level: 'warning', reason: 'threshold', delivery: 'not-configured' },
    ]);
  });

  it("runs a sampling tick on POST /api/sample, for operators from the dashboard's own origin only", async () => {
    const count = async () => (await env.CENTRAL_DB.prepare('SELECT count(*) AS n FROM size_samples').first<{ n: number }>())!.n;
    const before = await count();
    expect((await exports.default.fetch('http://monitor/api/sample', { method: 'POST' })).status).toBe(401);
    expect((await exports.default.fetch('http://monitor/api/sample', bearer)).status).toBe(405);
    const foreign = await exports.default.fetch('http://monitor/api/sample', {
      method: 'POST',
      headers: { ...bearer.headers, origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect(await count()).toBe(before);

    const response = await exports.default.fetch('http://monitor/api/sample', {
      method: 'POST',
      headers: { ...bearer.headers, origin: 'http://monitor' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ measured: 3, failed: [{ d1DatabaseId: 'test-gone' }], nextCursor: 0 });
    expect(await count()).toBe(before + 3);
  });

  it("serves a database's samples, and 404 for a database it does not monitor", async () => {
    const response = await exports.default.fetch('http://monitor/api/databases/test-penguins/samples?days=7&points=10', bearer);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      d1DatabaseId: 'test-penguins',
      days: 7,
      samples: [{ sampledAt: expect.any(Number), sizeBytes: expect.any(Number) }],
    });
    const missing = await exports.default.fetch('http://monitor/api/databases/nope/samples', bearer);
    expect(missing.status).toBe(404);
  });

  it('computes the samples window and generatedAt from the same clock that stamped the samples', async () => {
    // A clock pinned three years back, handed to the tick and to the routes alike: a route that read
    // the machine's clock instead would find this sample outside its 7-day window.
    const { dependencies, clock } = testDependencies({ pinnedAt: Date.UTC(2023, 5, 1, 12) });
    await env.CENTRAL_DB.prepare('DELETE FROM size_samples').run();
    await runSamplingTick(env.CENTRAL_DB, dependencies, configWith({}));
    clock.advance(3_600_000);
    const app = createMonitorApp(() => ({ config: configWith({}), dependencies }));
    const route = async (path: string) => app.fetch(new Request(`http://monitor${path}`, bearer), env);
    const samples = await (await route('/api/databases/test-penguins/samples?days=1')).json<{ samples: { sampledAt: number }[] }>();
    expect(samples.samples.map((sample) => sample.sampledAt)).toEqual([clock.now() - 3_600_000]);
    const listing = await (await route('/api/databases')).json<{ generatedAt: number }>();
    expect(listing.generatedAt).toBe(clock.now());
  });
});
