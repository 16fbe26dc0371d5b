import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsync } from 'fastify';
import { defaultCollectorPath } from '../paths.js';
import { readLimit } from '../plugins/external.js';
import type { RouteDeps } from './deps.js';

/**
 * GET /collect.sh: the collector (scripts/hangscope-collect), byte for byte, so a hung
 * machine that can reach the server needs nothing installed:
 *   curl -s http://SERVER/collect.sh | sh -s -- --post http://SERVER
 * Read from disk on each request (a few KB): the file served is the file in the tree.
 */
export const collectRoutes: FastifyPluginAsync<{ deps: RouteDeps; path?: string }> = async (app, { deps, path }) => {
  const file = path ?? defaultCollectorPath();
  app.get<{ Querystring: Record<string, never> }>(
    '/collect.sh',
    {
      // Public, like the web app's files: a hung machine fetches it before it has a token.
      config: { ...readLimit(deps), access: 'public' },
      schema: { summary: 'The collector script to run on a hung machine (POSIX sh)' },
    },
    async (request, reply) => {
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (err) {
        request.log.error({ err, file }, 'collector script missing');
        return reply
          .code(404)
          .send({ error: 'not_found', message: 'the collector script is not installed with this server' });
      }
      return reply
        .header('content-type', 'text/x-shellscript; charset=utf-8')
        .header('content-disposition', 'inline; filename="hangscope-collect"')
        .header('cache-control', 'no-cache')
        .send(bytes);
    },
  );
};
