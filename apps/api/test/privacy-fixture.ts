import { env } from 'cloudflare:test';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { Migrator } from '@waddle/migrator/migrator';
import { editMessage } from '@waddle/queries/messages/edit-message';
import { postMessage } from '@waddle/queries/messages/post-message';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import { freshPlatform, USER } from './fixture.ts';
import { TEST_WADDLE_BINDINGS } from './test-config.ts';
import { registeredWaddles } from './registered-waddles.ts';

/** The user whose data is exported and erased. */
export const SUBJECT = 8;

/** The subject's five waddles: the fixture's two, and three more bound for this test. Waddle 4 they left. */
export const SUBJECT_WADDLES = [
  { id: 1, binding: 'WADDLE_PRIVATE' },
  { id: 2, binding: 'WADDLE_PUBLIC' },
  { id: 3, binding: 'WADDLE_THIRD' },
  { id: 4, binding: 'WADDLE_FOURTH' },
  { id: 5, binding: 'WADDLE_FIFTH' },
] as const;

/** Strings that only the subject's data contains, each with where it was seeded. */
export const DISTINCTIVE = {
  email: 'zephyrine.quill@mailbox.example',
  username: 'zephyrquill',
  displayName: 'Zephyrine Quillfeather',
  bio: 'Brews xylocarp marmalade on Tuesdays',
  nickname: 'Quillster',
  settings: 'zephyrsignature',
  english: 'the marmoset sings glimmerwhorl tonight',
  russian: 'шмякозавр прилетел утром',
  japanese: 'ぺんぎん饅頭が大好き',
  edited: 'flibbertigibbet first draft',
  attachment: 'zephyr-selfie.png',
  banReason: 'quillfeather was rude',
  ip: '203.0.113.77',
  userAgent: 'ZephyrBrowser/9.1',
  soloThread: 'quillfeather ponderings',
} as const;

/** A thread the subject started that the owner wrote in: its title names others' conversation and stays. */
export const SHARED_THREAD_TITLE = 'penguin gossip corner';

/** Thread ids in every waddle: the subject's own, the subject's with the owner's reply, and (waddle 1 only) the owner's. */
export const THREAD = { solo: 50, shared: 51, ownersLookalike: 52 } as const;

/**
 * Search-index terms of the subject's current texts that nobody else wrote (unicode61 folds them
 * to lower case; CJK runs are indexed as bigrams). The edited-away text left the index at the edit.
 */
export const DISTINCTIVE_TERMS = ['glimmerwhorl', 'marmoset', 'шмякозавр', 'прилетел', 'ぺん', 'んぎ', '饅頭', '大好'];

export function waddleDatabase(binding: (typeof SUBJECT_WADDLES)[number]['binding']): D1DatabaseLike {
  return env[binding];
}

/**
 * The fixture's platform plus the subject: a profile, settings and audit entries full of
 * distinctive strings, membership in five waddles (each its own database; one left since), and in
 * each: messages in English, Russian and Japanese (one edited, one with an attachment), reactions
 * on their own and others' messages, read state, a role, a slow-mode clock, a voice session they
 * started and three stints in voice sessions, a thread only they wrote in and one the owner wrote in; a ban in waddle 4, which they left. The owner (user 1) writes, reacts and reads beside
 * them everywhere, so the test can show other users' data stays.
 */
