import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type CommandLine, parseCommandLine } from '@waddle/command-line/parse-command-line';
import { apiOpenApiDocument } from '../src/openapi/api-openapi-document.ts';

/** The committed document: what `packages/api-client` is generated from. */
const DEFAULT_FILE = join(import.meta.dirname, '..', 'openapi.json');

const line = {
  command: 'openapi-file',
  description: [
    "Writes the API's OpenAPI 3.1 document (what GET /v1/openapi.json serves, from the routes' declarations) to a file,",
    'apps/api/openapi.json by default, from which packages/api-client is generated. With --check it writes nothing,',
    'and exits 1 when the file is not the document of this code (regenerate with `pnpm contract`).',
  ].join('\n'),
  options: {
    check: { type: 'boolean', description: 'compare the file with the document instead of writing it' },
    file: { type: 'string', value: 'FILE', description: 'the file to write or check (default: apps/api/openapi.json)' },
  },
} satisfies CommandLine;

/** The document as it is committed: two-space JSON and a final line feed. */
function documentText(): string {
  return `${JSON.stringify(apiOpenApiDocument(), null, 2)}\n`;
}

function main(argv: readonly string[]): number {
  const parsed = parseCommandLine(line, argv);
  if ('exitCode' in parsed) return parsed.exitCode;
  const file = parsed.values.file ?? DEFAULT_FILE;
  const shown = relative(process.cwd(), file) || file;
  const text = documentText();
  if (!parsed.values.check) {
    writeFileSync(file, text);
    console.log(`openapi-file: wrote ${shown}`);
    return 0;
  }
  let committed: string | undefined;
  try {
    committed = readFileSync(file, 'utf8');
  } catch {
    committed = undefined;
  }
  if (committed === text) {
    console.log(`openapi-file: ${shown} is the document of this code`);
    return 0;
  }
  console.error(
    `openapi-file: ${shown} is ${committed === undefined ? 'missing' : 'stale'}: run \`pnpm contract\` (or \`npm run contract\`) and commit it`,
  );
  return 1;
}

process.exitCode = main(process.argv.slice(2));
