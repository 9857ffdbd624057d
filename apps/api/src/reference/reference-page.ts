/** Where the reference page and its files are served: `GET /v1/docs`, `GET /v1/docs/{asset}`. */
export const REFERENCE_PATH = '/v1/docs';

/**
 * The files the page loads from the Worker: Swagger UI's stylesheet and script (`swagger-ui-dist`,
 * bundled into the Worker as text modules) and the few lines that start it on this API's document.
 */
export const REFERENCE_ASSET_NAMES = ['swagger-ui.css', 'swagger-ui-bundle.js', 'reference.js'] as const;
export type ReferenceAssetName = (typeof REFERENCE_ASSET_NAMES)[number];

/**
 * What the page may load, and nothing else: its scripts and its stylesheet from the Worker itself
 * (no inline script or style, no other origin), the OpenAPI document and "Try it out" requests from
 * the Worker too, images only inline (`data:`, Swagger UI's icons); no frame, form target or base URL.
 */
export const REFERENCE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The page: Swagger UI's stylesheet and script, then `reference.js`, which renders the document into `#reference`. */
export const REFERENCE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Waddle API reference</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${REFERENCE_PATH}/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="${REFERENCE_PATH}/swagger-ui-bundle.js"></script>
<script src="${REFERENCE_PATH}/reference.js"></script>
</body>
</html>
`;

/**
 * Starts Swagger UI on `GET /v1/openapi.json`, with its validator badge off (it would send the
 * document to validator.swagger.io) and links to each operation (`#/tag/operationId`).
 */
export const REFERENCE_SCRIPT = `window.ui = SwaggerUIBundle({
  url: '/v1/openapi.json',
  dom_id: '#reference',
  deepLinking: true,
  validatorUrl: null,
  defaultModelsExpandDepth: 0,
});
`;