export async function seedSubject(): Promise<void> {
  await freshPlatform();
  const central = env.CENTRAL_DB;
  for (const { binding } of SUBJECT_WADDLES.slice(2)) {
    const { error } = await new Migrator({ database: waddleDatabase(binding), migrations: waddleMigrations }).migrateToLatest();
    if (error) throw error;
  }
  await central.batch([
    central
      .prepare('INSERT INTO users (id, username, email, display_name, bio, avatar_url, locale, timezone) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .bind(
        SUBJECT,
        DISTINCTIVE.username,
        DISTINCTIVE.email,
        DISTINCTIVE.displayName,
        DISTINCTIVE.bio,
        'https://cdn.example/zephyr-avatar.png',
        'fr-FR',
        'Europe/Paris',
      ),
    central
      .prepare('INSERT INTO user_settings (user_id, theme, settings_json) VALUES (?, ?, ?)')
      .bind(SUBJECT, 'dark', JSON.stringify({ signature: DISTINCTIVE.settings })),
    ...registeredWaddles(central, [
      { id: 3, name: 'gannets', isPublic: true, binding: 'WADDLE_THIRD' },
      { id: 4, name: 'terns', isPublic: true, binding: 'WADDLE_FOURTH' },
      { id: 5, name: 'auks', isPublic: true, binding: 'WADDLE_FIFTH' },
    ]),
    central.prepare('INSERT INTO waddle_members (waddle_id, user_id, joined_at) VALUES (3, 1, 1000), (4, 1, 1000), (5, 1, 1000)'),
    central
      .prepare(
        'INSERT INTO waddle_members (waddle_id, user_id, joined_at, nickname) VALUES (1, ?, 5000, ?), (2, ?, 5000, NULL), (3, ?, 5000, NULL), (4, ?, 5000, NULL), (5, ?, 5000, NULL)',
      )
      .bind(SUBJECT, DISTINCTIVE.nickname, SUBJECT, SUBJECT, SUBJECT, SUBJECT),
    central
      .prepare(
        "INSERT INTO audit_log (user_id, action, resource_type, resource_id, ip_address, user_agent, created_at) VALUES (?, 'thread.lock', 'thread', '1:1', ?, ?, 6000), (1, 'thread.lock', 'thread', '1:1', '198.51.100.1', 'OwnerAgent/1', 6001)",
      )
      .bind(SUBJECT, DISTINCTIVE.ip, DISTINCTIVE.userAgent),
    central
      .prepare(
        "INSERT INTO audit_log (user_id, action, resource_type, resource_id, metadata, ip_address, created_at) VALUES (1, 'member.kick', 'waddle', '4', json_object('userId', ?), '198.51.100.1', 6002)",
      )
      .bind(SUBJECT),
    // They left waddle 4 (kicked): only user_waddles still remembers it.
    central.prepare('DELETE FROM waddle_members WHERE waddle_id = 4 AND user_id = ?').bind(SUBJECT),
  ]);

  for (const { id: waddleId, binding } of SUBJECT_WADDLES) {
    const d1 = waddleDatabase(binding);
    if (waddleId !== 1) {
      await d1.batch([
        d1.prepare("INSERT INTO channels (id, name, created_by, slow_mode_seconds) VALUES (1, 'general', 1, 0), (3, 'slow', 1, 30)"),
        d1.prepare("INSERT INTO roles (id, name, permissions, position) VALUES (1, 'Regular', 1, 1)"),
      ]);
    }
    // Waddle 1's owner already has a thread titled the way an erasure renames the subject's solo one.
    await d1.batch([
      d1
        .prepare('INSERT INTO threads (id, channel_id, title, created_by) VALUES (?, 3, ?, ?), (?, 1, ?, ?)')
        .bind(THREAD.solo, DISTINCTIVE.soloThread, SUBJECT, THREAD.shared, SHARED_THREAD_TITLE, SUBJECT),
      ...(waddleId === 1
        ? [
            d1
              .prepare('INSERT INTO threads (id, channel_id, title, created_by) VALUES (?, 3, ?, 1)')
              .bind(THREAD.ownersLookalike, `Erased Topic ${THREAD.solo}`),
          ]
        : []),
    ]);
    const waddle = openWaddleDatabase(d1);
    const at = 20_000 + waddleId * 1000;
    const byOwner = await postMessage(waddle, {
      channelId: 1,
      authorId: USER.owner,
      content: `owner says hello in waddle ${waddleId}`,
      createdAt: at,
    });
    const english = await postMessage(waddle, {
      channelId: 1,
      authorId: SUBJECT,
      content: DISTINCTIVE.edited,
      createdAt: at + 1,
      metadata: { mood: 'glimmerwhorl' },
    });
    await editMessage(waddle, { messageId: english.id, content: DISTINCTIVE.english, editedAt: at + 5 });
    const russian = await postMessage(waddle, {
      channelId: 1,
      authorId: SUBJECT,
      content: DISTINCTIVE.russian,
      createdAt: at + 2,
      replyToId: byOwner.id,
    });
    const japanese = await postMessage(
      waddle,
      { channelId: 3, authorId: SUBJECT, content: DISTINCTIVE.japanese, threadId: THREAD.solo, createdAt: at + 3 },
      { enforceSlowMode: true },
    );
    await postMessage(waddle, {
      channelId: 1,
      threadId: THREAD.shared,
      authorId: USER.owner,
      content: `owner replies in waddle ${waddleId}`,
      createdAt: at + 4,
      replyToId: russian.id,
    });
    await d1.batch([
      d1
        .prepare(
          "INSERT INTO message_attachments (message_id, filename, size_bytes, mime_type, url) VALUES (?, ?, 2048, 'image/png', 'https://cdn.example/zephyr-selfie.png')",
        )
        .bind(japanese.id, DISTINCTIVE.attachment),
      d1
        .prepare("INSERT INTO reactions (message_id, emoji, user_id) VALUES (?, '🐧', ?), (?, '🔥', ?), (?, '🐧', 1), (?, '👍', 1)")
        .bind(byOwner.id, SUBJECT, english.id, SUBJECT, english.id, byOwner.id),
      d1
        .prepare('INSERT INTO read_states (user_id, channel_id, last_read_message_id) VALUES (?, 1, ?), (1, 1, ?)')
        .bind(SUBJECT, russian.id, russian.id),
      d1.prepare('INSERT INTO member_roles (user_id, role_id, granted_by) VALUES (?, 1, 1)').bind(SUBJECT),
      d1
        .prepare(
          "INSERT INTO voice_sessions (id, channel_id, rtk_session_id, started_by, max_participants, started_at, ended_at) VALUES (60, 1, 'rtk-zephyr', ?, 3, ?, ?), (61, 1, 'rtk-owner', 1, 2, ?, ?)",
        )
        .bind(SUBJECT, at, at + 10, at + 20, at + 30),
      // The subject was in both sessions (twice in the owner's), the owner in theirs.
      d1
        .prepare(
          `INSERT INTO voice_session_participants (session_id, user_id, joined_at, last_seen_at, left_at) VALUES
            (60, ?1, ?2, ?2, ?3), (61, ?1, ?4, ?4, ?5), (61, ?1, ?5, ?5, ?6), (61, 1, ?4, ?6, ?6)`,
        )
        .bind(SUBJECT, at, at + 10, at + 20, at + 25, at + 30),
      // What the subject alone may not do in #slow (their overwrite), beside the owner's and a role's.
      d1
        .prepare(
          "INSERT INTO channel_overwrites (channel_id, target_kind, target_id, allow, deny) VALUES (3, 'member', ?, 0, 256), (3, 'member', 1, 4, 0), (3, 'role', 1, 0, 2)",
        )
        .bind(SUBJECT),
      ...(waddleId === 4
        ? [d1.prepare('INSERT INTO bans (user_id, reason, banned_by) VALUES (?, ?, 1)').bind(SUBJECT, DISTINCTIVE.banReason)]
        : []),
    ]);
  }
}
