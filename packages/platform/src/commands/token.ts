import { signAccessToken } from '@waddle/auth-token/access-token';
import { systemClock } from '@waddle/clock/clock';
import { readLocalSecrets } from '../local/local-secrets.ts';
import { REPOSITORY_ROOT } from '../local/repository-root.ts';

/**
 * A token for a local user, signed with the local `AUTH_SECRET` (the one `waddle up` keeps in
 * `.wrangler/local-secrets.json` and writes to `apps/api/.dev.vars`), issued at `now`.
 *
 * @throws Error naming the fix when `waddle up` has not run yet.
 */
export async function localToken(userId: number, expiresInSeconds: number, now: number, repositoryRoot = REPOSITORY_ROOT): Promise<string> {
  const secrets = await readLocalSecrets(repositoryRoot);
  if (!secrets) throw new Error('there are no local secrets yet: run `npm start` once, it generates them');
  return signAccessToken(secrets.authSecret, { userId, expiresInSeconds, now });
}

/**
 * `waddle token <user-id> [--expires-in SECONDS]` (`pnpm run token`): prints an API token for a
 * local user, alone on stdout (for `TOKEN=$(pnpm -s run token 1)`). Default lifetime: one day.
 */
export async function tokenCommand(args: readonly string[], repositoryRoot = REPOSITORY_ROOT): Promise<number> {
  const [user, ...options] = args;
  const flag = options.indexOf('--expires-in');
  const expiresInSeconds = flag === -1 ? 24 * 3600 : Number(options[flag + 1]);
  if (!user || !/^[1-9][0-9]{0,15}$/.test(user) || !Number.isSafeInteger(expiresInSeconds) || expiresInSeconds < 1) {
    console.error('usage: waddle token <user-id> [--expires-in SECONDS]   (default: one day)');
    return 2;
  }
  try {
    console.log(await localToken(Number(user), expiresInSeconds, systemClock(), repositoryRoot));
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}
