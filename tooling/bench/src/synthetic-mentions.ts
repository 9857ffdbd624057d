import type { DatabaseSync } from 'node:sqlite';
import { randomSource } from './synthetic-content.ts';

/** The share of generated messages that mention someone (issue 17's benchmark: 2 %). */
export const MENTION_SHARE = 0.02;
/** The member whose mentions the inbox and count cases read: named in 15 % of mentions, holds roles 1 and 2. */
export const MENTIONED_USER = 900_001;
/** The member who follows exactly {@link FOLLOWED_THREADS} threads and nothing else (the followed-threads case). */
export const FOLLOWER = 900_002;
export const FOLLOWED_THREADS = 500;

/** One mention to add to a generated message: the text appended to its content and the row the write path records. */
export interface SyntheticMention {
  readonly text: string;
  readonly kind: 'user' | 'role' | 'everyone';
  readonly targetId: number;
}

/**
 * Decides, from its own seeded source (so the rest of the synthetic waddle is the same with or
 * without mentions), which messages mention someone and whom: of the 2 %, 60 % name a member
 * (skewed towards the active ones, as authors are), 15 % name {@link MENTIONED_USER}, 15 % one
 * of three roles, 10 % `@everyone`.
 */
export function syntheticMentions(authors: number): () => SyntheticMention | null {
  const next = randomSource(20261217);
  return () => {
    if (next() >= MENTION_SHARE) return null;
    const pick = next();
    if (pick < 0.6) {
      const id = 1 + Math.floor(authors * next() ** 2);
      return { text: `<@${id}>`, kind: 'user', targetId: id };
    }
    if (pick < 0.75) return { text: `<@${MENTIONED_USER}>`, kind: 'user', targetId: MENTIONED_USER };
    if (pick < 0.9) {
      const role = 1 + Math.floor(3 * next());
      return { text: `<@&${role}>`, kind: 'role', targetId: role };
    }
    return { text: '@everyone', kind: 'everyone', targetId: 0 };
  };
}

/** The three mentionable roles: each held by 300 members, and {@link MENTIONED_USER} holds roles 1 and 2. */
export function addSyntheticRoles(db: DatabaseSync, authors: number): void {
  const role = db.prepare('INSERT INTO roles (id, name, is_mentionable) VALUES (?, ?, 1)');
  const grant = db.prepare('INSERT OR IGNORE INTO member_roles (user_id, role_id, granted_by) VALUES (?, ?, 1)');
  for (let id = 1; id <= 3; id++) {
    role.run(id, `role-${id}`);
    for (let member = 0; member < 300; member++) grant.run(1 + ((id * 977 + member * 13) % authors), id);
  }
  grant.run(MENTIONED_USER, 1);
  grant.run(MENTIONED_USER, 2);
}

/**
 * {@link FOLLOWER} follows every 40th thread (500 of 20,000; every thread of a smaller waddle), read
 * up to the message at 90 % of the waddle, so the threads active since have unreads.
 */
export function addSyntheticFollows(db: DatabaseSync, threads: number, messages: number): void {
  const follow = db.prepare('INSERT OR IGNORE INTO thread_follows (user_id, thread_id, last_read_message_id) VALUES (?, ?, ?)');
  const step = Math.max(1, Math.floor(threads / FOLLOWED_THREADS));
  for (let n = 0; n < Math.min(FOLLOWED_THREADS, threads); n++) follow.run(FOLLOWER, 1 + n * step, Math.floor(messages * 0.9));
}
