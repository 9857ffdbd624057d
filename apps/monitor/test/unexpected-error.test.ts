import { env } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import worker from '../src/index.ts';

describe('an error the monitor did not expect', () => {
  it('answers 500 internal and logs one JSON line with the route and the request id (the Ray ID)', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      // A configuration the monitor cannot use: CRITICAL_PERCENT below WARNING_PERCENT.
      const request = new Request('http://monitor/api/databases', { headers: { 'cf-ray': '8f1c2a3b4d5e6f70-AMS' } }) as Request<
        unknown,
        IncomingRequestCfProperties
      >;
      const broken = { ...env, CRITICAL_PERCENT: '10' } as unknown as Env;
      const response = await worker.fetch(request, broken);
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error: { code: 'internal', message: 'something went wrong on our side' } });
      expect(errors).toHaveBeenCalledTimes(1);
      const line = errors.mock.calls[0]![0] as string;
      expect(JSON.parse(line)).toMatchObject({
        level: 'error',
        message: 'unexpected error',
        worker: 'waddle-monitor',
        route: 'GET /api/databases',
        requestId: '8f1c2a3b4d5e6f70-AMS',
        error: { name: 'InvalidMonitorConfigError', message: expect.stringContaining('CRITICAL_PERCENT') },
      });
      expect(JSON.parse(line).error.stack).toContain('InvalidMonitorConfigError');
    } finally {
      errors.mockRestore();
    }
  });
});
