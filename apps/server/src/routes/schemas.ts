// JSON schemas shared by routes: Fastify validates requests with them, serializes
// responses with them, and @fastify/swagger publishes them at /api/docs.
import { INCIDENT_STATUSES } from '../store/types.js';

export const errorSchema = {
  type: 'object',
  properties: { error: { type: 'string' }, message: { type: 'string' } },
  required: ['error', 'message'],
} as const;

export const idParams = {
  type: 'object',
  properties: { id: { type: 'string', maxLength: 64 } },
  required: ['id'],
} as const;

const nullableString = { type: ['string', 'null'] } as const;

export const incidentSummarySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    url: { type: 'string' },
    title: { type: 'string' },
    kind: { type: 'string' },
    host: nullableString,
    kernel: nullableString,
    status: { type: 'string', enum: INCIDENT_STATUSES },
    duplicateOf: nullableString,
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    fingerprint: { type: 'string' },
    size: { type: 'integer' },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['id', 'url', 'title', 'kind', 'status', 'createdAt', 'fingerprint', 'size', 'tags'],
} as const;

export const incidentDetailSchema = {
  type: 'object',
  properties: {
    ...incidentSummarySchema.properties,
    sha256: { type: 'string' },
    lineCount: { type: 'integer' },
    analyzerVersion: { type: 'string' },
    pinned: { type: 'boolean', description: 'kept by retention whatever its age' },
    analysis: {
      type: 'object',
      additionalProperties: true,
      description: 'The analysis contract document (packages/analyzer/src/contract.ts)',
    },
  },
  required: [...incidentSummarySchema.required, 'sha256', 'lineCount', 'analyzerVersion', 'analysis'],
} as const;

export const createdSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    url: { type: 'string' },
    duplicate: { type: 'boolean' },
    analysisError: { type: 'string' },
  },
  required: ['id', 'url'],
} as const;

/** POST /api/incidents/:id/captures: the incident and the capture's number in it. */
export const captureCreatedSchema = {
  type: 'object',
  properties: { ...createdSchema.properties, seq: { type: 'integer' } },
  required: ['id', 'url', 'seq'],
} as const;
