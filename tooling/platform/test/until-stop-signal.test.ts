import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('untilStopSignal', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'stops once and exits 0 on %s, though the signal comes twice (terminal and npm)',
    async (signal) => {
      const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', join(import.meta.dirname, 'stop-signal-child.ts')], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = once(child, 'exit');
      let stdout = '';
      child.stdout.setEncoding('utf8');
      const ready = new Promise<void>((done) =>
        child.stdout.on('data', (chunk: string) => {
          stdout += chunk;
          if (stdout.includes('ready')) done();
        }),
      );
      await ready;
      child.kill(signal);
      await new Promise((done) => setTimeout(done, 50));
      child.kill(signal);
      const [code, killedBy] = await exited;
      expect({ code, killedBy, stdout }).toEqual({ code: 0, killedBy: null, stdout: `ready\nstopping\nstopped on ${signal}\n` });
    },
  );
});
