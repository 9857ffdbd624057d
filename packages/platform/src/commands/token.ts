import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { signAccessToken } from '@waddle/auth-token/access-token';

const REPOSITORY = resolve(import.meta.dirname, '../../../..');

/**
 * The API's local `AUTH_SECRET`: the one `wrangler dev` reads from `apps/api/.dev.vars` (another
 * file with `WADDLE_API_DEV_VARS`).
 */
export async function localAuthSecret(devVarsFile = process.env.WADDLE_API_DEV_VARS ?? join(REPOSITORY, 'apps', 'api', '.dev.vars')): Promise<string> {
  let text: string;
  try {
    text = await readFile(devVarsFile, 'utf8');
  } catch {
    throw new Error(`${devVarsFile} does not exist yet: run \`npm start\` once, it writes the local secrets`);
  }
  const match = /^AUTH_SECRET\s*=\s*"?([^"\r\n]+)"?\s*$/m.exec(text);
  if (!match) throw new Error(`${devVarsFile} has no AUTH_SECRET line`);
  return match[1]!;
}

/**
 * `waddle token <user-id> [--expires-in SECONDS]` (`pnpm token`): mints an API token for a local
 * user, signed with the local `AUTH_SECRET`, and prints it alone on stdout (for `$(pnpm -s token 1)`).
 */
export async function tokenCommand(args: readonly string[]): Promise<number> {
  const [user, ...options] = args;
  const expiresAt = options.indexOf('--expires-in');
  const expiresInSeconds = expiresAt === -1 ? 24 * 3600 : Number(options[expiresAt + 1]);
  if (!user || !/^[1-9][0-9]*$/.test(user) || !Number.isSafeInteger(expiresInSeconds) || expiresInSeconds < 1) {
    console.error('usage: waddle token <user-id> [--expires-in SECONDS]   (default: one day)');
    return 2;
  }
  try {
    console.log(await signAccessToken(await localAuthSecret(), { userId: Number(user), expiresInSeconds }));
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}
