import type { Users } from '@waddle/central-schema/database';
import type { Selectable } from 'kysely';
import type { DirectoryDatabase } from '../directory-database.ts';

/** What a user sees of their own profile. */
export type UserProfile = Pick<
  Selectable<Users>,
  'id' | 'username' | 'display_name' | 'email' | 'avatar_url' | 'bio' | 'locale' | 'timezone' | 'created_at'
>;

/**
 * A user's own profile; `undefined` when there is no such user.
 *
 * ```sql
 * SELECT id, username, display_name, email, avatar_url, bio, locale, timezone, created_at FROM users WHERE id = ?
 * ```
 */
export function userProfile(directory: DirectoryDatabase, userId: number): Promise<UserProfile | undefined> {
  return directory.db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'email', 'avatar_url', 'bio', 'locale', 'timezone', 'created_at'])
    .where('id', '=', userId)
    .executeTakeFirst();
}
