import { apiRoutes } from '../routes/all-routes.ts';
import { openApiDocumentOf } from './openapi-document-of.ts';

/**
 * The OpenAPI 3.1 document of the API, the one `GET /v1/openapi.json` serves: for scripts that
 * write it to a file and for generating clients. Reads no database.
 *
 * @example
 * ```ts
 * const document = apiOpenApiDocument();
 * document.openapi; // '3.1.0'
 * ```
 */
export function apiOpenApiDocument(): Record<string, unknown> {
  return openApiDocumentOf(apiRoutes);
}
