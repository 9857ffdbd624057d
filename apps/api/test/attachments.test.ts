import { env } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { testClock } from '@waddle/clock/test-clock';
import { exportArchive } from '@waddle/privacy/export-archive';
import { runJobToEnd } from '@waddle/privacy/run-job-to-end';
import { startExport } from '@waddle/privacy/start-export';
import { bindingConnector, type DatabaseConnector } from '@waddle/registry/database-connectors';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { deleteStaleUploads } from '../src/scheduled/delete-stale-uploads.ts';
import { ATTACHMENT, call, CHANNEL, freshPlatform, MESSAGE, type Persona, snapshot, tokenFor, UPLOAD, WADDLE } from './fixture.ts';
import { expectContractKept } from './response-contract.ts';
import { TEST_ATTACHMENT_LIMITS } from './test-config.ts';

const w = `/v1/waddles/${WADDLE.private}`;
const connectors: DatabaseConnector[] = [bindingConnector(env as unknown as Record<string, unknown>)];

// Seeding a platform and erasing a user through the API take seconds on a loaded 2-core machine.
vi.setConfig({ testTimeout: 120_000 });

/** Sends a file's bytes as `who`, the way a client uploads one (its type as Content-Type), held to the route's contract. */
async function send(
  who: Persona,
  method: 'POST' | 'PUT',
  path: string,
  bytes: string | Uint8Array,
  type = 'text/plain',
): Promise<{ status: number; body: any }> {
  const response = await exports.default.fetch(`http://waddle${path}`, {
    method,
    headers: { authorization: `Bearer ${await tokenFor(who)}`, 'content-type': type },
    body: bytes,
  });
  const text = await response.text();
  const body = text ? JSON.parse(text) : undefined;
  expectContractKept(method, path, response.status, body);
  return { status: response.status, body };
}

/** Every object of the attachment bucket: key → its bytes as text. */
async function bucketContents(): Promise<Record<string, string>> {
  const contents: Record<string, string> = {};
  let cursor: string | undefined;
  for (;;) {
    const page = await env.ATTACHMENTS.list({ cursor });
    for (const object of page.objects) contents[object.key] = await (await env.ATTACHMENTS.get(object.key))!.text();
    if (!page.truncated) return contents;
    cursor = page.cursor;
  }
}

beforeEach(freshPlatform);

