import type { FastifyPluginAsync } from 'fastify';
import { HttpError, notFound } from '../errors.js';
import { isAnnotationId, newAnnotationId } from '../ids.js';
import { writeLimit } from '../plugins/external.js';
import { analysisInputOf } from '../derive/jobs.js';
import { actorOf, assertMayChange, authorFor, recordAudit } from '../services/audit.js';
import type { Annotation, AnnotationPatch, IncidentDetail } from '../store/types.js';
import type { RouteDeps } from './deps.js';
import { loadIncident } from './incidents.js';
import { errorSchema } from './schemas.js';

export const ANNOTATION_LIMITS = { body: 10_000, author: 100, target: 200, perIncident: 500 } as const;

const annotationSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    incidentId: { type: 'string' },
    target: { type: ['string', 'null'] },
    lines: { type: ['array', 'null'], items: { type: 'integer' }, minItems: 2, maxItems: 2 },
    body: { type: 'string' },
    author: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
  required: ['id', 'target', 'lines', 'body', 'author', 'createdAt', 'updatedAt'],
} as const;

const fields = {
  target: { type: ['string', 'null'], maxLength: ANNOTATION_LIMITS.target },
  lines: { type: ['array', 'null'], items: { type: 'integer', minimum: 1 }, minItems: 2, maxItems: 2 },
  body: { type: 'string', minLength: 1, maxLength: ANNOTATION_LIMITS.body },
  author: { type: ['string', 'null'], maxLength: ANNOTATION_LIMITS.author },
} as const;

const params = {
  type: 'object',
  properties: { id: { type: 'string', maxLength: 64 }, annotationId: { type: 'string', maxLength: 64 } },
  required: ['id'],
} as const;

interface AnnotationBody {
  target?: string | null;
  lines?: [number, number] | null;
  body?: string;
  author?: string | null;
}

const unprocessable = (message: string) => new HttpError(422, 'invalid_annotation', message);

/**
 * Check target and lines against the incident: the node must exist, the lines too. The
 * target is looked up in the whole analysis, which is parsed in a derive worker.
 */
async function checkAgainstIncident(deps: RouteDeps, incident: IncidentDetail, body: AnnotationBody): Promise<void> {
  if (body.target !== undefined && body.target !== null) {
    const stored = await deps.store.getStored(incident.id);
    const known =
      stored !== null &&
      (await deps.derive.run({ kind: 'has-target', analysis: analysisInputOf(stored.analysis), target: body.target }));
    if (!known) {
      throw unprocessable(`target ${JSON.stringify(body.target)} is not a node of this incident's analysis`);
    }
  }
  if (body.lines !== undefined && body.lines !== null) {
    const [from, to] = body.lines;
    if (from > to) throw unprocessable('lines must be [from, to] with from <= to');
    if (to > incident.lineCount) throw unprocessable(`lines go past the end of the dump (${incident.lineCount} lines)`);
  }
  if (body.body !== undefined && body.body.trim() === '') throw unprocessable('body is empty');
}

const cleanAuthor = (author: string | null | undefined) => (author === undefined ? undefined : author?.trim() || null);

export const annotationRoutes: FastifyPluginAsync<{ deps: RouteDeps }> = async (app, { deps }) => {
  const { store } = deps;

  async function loadAnnotation(id: string, annotationId: string | undefined): Promise<Annotation> {
    const annotation =
      annotationId && isAnnotationId(annotationId) ? await store.getAnnotation(id, annotationId) : null;
    if (!annotation) throw notFound('annotation');
    return annotation;
  }

  app.get<{ Params: { id: string } }>(
    '/api/incidents/:id/annotations',
    {
      schema: {
        summary: 'Annotations of an incident, oldest first',
        params,
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: annotationSchema } },
            required: ['items'],
          },
          404: errorSchema,
        },
      },
    },
    async (request) => {
      const incident = await loadIncident(store, request.params.id);
      return { items: await store.listAnnotations(incident.id) };
    },
  );

  app.post<{ Params: { id: string }; Body: Required<Pick<AnnotationBody, 'body'>> & AnnotationBody }>(
    '/api/incidents/:id/annotations',
    {
      config: { ...writeLimit(deps), access: 'write' },
      schema: {
        summary: 'Annotate an incident, a graph node (target) or a line range (lines)',
        params,
        body: { type: 'object', properties: fields, required: ['body'], additionalProperties: false },
        response: { 201: annotationSchema, 400: errorSchema, 404: errorSchema, 422: errorSchema },
      },
    },
    async (request, reply) => {
      const incident = await loadIncident(store, request.params.id);
      await checkAgainstIncident(deps, incident, request.body);
      if ((await store.listAnnotations(incident.id)).length >= ANNOTATION_LIMITS.perIncident) {
        throw unprocessable(`an incident takes at most ${ANNOTATION_LIMITS.perIncident} annotations`);
      }
      const now = new Date().toISOString();
      const annotation: Annotation = {
        id: newAnnotationId(),
        incidentId: incident.id,
        target: request.body.target ?? null,
        lines: request.body.lines ?? null,
        body: request.body.body,
        author: authorFor(request, cleanAuthor(request.body.author) ?? null),
        createdAt: now,
        updatedAt: now,
      };
      await store.addAnnotation(annotation);
      await recordAudit(store, request, incident.id, 'annotation.add', {
        annotationId: annotation.id,
        target: annotation.target,
        lines: annotation.lines,
      });
      return reply.code(201).send(annotation);
    },
  );

  app.patch<{ Params: { id: string; annotationId: string }; Body: AnnotationBody }>(
    '/api/incidents/:id/annotations/:annotationId',
    {
      config: { ...writeLimit(deps), access: 'write' },
      schema: {
        summary: 'Edit an annotation (its author or an admin)',
        params,
        body: { type: 'object', properties: fields, additionalProperties: false, minProperties: 1 },
        response: { 200: annotationSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema, 422: errorSchema },
      },
    },
    async (request) => {
      const incident = await loadIncident(store, request.params.id);
      const current = await loadAnnotation(incident.id, request.params.annotationId);
      assertMayChange(request, current.author, 'annotation');
      await checkAgainstIncident(deps, incident, request.body);
      const patch: AnnotationPatch = { ...request.body, author: cleanAuthor(request.body.author) };
      // Signed in, the author is who wrote it: not rewritten by an edit.
      if (patch.author === undefined || actorOf(request) !== null) delete patch.author;
      const updated = await store.updateAnnotation(
        incident.id,
        request.params.annotationId,
        patch,
        new Date().toISOString(),
      );
      if (!updated) throw notFound('annotation');
      await recordAudit(store, request, incident.id, 'annotation.edit', {
        annotationId: updated.id,
        fields: Object.keys(request.body).sort(),
      });
      return updated;
    },
  );

  app.delete<{ Params: { id: string; annotationId: string } }>(
    '/api/incidents/:id/annotations/:annotationId',
    {
      config: { ...writeLimit(deps), access: 'write' },
      schema: {
        summary: 'Delete an annotation (its author or an admin)',
        params,
        response: { 204: { type: 'null' }, 403: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const incident = await loadIncident(store, request.params.id);
      const current = await loadAnnotation(incident.id, request.params.annotationId);
      assertMayChange(request, current.author, 'annotation');
      await store.deleteAnnotation(incident.id, request.params.annotationId);
      await recordAudit(store, request, incident.id, 'annotation.delete', {
        annotationId: current.id,
        author: current.author,
      });
      return reply.code(204).send();
    },
  );
};
