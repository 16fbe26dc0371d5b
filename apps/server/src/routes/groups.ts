import type { FastifyPluginAsync } from 'fastify';
import { notFound } from '../errors.js';
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
    status: { type: 'string' },
    url: { type: 'string' },
  },
  required: ['fingerprint', 'kind', 'title', 'count', 'firstSeen', 'lastSeen', 'latestId', 'status', 'url'],
} as const;

const mitigationSchema = {
  type: ['object', 'null'],
  properties: {
    incidentId: { type: 'string' },
    incidentUrl: { type: 'string' },
    body: { type: 'string' },
    author: { type: ['string', 'null'] },
    updatedAt: { type: 'string' },
  },
  required: ['incidentId', 'incidentUrl', 'body', 'author', 'updatedAt'],
} as const;

const similarSchema = {
  ...incidentSummarySchema,
  properties: { ...incidentSummarySchema.properties, score: { type: 'number' }, reason: { type: 'string' } },
  required: [...incidentSummarySchema.required, 'score', 'reason'],
} as const;

/** The page of a group: `/groups/<key>` (the key is a fingerprint or `split:<id>`). */
export const groupUrl = (key: string) => `/groups/${encodeURIComponent(key)}`;

const withUrl = <M extends { incidentId: string } | null>(m: M) =>
  m ? { ...m, incidentUrl: `/i/${m.incidentId}` } : null;

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
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: groupSchema } }, required: ['items'] },
        },
      },
    },
    async (request) => ({
      items: (await store.groups(request.query.limit)).map((g) => ({
        ...g,
        latestUrl: `/i/${g.latestId}`,
        url: groupUrl(g.fingerprint),
      })),
    }),
  );

  app.get<{ Params: { key: string }; Querystring: { limit: number } }>(
    '/api/groups/:key',
    {
      schema: {
        summary: 'One group: its incidents (newest first), kernels, hosts, status and newest mitigation',
        params: {
          type: 'object',
          properties: { key: { type: 'string', minLength: 1, maxLength: 128 } },
          required: ['key'],
        },
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 } },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              ...groupSchema.properties,
              mitigation: mitigationSchema,
              incidents: { type: 'array', items: incidentSummarySchema },
            },
            required: [...groupSchema.required, 'mitigation', 'incidents'],
          },
          404: errorSchema,
        },
      },
    },
    async (request) => {
      const g = await store.group(request.params.key, request.query.limit);
      if (!g) throw notFound('group');
      return {
        ...g,
        latestUrl: `/i/${g.latestId}`,
        url: groupUrl(g.fingerprint),
        mitigation: withUrl(g.mitigation),
        incidents: g.incidents.map(summaryJson),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/incidents/:id/repeat',
    {
      schema: {
        summary:
          "The incident's group and what it knew before this incident: how many, the last one, status, mitigation",
        params: idParams,
        response: {
          200: {
            type: 'object',
            properties: {
              group: { type: 'string' },
              groupUrl: { type: 'string' },
              before: { type: 'integer' },
              last: { anyOf: [incidentSummarySchema, { type: 'null' }] },
              status: { type: 'string' },
              mitigation: mitigationSchema,
            },
            required: ['group', 'groupUrl', 'before', 'last', 'status', 'mitigation'],
          },
          404: errorSchema,
        },
      },
    },
    async (request) => {
      const incident = await loadIncident(store, request.params.id);
      const r = (await store.repeatInfo(incident.id))!;
      return {
        ...r,
        groupUrl: groupUrl(r.group),
        last: r.last ? summaryJson(r.last) : null,
        mitigation: withUrl(r.mitigation),
      };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { limit: number } }>(
    '/api/incidents/:id/similar',
    {
      schema: {
        summary:
          'Other incidents of the same group, then those whose culprit and victim frames overlap (scored), then with the same title; each with score and reason',
        params: idParams,
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
          additionalProperties: false,
        },
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: similarSchema } }, required: ['items'] },
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
