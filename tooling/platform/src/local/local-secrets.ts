import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * The secrets of the local platform, generated once by `waddle up` and kept in
 * `.wrangler/local-secrets.json` (gitignored), so tokens handed out earlier stay valid.
 */
export interface LocalSecrets {
  /** The token of the local D1 REST API (`CLOUDFLARE_API_TOKEN` of both Workers). */
  readonly cloudflareApiToken: string;
  /** The api Worker's `AUTH_SECRET`: 32 random bytes, hex. */
  readonly authSecret: string;
  /** The monitor Worker's `MONITOR_TOKEN`. */
  readonly monitorToken: string;
}

/** Where the local secrets are kept, under a repository root. */
export function localSecretsFile(repositoryRoot: string): string {
  return join(repositoryRoot, '.wrangler', 'local-secrets.json');
}

/**
 * The local secrets `waddle up` generated, or `undefined` before it first ran (or when the file
 * lacks one of them).
 *
 * @example
 * ```ts
 * const secrets = await readLocalSecrets(REPOSITORY_ROOT);
 * if (!secrets) throw new Error('run npm start first');
 * const token = signToken(secrets.authSecret, { userId: 1 });
 * ```
 */
export async function readLocalSecrets(repositoryRoot: string): Promise<LocalSecrets | undefined> {
  const stored = await readStored(repositoryRoot);
  const { cloudflareApiToken, authSecret, monitorToken } = stored;
  return cloudflareApiToken && authSecret && monitorToken ? { cloudflareApiToken, authSecret, monitorToken } : undefined;
}

/**
 * The local secrets, generating (and keeping) whichever are missing; those already kept are
 * returned unchanged. The file is written owner-only, replaced atomically.
 */
export async function ensureLocalSecrets(repositoryRoot: string): Promise<LocalSecrets> {
  const stored = await readStored(repositoryRoot);
  const secrets: LocalSecrets = {
    cloudflareApiToken: stored.cloudflareApiToken ?? randomBytes(30).toString('base64url'),
    authSecret: stored.authSecret ?? randomBytes(32).toString('hex'),
    monitorToken: stored.monitorToken ?? randomBytes(24).toString('base64url'),
  };
  if (Object.entries(secrets).some(([key, value]) => stored[key as keyof LocalSecrets] !== value)) {
    const file = localSecretsFile(repositoryRoot);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(`${file}.tmp`, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
    await rename(`${file}.tmp`, file);
  }
  return secrets;
}

/** What the file holds: only the string fields of {@link LocalSecrets}; nothing when it does not exist. */
async function readStored(repositoryRoot: string): Promise<Partial<Record<keyof LocalSecrets, string>>> {
  let text: string;
  try {
    text = await readFile(localSecretsFile(repositoryRoot), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const parsed = JSON.parse(text) as Record<string, unknown>;
  const keys = ['cloudflareApiToken', 'authSecret', 'monitorToken'] as const;
  return Object.fromEntries(
    keys.filter((key) => typeof parsed[key] === 'string' && parsed[key] !== '').map((key) => [key, parsed[key] as string]),
  );
}
