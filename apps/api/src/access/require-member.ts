import { isMember } from '@waddle/directory-queries/members/is-member';
import type { RequestContext } from '../context/request-context.ts';
import { notFound } from '../http/api-error.ts';

/**
 * 404 `member not found` unless the user is a member of the waddle (kicks and role grants act on
 * members only).
 *
 * ```sql
 * -- isMember:
 * SELECT 1 FROM waddle_members WHERE waddle_id = ? AND user_id = ?
 * ```
 */
export async function requireMember(context: RequestContext, waddleId: number, userId: number): Promise<void> {
  if (!(await isMember(context.directory, waddleId, userId))) throw notFound('member');
}
