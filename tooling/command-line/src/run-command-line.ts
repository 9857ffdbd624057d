import { spawn } from 'node:child_process';

/** How a command line ended, and what it printed. */
export interface CommandLineRun {
  /** Its exit code; `null` when a signal (or the deadline) ended it. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Whether it was still running at the deadline (then its whole process group was killed). */
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command-line entry (a `.ts` file) as its own process, with this Node (which strips the
 * types) and stdin closed, and collects what it prints: how the tests hold each command to its
 * usage. It runs in a process group of its own, so when it is still running at the deadline
 * (default 30 s) the group is killed, with whatever it started (a command that wrongly starts
 * servers takes them down with it).
 *
 * @example
 * ```ts
 * const run = await runCommandLine('src/cli.ts', ['up', '--help']);
 * // { exitCode: 0, stdout: 'usage: waddle up [options]\n…', stderr: '', … }
 * ```
 */
export function runCommandLine(
  entry: string,
  args: readonly string[],
  options: { readonly timeoutMs?: number } = {},
): Promise<CommandLineRun> {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', entry, ...args], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    process.kill(-child.pid!, 'SIGKILL');
  }, options.timeoutMs ?? 30_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, timedOut, stdout, stderr });
    });
  });
}
