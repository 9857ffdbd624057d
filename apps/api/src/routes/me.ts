import { userProfile } from '@waddle/directory-queries/users/user-profile';
import { notFound } from '../http/api-error.ts';
import { route } from '../http/route.ts';

/**
 * `GET /v1/me`: the caller's own profile.
 *
 * ```sql
 * SELECT id, username, display_name, email, avatar_url, bio, locale, timezone, created_at FROM users WHERE id = ?   -- userProfile
 * ```
 */
export const getMe = route({
  method: 'GET',
  path: '/v1/me',
  tag: 'me',
  summary: "The caller's profile",
  async handle(_, { directory, caller }) {
    const user = await userProfile(directory, caller.id);
    if (!user) throw notFound('user');
    return {
      id: user.id,
      username: user.username,
      displayName: user.display_name,
      email: user.email,
      avatarUrl: user.avatar_url,
      bio: user.bio,
      locale: user.locale,
      timezone: user.timezone,
      createdAt: user.created_at,
    };
  },
});
