import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { centralMigrations } from '@waddle/central-schema/migrations';
import { Migrator } from '@waddle/migrator/migrator';
import { postMessage } from '@waddle/queries/messages/post-message';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { describe, expect, it } from 'vitest';
import { eraseUserCommand } from '../src/commands/erase-user.ts';
import { exportUserCommand } from '../src/commands/export-user.ts';
import type { CommandIo } from '../src/commands/command-io.ts';
import { openLocalAttachmentBucket } from '../src/local/local-attachment-bucket.ts';
import { localTarget } from '../src/targets/local-target.ts';
import { temporaryStateDirectory } from './registry-fixture.ts';
import { registerDatabaseQuery } from '@waddle/registry/register-database';
import { statementOf } from '@waddle/registry/directory-kysely';

const WALRUS_FILE = 'waddles/1/users/2/7e1f0c4a-0000-4000-8000-000000000001';
const WALRUS_UPLOAD = 'waddles/1/users/2/7e1f0c4a-0000-4000-8000-000000000002';
const OWNER_FILE = 'waddles/1/users/1/7e1f0c4a-0000-4000-8000-000000000003';

function capture(): CommandIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (line) => lines.push(line), err: (line) => errors.push(line), progress: () => {}, isTerminal: false };
}

describe('waddle export and waddle erase', () => {
  it("export a user's data from every waddle database to a file, then erase it, over the local target", async () => {
    const state = temporaryStateDirectory();
    const target = localTarget(state);
    const ids = ['local-waddle-one', 'local-waddle-two'];
    const opened = await target.open([target.centralDatabaseId, ...ids]);
    try {
      const central = opened.get(target.centralDatabaseId);
      expect((await new Migrator({ database: central, migrations: centralMigrations }).migrateToLatest()).error).toBeUndefined();
      await central.batch([
        central.prepare("INSERT INTO users (id, username, email) VALUES (1, 'owner', NULL), (2, 'walrus', 'walrus@example.com')"),
        ...ids.map((id) => statementOf(central, registerDatabaseQuery({ role: 'waddle', d1DatabaseId: id, schemaVersion: null }, 0))),
        central
          .prepare(
            "INSERT INTO waddles (id, name, display_name, owner_id, d1_database_id, primary_database_id) VALUES (1, 'one', 'One', 1, ?1, (SELECT id FROM databases WHERE d1_database_id = ?1)), (2, 'two', 'Two', 1, ?2, (SELECT id FROM databases WHERE d1_database_id = ?2))",
          )
          .bind(...ids),
        central.prepare('INSERT INTO waddle_members (waddle_id, user_id) VALUES (1, 1), (1, 2), (2, 1), (2, 2)'),
        // An earlier export whose archive expired (the api's cron deleted its chunks): the command must not serve it.
        central.prepare(
          "INSERT INTO privacy_jobs (id, user_id, kind, status, requested_by, created_at, updated_at, finished_at, archive_deleted_at) VALUES (7, 2, 'export', 'done', 'user', 1000, 9000, 2000, 9000)",
        ),
      ]);
      for (const [i, id] of ids.entries()) {
        const d1 = opened.get(id);
        expect((await new Migrator({ database: d1, migrations: waddleMigrations }).migrateToLatest()).error).toBeUndefined();
        await d1.prepare("INSERT INTO channels (id, name, created_by) VALUES (1, 'general', 1)").run();
        await postMessage(openWaddleDatabase(d1), {
          channelId: 1,
          authorId: 2,
          content: `tusk talk number ${i + 1}`,
          createdAt: Date.now(),
        });
        await postMessage(openWaddleDatabase(d1), { channelId: 1, authorId: 1, content: 'owner here', createdAt: Date.now() });
      }
      // Files in the local bucket: the walrus's attached to their message in waddle one, one they never attached, and the owner's.
      const files = await openLocalAttachmentBucket(state);
      try {
        for (const key of [WALRUS_FILE, WALRUS_UPLOAD, OWNER_FILE]) await (files.bucket as unknown as R2Bucket).put(key, `bytes of ${key}`);
      } finally {
        await files.dispose();
      }
      await opened
        .get(ids[0]!)
        .prepare(
          "INSERT INTO message_attachments (message_id, filename, size_bytes, mime_type, url, object_key) VALUES (1, 'tusks.txt', 9, 'text/plain', '/x', ?), (2, 'owner.txt', 9, 'text/plain', '/y', ?)",
        )
        .bind(WALRUS_FILE, OWNER_FILE)
        .run();
      await central
        .prepare(
          "INSERT INTO attachment_uploads (object_key, waddle_id, message_id, user_id, filename, mime_type, size_bytes, created_at) VALUES (?, 1, 1, 2, 'later.txt', 'text/plain', 9, 1000)",
        )
        .bind(WALRUS_UPLOAD)
        .run();
    } finally {
      await opened.dispose();
    }

    const out = join(state, 'walrus.json');
    const exportIo = capture();
    expect(await exportUserCommand(['2', '--out', out], exportIo, target)).toBe(0);
    const archive = JSON.parse(readFileSync(out, 'utf8')) as {
      userId: number;
      jobId: number;
      records: { type: string; waddleId?: number; data: any }[];
    };
    expect(archive.userId).toBe(2);
    expect(archive.jobId).not.toBe(7);
    expect(archive.records.find((r) => r.type === 'profile')!.data.email).toBe('walrus@example.com');
    expect(archive.records.filter((r) => r.type === 'message').map((r) => [r.waddleId, r.data.content])).toEqual([
      [1, 'tusk talk number 1'],
      [2, 'tusk talk number 2'],
    ]);

    const eraseIo = capture();
    expect(await eraseUserCommand(['2'], eraseIo, target)).toBe(0);
    expect(eraseIo.lines.at(-1)).toMatch(/^user 2 is erased \(job \d+\)$/);
    expect(eraseIo.lines[0]).toMatch(/^database +D1 id +status/);

    const after = await target.open([target.centralDatabaseId, ...ids]);
    try {
      expect(await after.get(target.centralDatabaseId).prepare('SELECT username, email FROM users WHERE id = 2').first()).toEqual({
        username: 'erased-2',
        email: null,
      });
      for (const id of ids) {
        expect((await after.get(id).prepare('SELECT user_id, content FROM messages ORDER BY id').all()).results).toEqual([
          { user_id: 2, content: null },
          { user_id: 1, content: 'owner here' },
        ]);
      }
    } finally {
      await after.dispose();
    }
    const files = await openLocalAttachmentBucket(state);
    try {
      const left = await (files.bucket as unknown as R2Bucket).list();
      expect(left.objects.map((object) => object.key)).toEqual([OWNER_FILE]);
    } finally {
      await files.dispose();
    }
    expect(await eraseUserCommand(['2'], capture(), target)).toBe(0);
    const refused = capture();
    expect(await exportUserCommand(['99'], refused, target)).toBe(1);
    expect(refused).toMatchObject({ lines: [], errors: ['waddle export: there is no user 99'] });
    expect(await eraseUserCommand(['x'], capture(), target)).toBe(2);
  });
});
