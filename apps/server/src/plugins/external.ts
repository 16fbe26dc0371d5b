import { createRequire } from 'node:module';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ANALYZER_VERSION } from '@hangscope/analyzer';
import type { SharedCounters } from '../store/types.js';
import { sharedRateLimitStore } from './shared-rate-limit.js';

export interface WriteRateLimit {
  /** Requests per window and client (clientKey), for each write route. */
  max: number;
  timeWindowMs: number;
  /** Uploads per window for a client signed in with an `ingest` token: a fleet's
   *  machines posting through one collector host need more than a person does. */
  ingestMax?: number;
}

/**
 * Who a client is, for rate limits and the daily quota: the token (or web session, or
 * proxy-named user) it signed in with when authentication is on, so people behind one
 * NAT or proxy do not share one budget; else `request.ip` (its socket address, or the
 * address a trusted proxy names).
 */
export function clientKey(request: FastifyRequest): string {
  const p = request.principal;
  return p && p.via !== 'open' && p.name ? `${p.via}:${p.name}` : request.ip;
}

/**
 * The outer layer, registered before any route: security headers, rate limiting
 * (opted into per write route with `config: { rateLimit: ... }`), and the OpenAPI
 * document built from the routes' schemas, browsable at /api/docs.
 */
export async function registerExternalPlugins(
  app: FastifyInstance,
  opts: {
    rateLimit: WriteRateLimit | false;
    readRateLimit?: WriteRateLimit | false;
    guard?: (app: FastifyInstance) => void;
    /** Count in the database every server shares (PostgreSQL), not in this process. */
    shared?: SharedCounters;
  },
): Promise<void> {
  // Security headers on every response. They are the same for every request (no CSP
  // nonces, no per-request directives), so helmet runs once here and the hook copies
  // its headers: @fastify/helmet would build helmet's middleware (parsing every CSP
  // directive) anew for each request, a tenth of what a small GET costs.
  const { set, remove } = staticHelmetHeaders({
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
  app.addHook('onRequest', (_request, reply, done) => {
    const res = reply.raw;
    for (let i = 0; i < set.length; i++) res.setHeader(set[i][0], set[i][1]);
    for (let i = 0; i < remove.length; i++) res.removeHeader(remove[i]);
    done();
  });

  // Who may do what, and CSRF (writes from another origin): the guard (auth/guard.ts),
  // after the headers (a 401 carries them too) and before any route, /api/docs included.
  opts.guard?.(app);

  // Per client: `request.ip`, which is the address a trusted proxy names when the app
  // is built with trustProxy (app.ts), else the socket's. 429 answers carry Retry-After.
  const limits = [opts.rateLimit, opts.readRateLimit].filter((l): l is WriteRateLimit => !!l);
  if (limits.length) {
    await app.register(rateLimit, {
      global: false,
      keyGenerator: clientKey,
      max: limits[0].max,
      timeWindow: limits[0].timeWindowMs,
      ...(opts.shared ? { store: sharedRateLimitStore(opts.shared) } : {}),
      errorResponseBuilder: (request, context) => ({
        statusCode: 429,
        error: 'too_many_requests',
        message: `rate limit of ${context.max} ${request.method === 'GET' ? 'reads' : 'writes'} per ${context.after} exceeded; retry later`,
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

type HelmetMiddleware = (req: unknown, res: unknown, next: (err?: unknown) => void) => void;

/**
 * helmet itself, resolved from @fastify/helmet (our dependency, which depends on it), so
 * it is the very version that plugin would run.
 */
const helmet = createRequire(createRequire(import.meta.url).resolve('@fastify/helmet'))('helmet') as (
  options: object,
) => HelmetMiddleware;

/** The headers helmet sets (and removes) for `options`: run once against a recording response. */
export function staticHelmetHeaders(options: object): { set: [string, string | string[]][]; remove: string[] } {
  const set: [string, string | string[]][] = [];
  const remove: string[] = [];
  const res = {
    setHeader: (name: string, value: string | number | string[]) =>
      set.push([name, Array.isArray(value) ? value : String(value)]),
    removeHeader: (name: string) => remove.push(name),
  };
  let failed: unknown = null;
  helmet(options)({}, res, (err) => (failed = err ?? null));
  if (failed) throw failed;
  return { set, remove };
}

/** Route option for write routes: rate limited when limiting is on. */
export function writeLimit(opts: { rateLimit: WriteRateLimit | false }) {
  if (!opts.rateLimit) return {};
  const { max, timeWindowMs, ingestMax } = opts.rateLimit;
  // An ingest token's budget is its own (ingestMax); everyone else's is `max`.
  const perClient =
    ingestMax === undefined
      ? max
      : (request: FastifyRequest) =>
          request.principal?.role === 'ingest' && request.principal.via !== 'open' ? ingestMax : max;
  return { rateLimit: { max: perClient, timeWindow: timeWindowMs } };
}

/** Route option for reads that cost work per request (exports, raw dumps, task views). */
export function readLimit(opts: { readRateLimit: WriteRateLimit | false }) {
  return opts.readRateLimit
    ? { rateLimit: { max: opts.readRateLimit.max, timeWindow: opts.readRateLimit.timeWindowMs } }
    : {};
}
