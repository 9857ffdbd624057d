import type { z } from '@hono/zod-openapi';
import { badRequest } from './api-error.ts';
import { API_CODE } from './schemas.ts';

/** Where a validator read the input, as the refusal names it, and the refusal's default code. */
const TARGETS: Readonly<Record<string, { readonly where: string; readonly code: string }>> = {
  param: { where: 'path', code: 'invalid_path' },
  query: { where: 'query', code: 'invalid_query' },
  json: { where: 'body', code: 'invalid_body' },
};

/**
 * The `defaultHook` of every route's validators (`@hono/zod-openapi`): an input its schema refuses
 * is a 400 naming the field and the first problem, `body.content: must be 1 to 4000 characters …`,
 * with the code the schema gives the issue (`invalid_text` for text breaking the text rule, see
 * `schemas.ts`), else `invalid_path`, `invalid_query` or `invalid_body`. Thrown, so `onError`
 * answers it like every other refusal. A valid input goes on to the handler.
 */
export function validationHook(result: { target: string } & ({ success: true } | { success: false; error: z.ZodError })): void {
  if (result.success) return;
  const { where, code } = TARGETS[result.target] ?? { where: result.target, code: 'invalid_input' };
  const [issue] = result.error.issues;
  // zod reports at least one issue for a failed parse.
  if (!issue) throw badRequest(code, `${where}: invalid`);
  const path = [where, ...issue.path.map(String)].join('.');
  const issueCode = issue.code === 'custom' ? issue.params?.[API_CODE] : undefined;
  throw badRequest(typeof issueCode === 'string' ? issueCode : code, `${path}: ${issue.message}`);
}
