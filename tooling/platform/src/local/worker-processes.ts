import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPOSITORY_ROOT } from './repository-root.ts';

/** A Worker served by `wrangler dev` on loopback. */
export interface RunningWorker {
  readonly name: string;
  readonly url: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

/** How to serve a Worker other than for `npm start` (the benchmark serves the api over its own data). */
export interface WorkerProcessOptions {
  /** A wrangler config to use instead of the app's `wrangler.jsonc`. */
  readonly configPath?: string;
  /** Miniflare's persistence root (default `.wrangler/state`, shared by every local tool). */
  readonly persistTo?: string;
  /** Vars passed as `--var NAME:VALUE` (they win over `.dev.vars`). */
  readonly vars?: Readonly<Record<string, string>>;
  /** Where its output goes (default `.wrangler/<app>-dev.log`). */
  readonly logFile?: string;
}

/**
 * Starts `wrangler dev` for one app of the repository on a port of 127.0.0.1, over the shared
 * local state (`.wrangler/state`, where the tools keep every local D1 database) unless told
 * otherwise, and resolves once its `/health` answers. Its output goes to `.wrangler/<app>-dev.log`.
 * A `wrangler dev` that exits before it answers is started once more (two starting at once on a
 * loaded machine, as the test suites do side by side, can collide); a second exit throws with the
 * end of its log in the message.
 */
export async function startWorker(app: 'api' | 'monitor', port: number, options: WorkerProcessOptions = {}): Promise<RunningWorker> {
  try {
    return await startWorkerOnce(app, port, options);
  } catch (error) {
    if (!(error instanceof WorkerExitedError)) throw error;
    return await startWorkerOnce(app, port, options);
  }
}

/** `wrangler dev` exited before its `/health` answered. */
class WorkerExitedError extends Error {}

/** One attempt of {@link startWorker}. */
async function startWorkerOnce(app: 'api' | 'monitor', port: number, options: WorkerProcessOptions): Promise<RunningWorker> {
  const directory = join(REPOSITORY_ROOT, 'apps', app);
  const logFile = options.logFile ?? join(REPOSITORY_ROOT, '.wrangler', `${app}-dev.log`);
  // A fresh clone has no .wrangler yet: the log's directory is made first.
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile);
  const args = [
    'dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--persist-to',
    options.persistTo ?? join(REPOSITORY_ROOT, '.wrangler', 'state'),
  ];
  if (options.configPath) args.push('--config', options.configPath);
  for (const [name, value] of Object.entries(options.vars ?? {})) args.push('--var', `${name}:${value}`);
  const child = spawn(process.execPath, [join(directory, 'node_modules', 'wrangler', 'bin', 'wrangler.js'), ...args], {
    cwd: directory,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  const worker: RunningWorker = { name: `waddle-${app}`, url, logFile, stop: () => stop(child) };

  const deadline = performance.now() + 90_000;
  while (performance.now() < deadline) {
    if (exited(child))
      throw new WorkerExitedError(
        `wrangler dev for ${app} exited (${child.exitCode ?? child.signalCode}); see ${logFile}, which ends:\n${logTail(logFile)}`,
      );
    const healthy = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) return worker;
    await new Promise((done) => setTimeout(done, 500));
  }
  await worker.stop();
  throw new Error(`wrangler dev for ${app} did not answer on ${url} within 90 s; see ${logFile}`);
}

/** Asks wrangler to stop (as Ctrl-C would), and kills it if it has not within 5 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (exited(child)) return;
  const gone = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await gone;
  clearTimeout(timer);
}

/** Whether the process has ended, by exiting or by a signal (a terminal's Ctrl-C reaches it too). */
function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** The last 20 lines of a log, for an error message (empty when it cannot be read). */
function logTail(logFile: string): string {
  try {
    return readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '';
  }
}
