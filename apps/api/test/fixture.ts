import { env, reset } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { signAccessToken } from '@waddle/auth-token/access-token';
import { testClock } from '@waddle/clock/test-clock';
import { centralMigrations } from '@waddle/central-schema/migrations';
import type { D1DatabaseLike } from '@waddle/d1/database';
import type { Migration } from '@waddle/migrator/migration';
import { Migrator } from '@waddle/migrator/migrator';
import { postMessage } from '@waddle/queries/messages/post-message';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { Permission } from '../src/access/permissions.ts';
import { expectContractKept, mediaTypeOf } from './response-contract.ts';
import { TEST_SIGNING_KEY, TEST_WADDLE_BINDINGS } from './test-config.ts';
import { registeredWaddles } from './registered-waddles.ts';

/** The people of the test platform, by role in the private waddle. */
export const USER = { owner: 1, moderator: 2, member: 3, outsider: 4, banned: 5, globallyBanned: 6, erased: 7 } as const;
export type Persona = keyof typeof USER;

/** Waddle 1 is private (owner, moderator, member), waddle 2 public (owner only). */
export const WADDLE = { private: 1, public: 2 } as const;

/** Channels of the private waddle: 6 and 7 are voice channels. */
export const CHANNEL = { general: 1, secret: 2, slow: 3, archived: 4, topics: 5, lounge: 6, stage: 7 } as const;
/** Threads: 1 in #general, 2 in the private #secret. */
export const THREAD = { welcome: 1, hidden: 2 } as const;
/** Messages: 1 and 2 in #general (member's, moderator's), 3 in #secret, 4 in the welcome thread. */
export const MESSAGE = { byMember: 1, byModerator: 2, secret: 3, inThread: 4 } as const;
/** Voice session 1 is open in #lounge, started by the moderator, who is in it (since the fixture was built: it goes stale 5 minutes later). */
export const VOICE_SESSION = { lounge: 1 } as const;
/** The member's file attached to their message in #general (stored in the attachment bucket). */
export const ATTACHMENT = {
  id: 1,
  objectKey: 'waddles/1/users/3/7e1f0c4a-0000-4000-8000-00000000a771',
  filename: 'notes.json',
  content: '{"notes":"penguins huddle"}',
} as const;

/** The member's multipart upload for their message in #general, its one part stored, not yet completed. */
export const UPLOAD = {
  id: '0b5e6c2d-0000-4000-8000-0000000000b1',
  objectKey: 'waddles/1/users/3/0b5e6c2d-0000-4000-8000-0000000000b1',
  content: '{"part":"one"}',
} as const;

/** Roles of the private waddle besides the default one (id 0). */
export const ROLE = { moderator: 1, helper: 2 } as const;

export const MODERATOR_PERMISSIONS =
  Permission.MANAGE_MESSAGES |
  Permission.MANAGE_THREADS |
  Permission.MANAGE_CHANNELS |
  Permission.MANAGE_ROLES |
  Permission.BAN_MEMBERS |
  Permission.KICK_MEMBERS;

async function migrate(database: D1DatabaseLike, migrations: readonly Migration[]): Promise<void> {
  const { error } = await new Migrator({ database, migrations }).migrateToLatest();
  if (error) throw error;
}

/**
 * Empties every test database and builds the test platform on the real migrations: users
 * (one globally banned, one erased), a private and a public waddle bound as `WADDLE_PRIVATE` and
 * `WADDLE_PUBLIC`, and in the private one channels (one in slow mode, one archived, one requiring
 * threads, two voice channels, and #secret, private: its `@everyone` overwrite denies
 * VIEW_CHANNELS, the Moderator role's and the moderator's own overwrites allow it), threads,
 * messages (through the query library), roles, a ban and an open voice session.
 */
