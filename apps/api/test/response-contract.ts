import type { z } from '@hono/zod-openapi';
import { errorBody } from '../src/http/responses.ts';
import { apiRoutes } from '../src/routes/all-routes.ts';

/** What a route declares it answers: status → media type → the schema of the body (no content for a body-less answer). */
type DeclaredAnswers = Readonly<Record<string, { readonly content?: Readonly<Record<string, { readonly schema: unknown }>> }>>;

interface DeclaredRoute {
  readonly key: string;
  readonly method: string;
  readonly pattern: RegExp;
  readonly answers: DeclaredAnswers;
}

/** Every route the API declares (`createRoute`), with the answers it declares. */
const declared: readonly DeclaredRoute[] = apiRoutes.openAPIRegistry.definitions.flatMap((definition) => {
  if (definition.type !== 'route') return [];
  const { method, path, responses } = definition.route;
  const source = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+');
  // Every answer is declared inline (`jsonAnswer`, `errorAnswers`), never as a `$ref` to a shared response.
  const answers = responses as DeclaredAnswers;
  return [{ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), pattern: new RegExp(`^${source}$`), answers }];
});

function isZodSchema(schema: unknown): schema is z.ZodType {
  return typeof schema === 'object' && schema !== null && 'safeParse' in schema;
}

/** The media type of an answer, without its parameters (`application/json` for `application/json; charset=utf-8`). */
export function mediaTypeOf(response: Response): string {
  return (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Why an answer of the API breaks the contract its route declares, or `null` when it keeps it:
 * the route (found by method and path) must declare the answer's status and, for a body, its media
 * type (`application/json` unless given), and the body must match the schema declared for them
 * (response schemas are strict: a field the schema does not name is a break too), or be empty where
 * none is declared. An answer no route gives (404 for an unknown path, 405 for another method)
 * must be the error body.
 *
 * @example
 * ```ts
 * contractViolation('GET', '/v1/me', 200, { id: 3 }); // 'GET /v1/me answered 200 …: username: Invalid input …'
 * contractViolation('GET', '/v1/docs', 200, '<!doctype html>…', 'text/html'); // null
 * ```
 */
export function contractViolation(
  method: string,
  path: string,
  status: number,
  body: unknown,
  mediaType = 'application/json',
): string | null {
  const pathname = path.split('?')[0] ?? path;
  const route = declared.find((candidate) => candidate.method === method && candidate.pattern.test(pathname));
  if (!route) {
    const parsed = errorBody.safeParse(body);
    return parsed.success ? null : `${method} ${pathname} (no route) answered ${status} without the error body: ${parsed.error.message}`;
  }
  const answer = route.answers[String(status)];
  if (!answer) return `${route.key} answered ${status}, a status it does not declare (${Object.keys(route.answers).join(', ')})`;
  if (answer.content === undefined) return body === undefined ? null : `${route.key} answered ${status} with a body where it declares none`;
  // A file (a download) is declared as bytes of any type (`*/*`, a JSON file among them): no schema holds it.
  if (answer.content[mediaType] === undefined && answer.content['*/*'] !== undefined)
    return body === undefined ? `${route.key} answered ${status} without the file it declares` : null;
  const schema = answer.content[mediaType]?.schema;
  if (schema === undefined)
    return `${route.key} answered ${status} as ${mediaType || 'no media type'}, which it does not declare (${Object.keys(answer.content).join(', ')})`;
  if (!isZodSchema(schema)) return `${route.key} declares a ${status} body that is not a zod schema`;
  const parsed = schema.safeParse(body);
  if (parsed.success) return null;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
  return `${route.key} answered ${status} with a body its schema refuses: ${problems.slice(0, 5).join('; ')}`;
}

/** Throws, naming the break, when an answer breaks its route's contract (see {@link contractViolation}). */
export function expectContractKept(method: string, path: string, status: number, body: unknown, mediaType?: string): void {
  const violation = contractViolation(method, path, status, body, mediaType);
  if (violation !== null) throw new Error(`response contract: ${violation}`);
}
