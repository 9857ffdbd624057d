import { env } from 'cloudflare:test';
import { expectUnexpectedErrorAnswered } from '@waddle/worker-http/unexpected-error-fixture';
import { describe, expect, it } from 'vitest';
import worker from '../src/index.ts';

describe('an error the monitor did not expect', () => {
  it('answers 500 internal and logs one JSON line with the route and the request id (the Ray ID)', async () => {
    // A configuration the monitor cannot use: CRITICAL_PERCENT below WARNING_PERCENT.
    const broken = { ...env, CRITICAL_PERCENT: '10' } as unknown as Env;
    const stack = await expectUnexpectedErrorAnswered(
      (headers) =>
        worker.fetch(new Request('http://monitor/api/databases', { headers }) as Request<unknown, IncomingRequestCfProperties>, broken),
      { worker: 'waddle-monitor', route: 'GET /api/databases', error: { name: 'InvalidMonitorConfigError', message: 'CRITICAL_PERCENT' } },
    );
    expect(stack).toContain('InvalidMonitorConfigError');
  });

  it('names the route by its pattern, not the path asked for', async () => {
    const broken = { ...env, CRITICAL_PERCENT: '10' } as unknown as Env;
    await expectUnexpectedErrorAnswered(
      (headers) =>
        worker.fetch(
          new Request('http://monitor/api/databases/test-penguins/samples', { headers }) as Request<unknown, IncomingRequestCfProperties>,
          broken,
        ),
      {
        worker: 'waddle-monitor',
        route: 'GET /api/databases/{d1DatabaseId}/samples',
        error: { name: 'InvalidMonitorConfigError', message: 'CRITICAL_PERCENT' },
      },
    );
  });
});
