import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '@waddle/platform/free-port';
import { type RunningWorker, startWorker } from '@waddle/platform/worker-processes';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ARTIFACTS = resolve(import.meta.dirname, '..', 'test-artifacts');
let state: string;
let api: RunningWorker;
let browser: Browser;

beforeAll(async () => {
  // The api Worker as `npm start` serves it (wrangler dev), over a local state of its own.
  state = mkdtempSync(join(tmpdir(), 'waddle-api-page-'));
  api = await startWorker('api', await freePort(), { persistTo: state, logFile: join(state, 'wrangler-dev.log') });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  if (state) rmSync(state, { recursive: true, force: true });
});

describe('the API reference at /v1/docs in Chromium', () => {
  it('renders every operation of the OpenAPI document, from the Worker alone, within its CSP', async () => {
    const document = (await (await fetch(`${api.url}/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(document.paths).flatMap((methods) => Object.keys(methods));
    expect(operations.length).toBeGreaterThan(40);

    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const requested: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    const response = await page.goto(`${api.url}/v1/docs`);
    expect(response!.status()).toBe(200);
    await page.locator('.opblock').first().waitFor();
    expect(await page.locator('.info .title').innerText()).toContain('Waddle API');
    expect(await page.locator('.opblock').count()).toBe(operations.length);

    // An operation opens to its answers, errors included.
    await page.locator('#operations-me-getMe .opblock-summary').click();
    const answers = page.locator('#operations-me-getMe .responses-table .response-col_status');
    await answers.first().waitFor();
    expect(await answers.allInnerTexts()).toEqual(expect.arrayContaining(['200', '401', '503']));

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'reference.png'), fullPage: false });

    expect(requested.filter((url) => !url.startsWith(api.url) && !url.startsWith('data:'))).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
