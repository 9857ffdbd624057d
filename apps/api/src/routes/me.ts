import { createRoute, z } from '@hono/zod-openapi';
import { userProfile } from '@waddle/directory-queries/users/user-profile';
import { notFound } from '../http/api-error.ts';
import { AUTHENTICATED_ERRORS, errorAnswers, jsonAnswer } from '../http/responses.ts';
import { routeGroup } from '../http/route-group.ts';
import { AUTHENTICATED, NO_QUERY } from '../http/route-middleware.ts';

/** The caller's own profile, as `GET /v1/me` answers it. */
const profileBody = z.strictObject({
  id: z.int(),
  username: z.string(),
  displayName: z.string().nullable(),
  email: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  bio: z.string().nullable(),
  locale: z.string(),
  timezone: z.string(),
  createdAt: z.int().openapi({ description: 'ms since the epoch' }),
});

/**
 * `GET /v1/me`: the caller's own profile.
 *
 * ```sql
 * SELECT id, username, display_name, email, avatar_url, bio, locale, timezone, created_at FROM users WHERE id = ?   -- userProfile
 * ```
 */
export const getMe = createRoute({
  operationId: 'getMe',
  method: 'get',
  path: '/v1/me',
  tags: ['me'],
  summary: "The caller's profile",
  middleware: AUTHENTICATED,
  request: { query: NO_QUERY },
  responses: { 200: jsonAnswer(profileBody, "The caller's profile"), ...errorAnswers([...AUTHENTICATED_ERRORS, 404]) },
});

/** `GET /v1/me` (the caller's exports and erasure are in `privacy.ts`). */
export const me = routeGroup().openapi(getMe, async (c) => {
  const { directory, caller } = await c.var.requestContext();
  const user = await userProfile(directory, caller.id);
  if (!user) throw notFound('user');
  return c.json(
    {
      id: user.id,
      username: user.username,
      displayName: user.display_name,
      email: user.email,
      avatarUrl: user.avatar_url,
      bio: user.bio,
      locale: user.locale,
      timezone: user.timezone,
      createdAt: user.created_at,
    },
    200,
  );
});
