import { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from './api-env.ts';
import { validationHook } from './validation-hook.ts';

/**
 * A new group of routes (one resource: `bans`, `messages`, …), mounted on the API with
 * `app.route('/', group)`: an `OpenAPIHono` whose validators answer refusals through
 * `validationHook`, so every route refuses bad input alike.
 */
export function routeGroup(): OpenAPIHono<ApiEnv> {
  return new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
}
