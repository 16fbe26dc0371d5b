import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * The built single-page app. Files are served as they are; any other GET outside
 * /api that does not look like a file gets index.html, so a permalink such as
 * /i/<id> survives a reload. Vite names assets by content hash, so they can be
 * cached for good; index.html must be revalidated to pick up a new build.
 *
 * Registered into the caller's context (not as a child plugin) so that its
 * not-found handler can use reply.sendFile. Returns false when there is no build.
 */
export async function registerWebApp(app: FastifyInstance, webRoot: string): Promise<boolean> {
  if (!existsSync(join(webRoot, 'index.html'))) {
    app.log.warn({ webRoot }, 'web app not built: serving the API only');
    return false;
  }
  await app.register(fastifyStatic, {
    root: webRoot,
    wildcard: true,
    index: ['index.html'],
    setHeaders(reply, path) {
      if (path.includes(`${join(webRoot, 'assets')}`))
        reply.header('cache-control', 'public, max-age=31536000, immutable');
      else reply.header('cache-control', 'no-cache');
    },
  });
  return true;
}

/** True when a GET for this URL should get the app's index.html instead of a 404. */
export function wantsSpaFallback(method: string, url: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  const path = url.split('?', 1)[0];
  if (path === '/api' || path.startsWith('/api/') || path === '/healthz') return false;
  // A missing /assets/app.123.js must stay a 404, not become HTML with status 200.
  const last = path.slice(path.lastIndexOf('/') + 1);
  return !last.includes('.');
}
