import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEEDED, type SeededMonitor, startSeededMonitor } from './seeded-monitor.ts';

const ARTIFACTS = resolve(import.meta.dirname, '..', 'test-artifacts');
let monitor: SeededMonitor;
let browser: Browser;

beforeAll(async () => {
  monitor = await startSeededMonitor();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  await monitor?.stop();
});

/** A laptop-sized page that records every URL it requests. */
async function openPage(): Promise<{ page: Page; requested: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  return { page, requested };
}

const rowNames = (page: Page) => page.locator('#databases tbody tr .name').allTextContents();

describe('the dashboard in Chromium', () => {
  it('refuses access without the token and shows no data', async () => {
    const { page } = await openPage();
    const response = await page.goto(`${monitor.url}/`);
    expect(response!.status()).toBe(401);
    const text = await page.locator('body').innerText();
    expect(text).toContain('401 Unauthorized');
    for (const database of SEEDED) expect(text).not.toContain(database.name === 'central' ? 'local-central' : database.name);
    const api = await page.goto(`${monitor.url}/api/databases`);
    expect(api!.status()).toBe(401);
    await page.close();
  });

  it('lists every database fullest first with its charts, filters by name, shows a selected database and the alerts, from the Worker alone', async () => {
    const { page, requested } = await openPage();
    await page.goto(`${monitor.url}/?token=${monitor.token}`);
    expect(new URL(page.url()).search).toBe(''); // the token went into an HttpOnly cookie, out of the address bar
    await page.locator('body[data-loaded="true"]').waitFor();

    expect(await rowNames(page)).toEqual(SEEDED.map((d) => d.name));
    const first = page.locator('#databases tbody tr').first();
    expect(await first.locator('td').nth(2).innerText()).toContain('93.0 %');
    expect(await first.locator('.badge').innerText()).toBe('critical');
    expect(await page.locator('#databases tbody tr', { hasText: 'krill-lab' }).locator('.badge').innerText()).toBe('warning'); // projected full in 12 days
    expect(await page.locator('#databases tbody tr', { hasText: 'terns' }).locator('.error').innerText()).toContain(
      'no connector reaches database page-terns',
    );

    // A small growth chart in each row (drawn as inline SVG from the samples).
    await first.locator('svg.sparkline polyline').waitFor();
    const points = await first.locator('svg.sparkline polyline').getAttribute('points');
    expect(points!.split(' ').length).toBeGreaterThan(10);

    // Selecting a row draws its larger chart.
    await page.locator('#databases tbody tr', { hasText: 'puffins' }).click();
    await page.locator('#detail-chart svg.detail polyline').waitFor();
    expect(await page.locator('#detail-title').innerText()).toBe('puffins (page-puffins)');
    expect(await page.locator('#databases tbody tr.selected .name').innerText()).toBe('puffins');

    expect(await page.locator('#alerts tbody tr').count()).toBe(4);
    expect(await page.locator('#alerts tbody tr').first().innerText()).toContain('krill-lab');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });

    await page.locator('#filter').fill('pu');
    expect(await rowNames(page)).toEqual(['puffins']);
    expect(await page.locator('#shown').innerText()).toBe('1 of 6 shown');
    await page.locator('#filter').fill('');
    expect(await rowNames(page)).toHaveLength(6);

    expect(requested.filter((url) => !url.startsWith(monitor.url) && !url.startsWith('data:'))).toEqual([]);
    await page.close();
  });
});