export async function freshPlatform(): Promise<void> {
  await reset();
  const central = env.CENTRAL_DB;
  await migrate(central, centralMigrations);
  await migrate(env.WADDLE_PRIVATE, waddleMigrations);
  await migrate(env.WADDLE_PUBLIC, waddleMigrations);
  await central.batch([
    central.prepare(
      `INSERT INTO users (id, username, email, display_name, deleted_at) VALUES
        (1, 'olive', 'olive@example.com', 'Olive', NULL), (2, 'max', 'max@example.com', 'Max', NULL), (3, 'mia', 'mia@example.com', 'Mia', NULL),
        (4, 'otto', 'otto@example.com', 'Otto', NULL), (5, 'bea', 'bea@example.com', 'Bea', NULL), (6, 'gus', 'gus@example.com', 'Gus', NULL),
        (7, 'erased-7', NULL, NULL, 1)`,
    ),
    central.prepare("INSERT INTO global_bans (user_id, reason, banned_by) VALUES (6, 'spam', 1)"),
    ...registeredWaddles(central, [
      { id: 1, name: 'penguins', isPublic: false, binding: 'WADDLE_PRIVATE' },
      { id: 2, name: 'puffins', isPublic: true, binding: 'WADDLE_PUBLIC' },
    ]),
    central.prepare(
      'INSERT INTO waddle_members (waddle_id, user_id, joined_at) VALUES (1, 1, 1000), (1, 2, 2000), (1, 3, 3000), (2, 1, 1000)',
    ),
  ]);

  const waddle = env.WADDLE_PRIVATE;
  await waddle.batch([
    waddle.prepare("INSERT INTO categories (id, name) VALUES (1, 'Text')"),
    waddle.prepare(
      `INSERT INTO channels (id, name, category_id, slow_mode_seconds, is_archived, thread_mode, created_by) VALUES
        (1, 'general', 1, 0, 0, 'optional', 1), (2, 'secret', 1, 0, 0, 'optional', 1), (3, 'slow', 1, 60, 0, 'optional', 1),
        (4, 'old', 1, 0, 1, 'optional', 1), (5, 'topics', 1, 0, 0, 'required', 1)`,
    ),
    waddle.prepare(
      "INSERT INTO channels (id, name, type, category_id, created_by) VALUES (6, 'lounge', 'voice', 1, 1), (7, 'stage', 'voice', 1, 1)",
    ),
    waddle.prepare("INSERT INTO threads (id, channel_id, title, created_by) VALUES (1, 1, 'Welcome', 3), (2, 2, 'Hidden', 1)"),
    waddle
      .prepare("INSERT INTO roles (id, name, permissions, position) VALUES (1, 'Moderator', ?, 2), (2, 'Helper', 0, 1)")
      .bind(MODERATOR_PERMISSIONS),
    waddle.prepare('INSERT INTO member_roles (user_id, role_id, granted_by) VALUES (2, 1, 1)'),
    waddle
      .prepare(
        "INSERT INTO channel_overwrites (channel_id, target_kind, target_id, allow, deny) VALUES (2, 'role', 0, 0, ?1), (2, 'role', 1, ?1, 0), (2, 'member', 2, ?1, 0)",
      )
      .bind(Permission.VIEW_CHANNELS),
    waddle.prepare("INSERT INTO bans (user_id, reason, banned_by) VALUES (5, 'trolling', 1)"),
  ]);
  const messages = openWaddleDatabase(waddle);
  await postMessage(messages, { channelId: 1, authorId: USER.member, content: 'hello penguins', createdAt: 10_000 });
  await postMessage(messages, { channelId: 1, authorId: USER.moderator, content: 'welcome aboard', createdAt: 11_000 });
  await postMessage(messages, { channelId: 2, authorId: USER.owner, content: 'the secret plan', createdAt: 12_000 });
  await postMessage(messages, { channelId: 1, threadId: 1, authorId: USER.member, content: 'first in thread', createdAt: 13_000 });
  await waddle.prepare("INSERT INTO reactions (message_id, emoji, user_id) VALUES (2, '👍', 3)").run();
  const now = testClock().now();
  await waddle.batch([
    waddle.prepare('INSERT INTO voice_sessions (id, channel_id, started_by, started_at) VALUES (1, 6, 2, ?)').bind(now),
    waddle
      .prepare('INSERT INTO voice_session_participants (session_id, user_id, joined_at, last_seen_at) VALUES (1, 2, ?, ?)')
      .bind(now, now),
  ]);
  await env.ATTACHMENTS.put(ATTACHMENT.objectKey, ATTACHMENT.content, { httpMetadata: { contentType: 'application/json' } });
  await waddle
    .prepare(
      "INSERT INTO message_attachments (id, message_id, filename, size_bytes, mime_type, url, object_key, created_at) VALUES (?, 1, ?, ?, 'application/json', ?, ?, 14000)",
    )
    .bind(ATTACHMENT.id, ATTACHMENT.filename, ATTACHMENT.content.length, `/v1/waddles/1/attachments/${ATTACHMENT.id}`, ATTACHMENT.objectKey)
    .run();
  const multipart = await env.ATTACHMENTS.createMultipartUpload(UPLOAD.objectKey, { httpMetadata: { contentType: 'application/json' } });
  const part = await multipart.uploadPart(1, UPLOAD.content);
  await central
    .prepare(
      `INSERT INTO attachment_uploads (object_key, waddle_id, message_id, user_id, filename, mime_type, size_bytes, multipart_upload_id, parts, created_at)
        VALUES (?, 1, 1, 3, 'part.json', 'application/json', ?, ?, json_object('1', ?), ?)`,
    )
    .bind(UPLOAD.objectKey, UPLOAD.content.length, multipart.uploadId, part.etag, Date.now())
    .run();
}

