import type { FastifyPluginAsync } from 'fastify';
import { writeLimit } from '../plugins/external.js';
import { assertMayChange, authorFor, recordAudit } from '../services/audit.js';
import type { RouteDeps } from './deps.js';
import { loadIncident } from './incidents.js';
import { errorSchema, idParams } from './schemas.js';

export const MITIGATION_LIMITS = { body: 20_000, author: 100 } as const;

const revision = {
  type: 'object',
  properties: { body: { type: 'string' }, author: { type: ['string', 'null'] }, createdAt: { type: 'string' } },
  required: ['body', 'author', 'createdAt'],
} as const;

const mitigationSchema = {
  type: 'object',
  properties: {
    body: { type: 'string' },
    author: { type: ['string', 'null'] },
    updatedAt: { type: ['string', 'null'] },
    history: { type: 'array', items: revision, description: 'every saved version, newest first' },
  },
  required: ['body', 'author', 'updatedAt', 'history'],
} as const;

/** One mitigation note per incident; every PUT keeps the previous text in the history. */
export const mitigationRoutes: FastifyPluginAsync<{ deps: RouteDeps }> = async (app, { deps }) => {
  const { store } = deps;

  async function current(id: string) {
    const history = await store.mitigationHistory(id);
    const latest = history[0];
    return { body: latest?.body ?? '', author: latest?.author ?? null, updatedAt: latest?.createdAt ?? null, history };
  }

  app.get<{ Params: { id: string } }>(
    '/api/incidents/:id/mitigation',
    {
      schema: {
        summary: 'The mitigation note and its edit history',
        params: idParams,
        response: { 200: mitigationSchema, 404: errorSchema },
      },
    },
    async (request) => current((await loadIncident(store, request.params.id)).id),
  );

  app.put<{ Params: { id: string }; Body: { body: string; author?: string | null } }>(
    '/api/incidents/:id/mitigation',
    {
      config: { ...writeLimit(deps), access: 'write' },
      schema: {
        summary: 'Save a new version of the mitigation note',
        params: idParams,
        body: {
          type: 'object',
          properties: {
            body: { type: 'string', maxLength: MITIGATION_LIMITS.body },
            author: { type: ['string', 'null'], maxLength: MITIGATION_LIMITS.author },
          },
          required: ['body'],
          additionalProperties: false,
        },
        response: { 200: mitigationSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const incident = await loadIncident(store, request.params.id);
      const previous = await current(incident.id);
      // A note someone wrote is theirs (or an admin's) to change; an empty one anyone's.
      if (previous.body !== '') assertMayChange(request, previous.author, 'mitigation note');
      const author = authorFor(request, request.body.author?.trim() || null);
      // Saving the same text again adds no history entry.
      if (previous.body !== request.body.body || previous.history.length === 0) {
        await store.addMitigation(incident.id, {
          body: request.body.body,
          author,
          createdAt: new Date().toISOString(),
        });
        await recordAudit(store, request, incident.id, 'mitigation', {
          length: request.body.body.length,
          previousAuthor: previous.author,
        });
      }
      return current(incident.id);
    },
  );
};
