import { notFound } from '../http/api-error.ts';
import { route } from '../http/route.ts';

/**
 * `GET /v1/me`: the caller's own profile.
 *
 * ```sql
 * SELECT id, username, display_name, email, avatar_url, bio, locale, timezone, created_at FROM users WHERE id = ?
 * ```
 */
export const getMe = route({
  method: 'GET',
  path: '/v1/me',
  tag: 'me',
  summary: "The caller's profile",
  async handle(_, { central, caller }) {
    const user = await central
      .prepare('SELECT id, username, display_name, email, avatar_url, bio, locale, timezone, created_at FROM users WHERE id = ?')
      .bind(caller.id)
      .first<{
        id: number;
        username: string;
        display_name: string | null;
        email: string | null;
        avatar_url: string | null;
        bio: string | null;
        locale: string;
        timezone: string;
        created_at: number;
      }>();
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
