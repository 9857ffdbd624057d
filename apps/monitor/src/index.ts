import { healthResponse } from '@waddle/worker-health/health-response';

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === '/health') {
      if (request.method !== 'GET') return error(405, 'method_not_allowed', 'use GET');
      return healthResponse('waddle-monitor', env.CENTRAL_DB);
    }
    return error(404, 'not_found', `no route for ${request.method} ${pathname}`);
  },
} satisfies ExportedHandler<Env>;

function error(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}
