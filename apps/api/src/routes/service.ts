import { healthResponse } from '@waddle/worker-health/health-response';
import { route } from '../http/route.ts';

/** `GET /health`: the schema versions this Worker sees (no token). */
export const health = route({
  method: 'GET',
  path: '/health',
  tag: 'service',
  summary: 'Health and schema versions',
  public: true,
  handle: async (_, { env }) => healthResponse('waddle-api', env.CENTRAL_DB),
});
