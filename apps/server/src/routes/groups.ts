import type { FastifyPluginAsync } from 'fastify';
import type { RouteDeps } from './deps.js';
import { loadIncident, summaryJson } from './incidents.js';
import { errorSchema, idParams, incidentSummarySchema } from './schemas.js';

const groupSchema = {
  type: 'object',
  properties: {
    fingerprint: { type: 'string' },
    kind: { type: 'string' },
    title: { type: 'string' },
    count: { type: 'integer' },
    firstSeen: { type: 'string' },
    lastSeen: { type: 'string' },
    latestId: { type: 'string' },
    latestUrl: { type: 'string' },
    kernels: { type: 'array', items: { type: 'string' } },
    hosts: { type: 'array', items: { type: 'string' } },
  },
  required: ['fingerprint', 'kind', 'title', 'count', 'firstSeen', 'lastSeen', 'latestId'],
} as const;

export const groupRoutes: FastifyPluginAsync<{ deps: RouteDeps }> = async (app, { deps }) => {
  const { store } = deps;

  app.get<{ Querystring: { limit: number } }>(
    '/api/groups',
    {
      schema: {
        summary: 'Incidents grouped by analysis fingerprint, most recently seen first',
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: groupSchema } }, required: ['items'] } },
      },
    },
    async (request) => ({
      items: (await store.groups(request.query.limit)).map((g) => ({ ...g, latestUrl: `/i/${g.latestId}` })),
    }),
  );

  app.get<{ Params: { id: string }; Querystring: { limit: number } }>(
    '/api/incidents/:id/similar',
    {
      schema: {
        summary: 'Other incidents with the same fingerprint, then with the same title',
        params: idParams,
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
          additionalProperties: false,
        },
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: incidentSummarySchema } }, required: ['items'] },
          404: errorSchema,
        },
      },
    },
    async (request) => {
      const incident = await loadIncident(store, request.params.id);
      return { items: (await store.similar(incident.id, request.query.limit)).map(summaryJson) };
    },
  );
};
