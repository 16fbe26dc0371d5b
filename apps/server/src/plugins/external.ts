import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { ANALYZER_VERSION } from '@hangscope/analyzer';

export interface WriteRateLimit {
  /** Requests per window and client address, for each write route. */
  max: number;
  timeWindowMs: number;
}

/**
 * The outer layer, registered before any route: security headers, rate limiting
 * (opted into per write route with `config: { rateLimit: ... }`), and the OpenAPI
 * document built from the routes' schemas, browsable at /api/docs.
 */
export async function registerExternalPlugins(app: FastifyInstance, opts: { rateLimit: WriteRateLimit | false }): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        // No inline script anywhere: dump text can never become code.
        scriptSrc: ["'self'"],
        // Inline style *attributes* are what graph libraries set; they cannot run code.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // Same-origin app with no cross-origin embeds: the strict defaults fit.
    crossOriginEmbedderPolicy: false,
  });

  // CSRF: an upload is a CORS "simple request" (text/plain or a form), so another site
  // could make a visitor's browser write into an internal instance it cannot reach
  // itself. Browsers say where a request comes from; curl and scripts send no header.
  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return;
    if (request.headers['sec-fetch-site'] === 'cross-site') {
      return reply.code(403).send({ error: 'cross_site_write', message: 'writes from another site are refused' });
    }
  });

  if (opts.rateLimit) {
    await app.register(rateLimit, {
      global: false,
      max: opts.rateLimit.max,
      timeWindow: opts.rateLimit.timeWindowMs,
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        error: 'too_many_requests',
        message: `rate limit of ${context.max} writes per ${context.after} exceeded; retry later`,
      }),
    });
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'hangscope API',
        description: 'Upload Linux hang dumps and read their wait-for graph analysis.',
        version: ANALYZER_VERSION,
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
}

/** Route option for write routes: rate limited when limiting is on. */
export function writeLimit(opts: { rateLimit: WriteRateLimit | false }) {
  return opts.rateLimit ? { rateLimit: { max: opts.rateLimit.max, timeWindow: opts.rateLimit.timeWindowMs } } : {};
}
