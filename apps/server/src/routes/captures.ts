import type { FastifyPluginAsync } from 'fastify';
import { notFound } from '../errors.js';
import { isIncidentId } from '../ids.js';
import { readLimit } from '../plugins/external.js';
import { readAnalysisInput, readCaptureBytes } from '../services/captures.js';
import type { RouteDeps } from './deps.js';
import { errorSchema } from './schemas.js';

const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] } as const;

const captureSchema = {
  type: 'object',
  properties: { seq: { type: 'integer' }, createdAt: { type: 'string' }, size: { type: 'integer' }, sha256: { type: 'string' } },
  required: ['seq', 'createdAt', 'size', 'sha256'],
} as const;

/**
 * The captures of an incident (issue 23): the list (its own dump is capture 1), each one's
 * bytes as uploaded, and the text the analysis read (all of them, joined with markers:
 * the lines its evidence spans count). POST is in upload.ts, with the uploads' limits.
 */
export const captureRoutes: FastifyPluginAsync<{ deps: RouteDeps }> = async (app, { deps }) => {
  const { store } = deps;

  app.get<{ Params: { id: string } }>(
    '/api/incidents/:id/captures',
    {
      schema: {
        summary: 'The captures of an incident, oldest first (1: the incident\'s own dump)',
        params: idParams,
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: captureSchema } }, required: ['items'] }, 404: errorSchema },
      },
    },
    async (request) => {
      const items = isIncidentId(request.params.id) ? await store.listCaptures(request.params.id) : null;
      if (!items) throw notFound();
      return { items };
    },
  );

  app.get<{ Params: { id: string; seq: number } }>(
    '/api/incidents/:id/captures/:seq/raw',
    {
      config: readLimit(deps),
      schema: {
        summary: 'One capture exactly as uploaded',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 }, seq: { type: 'integer', minimum: 1, maximum: 1_000_000 } }, required: ['id', 'seq'] },
        response: { 200: { type: 'string' }, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const { id, seq } = request.params;
      const bytes = isIncidentId(id) ? await readCaptureBytes(store, id, seq) : null;
      if (!bytes) throw notFound('capture');
      return reply
        .type('text/plain; charset=utf-8')
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', `inline; filename="${id}-${seq}.txt"`)
        .send(bytes);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/incidents/:id/input',
    {
      config: readLimit(deps),
      schema: {
        summary: 'The text the analysis read: the dump, or all captures joined with their markers',
        params: idParams,
        response: { 200: { type: 'string' }, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const bytes = isIncidentId(request.params.id) ? await readAnalysisInput(store, request.params.id) : null;
      if (!bytes) throw notFound();
      return reply.type('text/plain; charset=utf-8').header('x-content-type-options', 'nosniff').send(bytes);
    },
  );
};