/** A valid token for a persona (or any user id), one hour long. */
export function tokenFor(who: Persona | number): Promise<string> {
  return signAccessToken(TEST_SIGNING_KEY, { userId: typeof who === 'number' ? who : USER[who], now: Date.now() });
}

export interface ApiAnswer {
  readonly status: number;
  readonly body: any;
  readonly headers: Headers;
}

/**
 * Calls the API Worker's `fetch` as `who` (a persona or a user id; without a token when `who` is
 * null). The body is parsed as JSON when the answer is `application/json`, else kept as text (the
 * reference page). Every answer is held to the contract its route declares
 * (`expectContractKept`): a status the route does not declare, a media type it does not declare
 * for it, or a body its schema for that status refuses, fails the calling test.
 */
export async function call(
  who: Persona | number | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiAnswer> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (who !== null) (init.headers as Record<string, string>).authorization = `Bearer ${await tokenFor(who)}`;
  if (body !== undefined) {
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const response = await exports.default.fetch(`http://waddle${path}`, init);
  const mediaType = mediaTypeOf(response);
  const text = await response.text();
  const parsed = text === '' ? undefined : mediaType === 'application/json' ? JSON.parse(text) : text;
  expectContractKept(method, path, response.status, parsed, mediaType);
  return { status: response.status, body: parsed, headers: response.headers };
}

/**
 * Every row of every table (search index shadow tables included) of the central database and
 * of both waddle databases: two snapshots are equal exactly when nothing was written. Each
 * database is read in one `batch()` (one round trip) rather than a statement per table: the
 * property tests take a snapshot after every value they send.
 *
 * ```sql
 * SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\_cf\_%' ESCAPE '\';
 * SELECT * FROM <each table>;  -- all of them in one batch
 * ```
 */
export async function snapshot(): Promise<string> {
  const parts: string[] = [];
  for (const database of [env.CENTRAL_DB, env.WADDLE_PRIVATE, env.WADDLE_PUBLIC]) {
    const { results: tables } = await database
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
      )
      .all<{ name: string }>();
    const contents = await database.batch(tables.map(({ name }) => database.prepare(`SELECT * FROM "${name}"`)));
    tables.forEach(({ name }, i) => {
      parts.push(`${name}:${JSON.stringify((contents[i]?.results ?? []).map((row) => JSON.stringify(row)).sort())}`);
    });
  }
  return parts.join('\n');
}
