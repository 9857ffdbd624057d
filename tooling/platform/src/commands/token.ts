import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, signAccessToken } from '@waddle/auth-token/access-token';
import { DEFAULT_KEY_ID, type HmacKey } from '@waddle/auth-token/token-keys';
import { systemClock } from '@waddle/clock/clock';
import { type CommandLine, parseCommandLine, usageError } from '@waddle/command-line/parse-command-line';
import { findLocalUser } from '../local/find-local-user.ts';
import { readLocalSecrets } from '../local/local-secrets.ts';
import { LOCAL_STATE_DIRECTORY } from '../local/local-state-directory.ts';
import { REPOSITORY_ROOT } from '../local/repository-root.ts';
import { type CommandIo, consoleIo } from './command-io.ts';
import { userIdArgument } from './user-id-argument.ts';

/** `waddle token`: its usage and options. */
export const TOKEN_COMMAND_LINE = {
  command: 'waddle token',
  positionals: ['<user-id>'],
  description: [
    'Prints an API token for an active user of the local central database, signed with the local',
    `AUTH_SECRET (key id "${DEFAULT_KEY_ID}"), alone on stdout (TOKEN=$(npm run -s token 1)). A user the`,
    'database does not have, or an erased one, is refused with exit code 1.',
  ].join('\n'),
  options: {
    'expires-in': {
      type: 'string',
      value: 'SECONDS',
      default: String(24 * 3600),
      description: `how long the token is valid, at most ${DEFAULT_MAX_TOKEN_LIFETIME_SECONDS} (the API's AUTH_MAX_TOKEN_LIFETIME_SECONDS)`,
    },
  },
} satisfies CommandLine;

/**
 * A token for a local user, signed with the local `AUTH_SECRET` (the one `waddle up` keeps in
 * `.wrangler/local-secrets.json` and writes to `apps/api/.dev.vars`; the API's key `default`),
 * issued at `now`.
 *
 * @throws Error naming the fix when `waddle up` has not run yet.
 */
export async function localToken(userId: number, expiresInSeconds: number, now: number, repositoryRoot = REPOSITORY_ROOT): Promise<string> {
  const secrets = await readLocalSecrets(repositoryRoot);
  if (!secrets) throw new Error(NO_SECRETS);
  return signAccessToken(localSigningKey(secrets.authSecret), { userId, expiresInSeconds, now });
}

const NO_SECRETS = 'there are no local secrets yet: run `npm start` once, it generates them';

/** The local API's one key: `.dev.vars` gives it `AUTH_SECRET`, whose key id is the default one. */
function localSigningKey(authSecret: string): HmacKey {
  return { kid: DEFAULT_KEY_ID, secret: authSecret };
}

/**
 * `waddle token <user-id> [--expires-in SECONDS]` (`npm run -s token <user-id>`): prints an API
 * token for a user of the local central database (looked up in its file, see `findLocalUser`),
 * alone on stdout. Exit code 1, with the reason on stderr, for a user it does not have, an erased
 * one, or before the first `npm start`; 2 for bad arguments, a lifetime beyond the API's cap
 * (`DEFAULT_MAX_TOKEN_LIFETIME_SECONDS`, the `AUTH_MAX_TOKEN_LIFETIME_SECONDS` of apps/api/wrangler.jsonc)
 * included: the API would refuse such a token with 401.
 */
export async function tokenCommand(
  argv: readonly string[],
  io: CommandIo = consoleIo,
  local: { readonly repositoryRoot?: string; readonly stateDirectory?: string } = {},
): Promise<number> {
  const parsed = parseCommandLine(TOKEN_COMMAND_LINE, argv, io);
  if ('exitCode' in parsed) return parsed.exitCode;
  const [user = ''] = parsed.positionals;
  const userId = userIdArgument(user);
  if (userId === null) return usageError(TOKEN_COMMAND_LINE, `<user-id> must be a positive integer, not '${user}'`, io);
  const expiresInSeconds = Number(parsed.values['expires-in']);
  if (!Number.isSafeInteger(expiresInSeconds) || expiresInSeconds < 1)
    return usageError(TOKEN_COMMAND_LINE, '--expires-in must be a whole number of seconds, at least 1', io);
  if (expiresInSeconds > DEFAULT_MAX_TOKEN_LIFETIME_SECONDS) {
    return usageError(
      TOKEN_COMMAND_LINE,
      `--expires-in must be at most ${DEFAULT_MAX_TOKEN_LIFETIME_SECONDS} seconds: the API refuses a token living longer (AUTH_MAX_TOKEN_LIFETIME_SECONDS)`,
      io,
    );
  }

  const refuse = (reason: string) => {
    io.err(`waddle token: ${reason}`);
    return 1;
  };
  const secrets = await readLocalSecrets(local.repositoryRoot ?? REPOSITORY_ROOT);
  if (!secrets) return refuse(NO_SECRETS);
  const found = await findLocalUser(local.stateDirectory ?? LOCAL_STATE_DIRECTORY, userId);
  if (found === null) return refuse('there is no local central database yet: run `npm start` once, it creates it');
  if (found.status === 'unknown') return refuse(`there is no user ${userId} in the local central database`);
  if (found.status === 'erased') return refuse(`user ${userId} is erased`);
  io.out(await signAccessToken(localSigningKey(secrets.authSecret), { userId, expiresInSeconds, now: systemClock() }));
  return 0;
}
