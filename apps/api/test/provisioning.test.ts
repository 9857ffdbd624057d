import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import worker from '../src/index.ts';
import { freshPlatform, snapshot, tokenFor, USER } from './fixture.ts';
import { expectContractKept } from './response-contract.ts';
import { sliceBindingName } from '@waddle/slice-worker/slice-binding-name';

/** The D1 REST API and the dispatch namespace of the test run, as a deployment configures them (`SLICES_DISPATCH_URL`: the local one). */
function provisioningSettings(): Record<string, string> {
  return {
    CLOUDFLARE_API_BASE_URL: inject('d1ApiBaseUrl'),
    CLOUDFLARE_ACCOUNT_ID: inject('d1ApiAccountId'),
    CLOUDFLARE_API_TOKEN: inject('d1ApiToken'),
    SLICES_DISPATCH_URL: inject('d1ApiDispatchUrl'),
  };
}

/** The Worker's own fetch, with the D1 REST API and the slices of the test run configured (or `settings` over them; `false`: neither). */
async function callProvisioning(
  who: keyof typeof USER,
  method: string,
  path: string,
  body?: unknown,
  settings: Record<string, unknown> | false = {},
) {
  const request = new Request(`http://waddle${path}`, {
    method,
    headers: { authorization: `Bearer ${await tokenFor(who)}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const configuredEnv = settings === false ? env : { ...env, ...provisioningSettings(), ...settings };
  const response = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, configuredEnv);
  const answer = { status: response.status, body: await response.json<any>() };
  expectContractKept(method, path, answer.status, answer.body);
  return answer;
}

/** The databases the test run's D1 REST API serves named `name` (control plane: `GET …/d1/database`). */
async function databasesNamed(name: string): Promise<string[]> {
  const response = await fetch(`${inject('d1ApiBaseUrl')}/accounts/${inject('d1ApiAccountId')}/d1/database`, {
    headers: { authorization: `Bearer ${inject('d1ApiToken')}` },
  });
  const { result } = await response.json<{ result: { uuid: string; name: string }[] }>();
  return result.filter((database) => database.name === name).map((database) => database.uuid);
}

beforeEach(freshPlatform);

describe('POST /v1/waddles', () => {
  it('provisions a database through the D1 REST API into a binding slice, migrates and registers it; the owner then posts and reads in it', async () => {
    const created = await callProvisioning('outsider', 'POST', '/v1/waddles', { name: 'glacier', displayName: 'Glacier', isPublic: true });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'glacier', displayName: 'Glacier', ownerId: USER.outsider, isPublic: true, memberCount: 1 });
    const row = await env.CENTRAL_DB.prepare(
      'SELECT w.d1_database_id AS registered, d.d1_database_id, d.slice, d.binding, d.schema_version FROM waddles AS w JOIN databases AS d ON d.id = w.primary_database_id WHERE w.id = ?',
    )
      .bind(created.body.id)
      .first<Record<string, string | null>>();
    expect(row!.d1_database_id).toMatch(/^[0-9a-f-]{36}$/);
    // Placed in the first slice (the directory has none yet), bound under its slice binding name, migrated.
    expect(row).toEqual({
      registered: row!.d1_database_id,
      d1_database_id: row!.d1_database_id,
      slice: 'slice-0001',
      binding: sliceBindingName(row!.d1_database_id!),
      schema_version: expect.stringMatching(/^00\d\d_/),
    });

    const w = `/v1/waddles/${created.body.id}`;
    expect((await callProvisioning('outsider', 'POST', `${w}/channels`, { name: 'lobby' })).status).toBe(201);
    const posted = await callProvisioning('outsider', 'POST', `${w}/channels/1/messages`, { content: 'first message on the glacier' });
    expect(posted.status).toBe(201);
    const page = await callProvisioning('outsider', 'GET', `${w}/channels/1/messages`);
    expect(page.body.messages.map((m: { content: string }) => m.content)).toEqual(['first message on the glacier']);
    const audit = await env.CENTRAL_DB.prepare("SELECT action FROM audit_log WHERE action = 'waddle.create'").all();
    expect(audit.results).toHaveLength(1);
  });

  it('answers two creations of one name at once with one 201 and one 409, registering one waddle', async () => {
    // Both pass the name check (creating a database takes far longer than it), so the loser fails
    // on UNIQUE (waddles.name) and deletes its database (the platform's tests check it is gone).
    const answers = await Promise.all(
      [0, 1].map(() => callProvisioning('outsider', 'POST', '/v1/waddles', { name: 'iceberg', displayName: 'Iceberg' })),
    );
    expect(answers.map((answer) => answer.status).toSorted()).toEqual([201, 409]);
    expect(answers.find((answer) => answer.status === 409)!.body).toEqual({
      error: { code: 'name_taken', message: 'a waddle named iceberg already exists' },
    });
    const registered = await env.CENTRAL_DB.prepare("SELECT id, d1_database_id FROM waddles WHERE name = 'iceberg'").all<{
      id: number;
      d1_database_id: string;
    }>();
    expect(registered.results).toEqual([
      { id: answers.find((answer) => answer.status === 201)!.body.id, d1_database_id: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    ]);
  });

  it('refuses a taken name with 409 and invalid names with 400, creating nothing', async () => {
    const before = await snapshot();
    expect((await callProvisioning('member', 'POST', '/v1/waddles', { name: 'penguins', displayName: 'Again' })).status).toBe(409);
    for (const name of ['Penguins', 'a', "x'; DROP TABLE waddles; --", 'x'.repeat(65)]) {
      expect((await callProvisioning('member', 'POST', '/v1/waddles', { name, displayName: 'Bad' })).status).toBe(400);
    }
    expect(await snapshot()).toBe(before);
  });

  it('answers 503 where no D1 REST API is configured, creating nothing', async () => {
    const before = await snapshot();
    const answer = await callProvisioning('member', 'POST', '/v1/waddles', { name: 'nowhere', displayName: 'Nowhere' }, false);
    expect(await databasesNamed('waddle-nowhere')).toEqual([]);
    expect(answer).toEqual({ status: 503, body: { error: { code: 'provisioning_unavailable', message: expect.any(String) } } });
    const anonymous = await worker.fetch(
      new Request('http://waddle/v1/waddles', { method: 'POST', body: '{"name":"x1","displayName":"X"}' }) as Request<
        unknown,
        IncomingRequestCfProperties
      >,
      env,
    );
    expect(anonymous.status).toBe(401);
    expect(await snapshot()).toBe(before);
  });

  it('answers 503 where no dispatch namespace is configured, creating nothing', async () => {
    const before = await snapshot();
    // The tests' Worker has Miniflare's SLICES binding, which only proxies to an account: a deploy without it.
    const answer = await callProvisioning(
      'member',
      'POST',
      '/v1/waddles',
      { name: 'unplaced', displayName: 'Unplaced' },
      {
        SLICES: undefined,
        SLICES_DISPATCH_URL: undefined,
      },
    );
    expect(answer).toEqual({
      status: 503,
      body: {
        error: { code: 'provisioning_unavailable', message: 'this deployment cannot place databases (no dispatch namespace configured)' },
      },
    });
    expect(await databasesNamed('waddle-unplaced')).toEqual([]);
    expect(await snapshot()).toBe(before);
  });

  it('answers 503 when the slice refuses the upload, leaving the waddle unregistered and its database deleted', async () => {
    const before = await snapshot();
    // The account has no such dispatch namespace: the upload is refused (404) after the database was created.
    const answer = await callProvisioning(
      'member',
      'POST',
      '/v1/waddles',
      { name: 'refused', displayName: 'Refused' },
      {
        SLICES_NAMESPACE: 'no-such-namespace',
      },
    );
    expect(answer).toEqual({
      status: 503,
      body: {
        error: {
          code: 'provisioning_unavailable',
          message: "the new waddle's binding slice cannot be uploaded or reached right now; try again later",
        },
      },
    });
    expect(await databasesNamed('waddle-refused')).toEqual([]);
    expect(await snapshot()).toBe(before);
  });

  it('answers 503 when the uploaded slice cannot be reached to migrate, leaving the waddle unregistered and its database deleted', async () => {
    const before = await snapshot();
    // The upload succeeds, but the dispatch reaches a namespace that has no such slice: `Worker not found`.
    const answer = await callProvisioning(
      'member',
      'POST',
      '/v1/waddles',
      { name: 'unreached', displayName: 'Unreached' },
      {
        SLICES_DISPATCH_URL: `${inject('d1ApiDispatchUrl')}-elsewhere`,
      },
    );
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('provisioning_unavailable');
    expect(await databasesNamed('waddle-unreached')).toEqual([]);
    expect(await snapshot()).toBe(before);
    // The next creation is placed and served as usual.
    const created = await callProvisioning('member', 'POST', '/v1/waddles', { name: 'reached', displayName: 'Reached' });
    expect(created.status).toBe(201);
    expect(await databasesNamed('waddle-reached')).toHaveLength(1);
    expect((await callProvisioning('member', 'POST', `/v1/waddles/${created.body.id}/channels`, { name: 'lobby' })).status).toBe(201);
  });
});
