import type { CommandOption } from '@waddle/command-line/parse-command-line';

/** The `--target` option of the commands that work on every database. */
export const TARGET_OPTION = {
  type: 'string',
  value: 'TARGET',
  choices: ['local', 'remote'],
  default: 'local',
  description:
    "where the databases are: local D1, or remote through Cloudflare's D1 REST API with CLOUDFLARE_ACCOUNT_ID, CLOUDFLARE_API_TOKEN and WADDLE_CENTRAL_DATABASE_ID",
} as const satisfies CommandOption;
