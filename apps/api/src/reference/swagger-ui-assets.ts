import swaggerUiBundle from 'swagger-ui-dist/swagger-ui-bundle.js';
import swaggerUiCss from 'swagger-ui-dist/swagger-ui.css';
import { REFERENCE_SCRIPT, type ReferenceAssetName } from './reference-page.ts';

/** A file of the reference page: its media type and its text. */
export interface ReferenceAsset {
  readonly type: 'text/css' | 'text/javascript';
  readonly text: string;
}

/**
 * The reference page's files, by name. Swagger UI's two files are text modules (`rules` in
 * wrangler.jsonc, which `wrangler types` declares as strings in worker-configuration.d.ts): bundled
 * into the Worker at build time, so the page needs no other origin. Only
 * the Worker imports this module (the reference route, on its first request): Node, which writes
 * the OpenAPI document to a file, cannot load text modules.
 */
export const REFERENCE_ASSETS: Readonly<Record<ReferenceAssetName, ReferenceAsset>> = {
  'swagger-ui.css': { type: 'text/css', text: swaggerUiCss },
  'swagger-ui-bundle.js': { type: 'text/javascript', text: swaggerUiBundle },
  'reference.js': { type: 'text/javascript', text: REFERENCE_SCRIPT },
};
