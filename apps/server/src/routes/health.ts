import type { FastifyPluginAsync } from 'fastify';
import type { RouteDeps } from './deps.js';

export const healthRoutes: FastifyPluginAsync<{ deps: RouteDeps }> = async (app, { deps }) => {
  app.get(
    '/healthz',
    {
      // Probed every few seconds by load balancers: failures are logged, successes not.
      logLevel: 'warn',
      config: { access: 'public' },
      schema: {
        summary: 'Liveness: the database answers',
        response: {
          200: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
          503: { type: 'object', properties: { ok: { type: 'boolean' }, error: { type: 'string' } } },
        },
      },
    },
    async (request, reply) => {
      try {
        if (await deps.store.ping()) return { ok: true };
      } catch (err) {
        request.log.error({ err }, 'health check: database query failed');
      }
      return reply.code(503).send({ ok: false, error: 'database unavailable' });
    },
  );
};
