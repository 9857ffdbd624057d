import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { REFERENCE_ASSET_NAMES } from '../src/reference/reference-page.ts';
import { call } from './fixture.ts';

describe('GET /v1/docs, the reference page', () => {
  it('serves the page without a token, under a CSP that allows only the Worker itself', async () => {
    const page = await call(null, 'GET', '/v1/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    // Everything the page loads is one of its files on this Worker (or inline data).
    const loaded = [...(page.body as string).matchAll(/(?:src|href)="([^"]*)"/g)].map(([, url]) => url);
    expect(loaded.sort()).toEqual(['/v1/docs/reference.js', '/v1/docs/swagger-ui-bundle.js', '/v1/docs/swagger-ui.css', 'data:,']);
    expect(page.body).not.toMatch(/<script>|<style|style="/);
  });

  it.each(REFERENCE_ASSET_NAMES)('serves %s, bundled into the Worker', async (name) => {
    const asset = await call(null, 'GET', `/v1/docs/${name}`);
    expect(asset.status).toBe(200);
    const type = name.endsWith('.css') ? 'text/css' : 'text/javascript';
    expect(asset.headers.get('content-type')).toBe(`${type}; charset=utf-8`);
    const marker = {
      'swagger-ui.css': '.swagger-ui',
      'swagger-ui-bundle.js': 'exports.SwaggerUIBundle=',
      'reference.js': "url: '/v1/openapi.json'",
    }[name];
    expect(asset.body).toContain(marker);
  });

  it('refuses a file it does not serve, a query, and another method, and answers HEAD as GET', async () => {
    const unknown = await call(null, 'GET', '/v1/docs/index.html');
    expect({ status: unknown.status, code: unknown.body.error.code }).toEqual({ status: 400, code: 'invalid_path' });
    expect((await call(null, 'GET', '/v1/docs?theme=dark')).body.error.code).toBe('invalid_query');
    const post = await call(null, 'POST', '/v1/docs');
    expect({ status: post.status, allow: post.headers.get('allow') }).toEqual({ status: 405, allow: 'GET' });
    const head = await exports.default.fetch('http://waddle/v1/docs', { method: 'HEAD' });
    expect({ status: head.status, type: head.headers.get('content-type'), body: await head.text() }).toEqual({
      status: 200,
      type: 'text/html; charset=utf-8',
      body: '',
    });
  });

  it('is in the OpenAPI document: the page as text/html, its files as text/css and text/javascript, no token', async () => {
    const { body } = await call(null, 'GET', '/v1/openapi.json');
    const page = body.paths['/v1/docs'].get;
    expect(page.security).toEqual([]);
    expect(Object.keys(page.responses['200'].content)).toEqual(['text/html']);
    const asset = body.paths['/v1/docs/{asset}'].get;
    expect(asset.parameters[0].schema.enum).toEqual([...REFERENCE_ASSET_NAMES]);
    expect(Object.keys(asset.responses['200'].content)).toEqual(['text/css', 'text/javascript']);
  });
});