describe('attachments in R2', () => {
  it('stores a direct upload and records it only then, lists it on the page and serves it to members who see the channel', async () => {
    const answer = await send(
      'member',
      'POST',
      `${w}/messages/${MESSAGE.byMember}/attachments?filename=${encodeURIComponent('fish é.txt')}`,
      'sardines',
    );
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      id: expect.any(Number),
      messageId: MESSAGE.byMember,
      filename: 'fish é.txt',
      sizeBytes: 8,
      mimeType: 'text/plain',
      url: `${w}/attachments/${answer.body.id}`,
      createdAt: expect.any(Number),
    });
    const stored = Object.entries(await bucketContents()).filter(([key]) => key !== ATTACHMENT.objectKey && key !== UPLOAD.objectKey);
    expect(stored).toEqual([[expect.stringMatching(/^waddles\/1\/users\/3\/[0-9a-f-]{36}$/), 'sardines']]);
    // A file of exactly the limit is taken.
    const atLimit = await send(
      'member',
      'POST',
      `${w}/messages/${MESSAGE.byMember}/attachments?filename=full.txt`,
      'x'.repeat(TEST_ATTACHMENT_LIMITS.directMaxBytes),
    );
    expect(atLimit.status).toBe(201);
    const row = await env.WADDLE_PRIVATE.prepare('SELECT object_key FROM message_attachments WHERE id = ?').bind(answer.body.id).first();
    expect(row).toEqual({ object_key: stored[0]![0] });
    // The ledger forgets the upload once attached.
    expect(await env.CENTRAL_DB.prepare('SELECT object_key FROM attachment_uploads').all()).toMatchObject({
      results: [{ object_key: UPLOAD.objectKey }],
    });

    const page = await call('moderator', 'GET', `${w}/channels/${CHANNEL.general}/messages`);
    const message = page.body.messages.find((m: { id: number }) => m.id === MESSAGE.byMember);
    expect(message.attachments.map((a: { filename: string }) => a.filename)).toEqual([ATTACHMENT.filename, 'fish é.txt', 'full.txt']);

    const download = await exports.default.fetch(`http://waddle${answer.body.url}`, {
      headers: { authorization: `Bearer ${await tokenFor('moderator')}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('text/plain');
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="fish _.txt"; filename*=UTF-8''fish%20%C3%A9.txt`);
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await download.text()).toBe('sardines');
  });

  it('refuses a file over the limit, of a refused type or without a size with 4xx, leaving nothing in R2 nor D1', async () => {
    const before = { databases: await snapshot(), bucket: await bucketContents() };
    const path = `${w}/messages/${MESSAGE.byMember}/attachments?filename=big.txt`;
    const tooLarge = await send('member', 'POST', path, 'x'.repeat(TEST_ATTACHMENT_LIMITS.directMaxBytes + 1));
    expect([tooLarge.status, tooLarge.body.error.code]).toEqual([413, 'attachment_too_large']);
    for (const type of ['application/x-msdownload', 'text/html', 'not a type']) {
      const refused = await send('member', 'POST', path, 'MZ', type);
      expect([type, refused.status, refused.body.error.code]).toEqual([type, 415, 'attachment_type_refused']);
    }
    const hugeMultipart = await call('member', 'POST', `${w}/messages/${MESSAGE.byMember}/uploads`, {
      filename: 'film.mp4',
      contentType: 'video/mp4',
      sizeBytes: TEST_ATTACHMENT_LIMITS.maxBytes + 1,
    });
    expect([hugeMultipart.status, hugeMultipart.body.error.code]).toEqual([413, 'attachment_too_large']);
    const refusedMultipart = await call('member', 'POST', `${w}/messages/${MESSAGE.byMember}/uploads`, {
      filename: 'tool.exe',
      contentType: 'application/x-msdownload',
      sizeBytes: 10,
    });
    expect([refusedMultipart.status, refusedMultipart.body.error.code]).toEqual([415, 'attachment_type_refused']);
    // Not the author's message, and a message in a channel the member cannot see (the same 404 as an unknown one).
    expect((await send('member', 'POST', `${w}/messages/${MESSAGE.byModerator}/attachments?filename=a.txt`, 'a')).body.error.code).toBe(
      'not_author',
    );
    const hidden = await send('member', 'POST', `${w}/messages/${MESSAGE.secret}/attachments?filename=a.txt`, 'a');
    const unknown = await send('member', 'POST', `${w}/messages/999999/attachments?filename=a.txt`, 'a');
    expect(hidden).toEqual({ status: 404, body: unknown.body });
    expect({ databases: await snapshot(), bucket: await bucketContents() }).toEqual(before);
  });

  it('answers a download by a non-member or by a member who cannot see the channel exactly like one of an unknown file', async () => {
    const secret = await send('owner', 'POST', `${w}/messages/${MESSAGE.secret}/attachments?filename=plan.txt`, 'the secret plan');
    expect(secret.status).toBe(201);
    expect((await call('moderator', 'GET', secret.body.url)).body).toBe('the secret plan');
    for (const who of ['member', 'outsider', 'banned'] as const) {
      const hidden = await call(who, 'GET', secret.body.url);
      const unknown = await call(who, 'GET', `${w}/attachments/999999`);
      expect({ who, status: hidden.status, body: hidden.body }).toEqual({ who, status: 404, body: unknown.body });
    }
    expect((await call('member', 'GET', `${w}/attachments/999999`)).body).toEqual({
      error: { code: 'not_found', message: 'attachment not found' },
    });
    expect((await call('outsider', 'GET', secret.body.url)).body).toEqual({ error: { code: 'not_found', message: 'waddle not found' } });
  });

  it('deletes the objects of a deleted message from R2, and keeps the others', async () => {
    const mine = await send('member', 'POST', `${w}/messages/${MESSAGE.byMember}/attachments?filename=a.txt`, 'mine');
    const theirs = await send('owner', 'POST', `${w}/messages/${MESSAGE.secret}/attachments?filename=b.txt`, 'theirs');
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    // The fixture's file, and these two (the fixture's multipart upload has parts, no object yet).
    expect(Object.keys(await bucketContents())).toHaveLength(3);

    expect((await call('member', 'DELETE', `${w}/messages/${MESSAGE.byMember}`)).status).toBe(204);

    const after = await bucketContents();
    expect(Object.values(after)).toEqual(['theirs']);
    expect(await env.WADDLE_PRIVATE.prepare('SELECT count(*) AS n FROM attachment_object_deletions').first()).toEqual({ n: 0 });
    expect((await call('moderator', 'GET', mine.body.url)).status).toBe(404);
    expect((await call('moderator', 'GET', `${w}/attachments/${ATTACHMENT.id}`)).status).toBe(404);
  });

  it('takes a large file as a multipart upload through the Worker, part by part, and attaches it once complete', async () => {
    const size = 5 * 1024 * 1024 + 3;
    const started = await call('member', 'POST', `${w}/messages/${MESSAGE.byMember}/uploads`, {
      filename: 'huddle.bin',
      contentType: 'application/zip',
      sizeBytes: size,
    });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ partSizeBytes: 5 * 1024 * 1024, partCount: 2 });
    const parts = `${w}/uploads/${started.body.upload}/parts`;
    const complete = `${w}/uploads/${started.body.upload}/complete`;
    // Another member's upload id is an unknown upload; a part of the wrong size is refused.
    expect((await send('moderator', 'PUT', `${parts}/1`, 'x')).status).toBe(404);
    expect((await send('member', 'PUT', `${parts}/2`, 'abcd')).body.error.code).toBe('invalid_part');
    expect((await send('member', 'PUT', `${parts}/3`, 'abc')).body.error.code).toBe('invalid_part');
    expect((await send('member', 'PUT', `${parts}/2`, 'abc')).status).toBe(200);
    expect((await call('member', 'POST', complete)).body.error.code).toBe('upload_incomplete');
    const first = new Uint8Array(5 * 1024 * 1024).fill(0x61);
    expect((await send('member', 'PUT', `${parts}/1`, first, 'application/octet-stream')).body).toEqual({
      partNumber: 1,
      sizeBytes: first.length,
    });

    const attached = await call('member', 'POST', complete);
    expect(attached.status).toBe(201);
    expect(attached.body).toMatchObject({ filename: 'huddle.bin', sizeBytes: size, mimeType: 'application/zip' });
    const download = await exports.default.fetch(`http://waddle${attached.body.url}`, {
      headers: { authorization: `Bearer ${await tokenFor('owner')}` },
    });
    const bytes = new Uint8Array(await download.arrayBuffer());
    expect([bytes.length, bytes[0], new TextDecoder().decode(bytes.slice(-3))]).toEqual([size, 0x61, 'abc']);
    const ledger = await env.CENTRAL_DB.prepare('SELECT object_key FROM attachment_uploads').all();
    expect(ledger.results).toEqual([{ object_key: UPLOAD.objectKey }]);
  });

  it('leaves none of an erased user’s objects in the bucket: attached files, unfinished uploads and direct uploads cut off', async () => {
    const thread = await send('member', 'POST', `${w}/messages/${MESSAGE.inThread}/attachments?filename=t.txt`, 'glimmerwhorl in a thread');
    const general = await send('member', 'POST', `${w}/messages/${MESSAGE.byMember}/attachments?filename=g.txt`, 'glimmerwhorl in general');
    const others = await send('owner', 'POST', `${w}/messages/${MESSAGE.secret}/attachments?filename=o.txt`, 'the owner keeps this');
    expect([thread.status, general.status, others.status]).toEqual([201, 201, 201]);
    // An upload cut off after its bytes were stored and before it was attached: a ledger row and an object.
    const cutOff = 'waddles/1/users/3/5c0ffee0-0000-4000-8000-000000000c07';
    await env.ATTACHMENTS.put(cutOff, 'glimmerwhorl cut off');
    await env.CENTRAL_DB.prepare(
      "INSERT INTO attachment_uploads (object_key, waddle_id, message_id, user_id, filename, mime_type, size_bytes, created_at) VALUES (?, 1, 1, 3, 'c.txt', 'text/plain', 20, ?)",
    )
      .bind(cutOff, testClock().now())
      .run();
    expect(Object.values(await bucketContents()).filter((text) => text.includes('glimmerwhorl'))).toHaveLength(3);
    // The fixture's multipart upload of the member, its part stored: R2 lists no object for it until it is completed.
    const multipart = (await env.CENTRAL_DB.prepare('SELECT multipart_upload_id AS id, parts FROM attachment_uploads WHERE object_key = ?')
      .bind(UPLOAD.objectKey)
      .first<{ id: string; parts: string }>())!;

    const erased = await call('member', 'DELETE', '/v1/me');
    expect(erased.status).toBe(200);
    expect(erased.body.status).toBe('done');

    const left = await bucketContents();
    expect(Object.keys(left).filter((key) => key.startsWith('waddles/1/users/3/'))).toEqual([]);
    expect(
      Object.values(left).filter((text) => text.includes('glimmerwhorl') || text === UPLOAD.content || text === ATTACHMENT.content),
    ).toEqual([]);
    expect(Object.values(left)).toEqual(['the owner keeps this']);
    // Its parts are gone with it: the upload can no longer be completed.
    const upload = env.ATTACHMENTS.resumeMultipartUpload(UPLOAD.objectKey, multipart.id);
    await expect(upload.complete([{ partNumber: 1, etag: JSON.parse(multipart.parts)['1'] }])).rejects.toThrow();
    expect(await env.ATTACHMENTS.head(UPLOAD.objectKey)).toBeNull();
    expect(await env.CENTRAL_DB.prepare('SELECT count(*) AS n FROM attachment_uploads').first()).toEqual({ n: 0 });
    expect(await env.WADDLE_PRIVATE.prepare('SELECT count(*) AS n FROM attachment_object_deletions').first()).toEqual({ n: 0 });
  });

  it("lists the user's attachments in their export, each linking the download that serves it", async () => {
    const clock = testClock();
    const job = await startExport(env.CENTRAL_DB, 3, 'user', clock.now());
    const done = await runJobToEnd(env.CENTRAL_DB, connectors, job.id, { clock: clock.now });
    let text = '';
    for await (const piece of exportArchive(env.CENTRAL_DB, done)) text += piece;
    const records = (JSON.parse(text) as { records: { type: string; data: { id: number; attachments: unknown[] } }[] }).records;
    const message = records.find((record) => record.type === 'message' && record.data.id === MESSAGE.byMember)!;
    expect(message.data.attachments).toEqual([
      {
        filename: ATTACHMENT.filename,
        sizeBytes: ATTACHMENT.content.length,
        mimeType: 'application/json',
        url: `${w}/attachments/${ATTACHMENT.id}`,
        createdAt: expect.any(Number),
      },
    ]);
    expect((await call('member', 'GET', `${w}/attachments/${ATTACHMENT.id}`)).body).toEqual(JSON.parse(ATTACHMENT.content));
  });

  it('removes an upload never attached once its grace period is over, and keeps the object of one attached before the request ended', async () => {
    const clock = testClock();
    const graceMs = 24 * 3_600_000;
    const attached = await send('member', 'POST', `${w}/messages/${MESSAGE.byMember}/attachments?filename=kept.txt`, 'kept');
    const attachedKey = (await env.WADDLE_PRIVATE.prepare('SELECT object_key FROM message_attachments WHERE id = ?')
      .bind(attached.body.id)
      .first<{ object_key: string }>())!.object_key;
    const neverAttached = 'waddles/1/users/3/5c0ffee0-0000-4000-8000-0000000000a1';
    await env.ATTACHMENTS.put(neverAttached, 'forgotten');
    const ledger = env.CENTRAL_DB.prepare(
      "INSERT INTO attachment_uploads (object_key, waddle_id, message_id, user_id, filename, mime_type, size_bytes, created_at) VALUES (?, 1, 1, 3, 'f.txt', 'text/plain', 9, ?)",
    );
    // Both as a request cut off leaves them: the second after attaching, before forgetting its ledger row.
    await env.CENTRAL_DB.batch([ledger.bind(neverAttached, clock.now()), ledger.bind(attachedKey, clock.now())]);
    await env.CENTRAL_DB.prepare('UPDATE attachment_uploads SET created_at = ? WHERE object_key = ?')
      .bind(clock.now(), UPLOAD.objectKey)
      .run();

    const early = await deleteStaleUploads(env.CENTRAL_DB, connectors, env.ATTACHMENTS, clock.advance(graceMs - 1) - graceMs);
    expect(early).toEqual({ removed: [], attached: [], failed: [] });

    const due = await deleteStaleUploads(env.CENTRAL_DB, connectors, env.ATTACHMENTS, clock.advance(2) - graceMs);
    expect({ ...due, removed: [...due.removed].sort() }).toEqual({
      removed: [neverAttached, UPLOAD.objectKey].sort(),
      attached: [attachedKey],
      failed: [],
    });
    const left = await bucketContents();
    expect(Object.keys(left).sort()).toEqual([ATTACHMENT.objectKey, attachedKey].sort());
    expect(await env.CENTRAL_DB.prepare('SELECT count(*) AS n FROM attachment_uploads').first()).toEqual({ n: 0 });
    expect((await call('member', 'POST', `${w}/uploads/${UPLOAD.id}/complete`)).status).toBe(404);
  });
});
