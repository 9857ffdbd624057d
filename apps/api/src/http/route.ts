import type { z } from 'zod';
import type { RequestContext } from '../context/request-context.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The `{name}` parameters of a path pattern, as a union of their names. */
export type PathParameterNames<Path extends string> = Path extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PathParameterNames<Rest>
  : never;

/** Path parameters after validation: `{emoji}` is text, every other one is a positive integer id. */
export type PathParameters<Path extends string> = { readonly [Name in PathParameterNames<Path>]: Name extends 'emoji' ? string : number };

/** What a handler receives: the validated path parameters, query and body. */
export interface RouteInput<Path extends string, Query, Body> {
  readonly params: PathParameters<Path>;
  readonly query: Query;
  readonly body: Body;
}

/**
 * One endpoint of the API: method, path pattern, validation of every input (zod schemas, also
 * the source of the OpenAPI document), and the handler. Nothing reaches the handler unvalidated.
 */
export interface Route<Path extends string = string, Query = unknown, Body = unknown> {
  readonly method: HttpMethod;
  readonly path: Path;
  readonly summary: string;
  readonly tag: string;
  /** Served without a token (health, directory of public waddles, the OpenAPI document). */
  readonly public?: boolean;
  readonly query?: z.ZodType<Query>;
  readonly body?: z.ZodType<Body>;
  /** The success status: 200 (default), 201 (created), 202 (accepted: work goes on after the answer), 204 (no body). */
  readonly status?: 200 | 201 | 202 | 204;
  /** The success body's schema, for the OpenAPI document. */
  readonly response?: z.ZodType;
  /** Other success answers of this route (status → when, and the body's schema), for the OpenAPI document. */
  readonly otherSuccesses?: Readonly<Record<number, { readonly description: string; readonly response: z.ZodType }>>;
  /** Error answers of this route besides the common ones (400, 401, 403, 404, 409): status → when, for the OpenAPI document. */
  readonly errors?: Readonly<Record<number, string>>;
  handle(input: RouteInput<Path, Query, Body>, context: RequestContext): Promise<unknown>;
}

/** Declares a route with its types inferred from the path and schemas. */
export function route<Path extends string, Query = Record<string, never>, Body = undefined>(
  spec: Route<Path, Query, Body>,
): Route<Path, Query, Body> {
  return spec;
}
