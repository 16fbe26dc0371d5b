import type { FastifyPluginAsync } from 'fastify';
import { analysisInputOf, type AnalysisInput } from '../derive/jobs.js';
import type { AnalysisRecord, IncidentStore } from '../store/types.js';
import { badRequest, notFound } from '../errors.js';
import { isIncidentId } from '../ids.js';
import { readLimit } from '../plugins/external.js';
import { readAnalysisInput, readCaptureBytes } from '../services/captures.js';
import type { RouteDeps } from './deps.js';
import { errorSchema } from './schemas.js';

const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] } as const;

const captureSchema = {
  type: 'object',
  properties: {
    seq: { type: 'integer' },
    createdAt: { type: 'string' },
    size: { type: 'integer' },
    sha256: { type: 'string' },
  },
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
        summary: "The captures of an incident, oldest first (1: the incident's own dump)",
        params: idParams,
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: captureSchema } }, required: ['items'] },
          404: errorSchema,
        },
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
        params: {
          type: 'object',
          properties: {
            id: { type: 'string', maxLength: 64 },
            seq: { type: 'integer', minimum: 1, maximum: 1_000_000 },
          },
          required: ['id', 'seq'],
        },
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

  // Two captures of the incident (default: the last two), or the incident and another.
  app.get<{ Params: { id: string }; Querystring: { a?: number; b?: number; with?: string } }>(
    '/api/incidents/:id/diff',
    {
      config: readLimit(deps),
      schema: {
        summary:
          'Per task the same stack (stuck) or another (moved), locks whose owner changed, CPUs still stuck: two captures of the incident (a, b; default its last two) or the incident and another (with)',
        params: idParams,
        querystring: {
          type: 'object',
          properties: {
            a: { type: 'integer', minimum: 1, maximum: 1_000_000 },
            b: { type: 'integer', minimum: 1, maximum: 1_000_000 },
            with: { type: 'string', maxLength: 64 },
          },
        },
        response: { 400: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const q = request.query;
      if (!isIncidentId(id)) throw notFound();
      if (q.with !== undefined) {
        if (q.a !== undefined || q.b !== undefined)
          throw badRequest('give a and b (captures of this incident) or with (another incident), not both');
        const [docA, docB] = [
          await storedAnalysis(store, id),
          isIncidentId(q.with) ? await storedAnalysis(store, q.with) : null,
        ];
        if (!docA || !docB) throw notFound();
        const head = { a: { incident: id }, b: { incident: q.with } };
        const diff = await deps.derive.run({ kind: 'diff', a: docA, b: docB, head });
        if (!diff) throw notFound();
        return reply.type(JSON_TYPE).send(diff);
      }
      const captures = await store.listCaptures(id);
      if (!captures) throw notFound();
      const n = captures.length;
      if (n < 2 && q.a === undefined && q.b === undefined)
        throw badRequest(
          'the incident has one capture: add another (POST …/captures) or compare with another incident (with=ID)',
        );
      const a = q.a ?? n - 1;
      const b = q.b ?? n;
      if (a > n || b > n) throw notFound('capture');
      if (a === b) throw badRequest('a and b are the same capture');
      // Each capture analysed on its own, in the analysis workers like an upload.
      const docOf = async (seq: number) => {
        const bytes = await readCaptureBytes(store, id, seq);
        if (!bytes) throw notFound('capture');
        return documentOf(await deps.analysis.analyze(bytes));
      };
      const [docA, docB] = [await docOf(a), await docOf(b)];
      const info = (seq: number) => ({ incident: id, capture: seq, createdAt: captures[seq - 1].createdAt });
      const head = { a: info(a), b: info(b) };
      // Compared in a derive worker: both documents whole, parsed off the event loop.
      const diff = await deps.derive.run({ kind: 'diff', a: docA, b: docB, head });
      if (!diff) throw notFound('analysis of a capture');
      return reply.type(JSON_TYPE).send(diff);
    },
  );
};

const JSON_TYPE = 'application/json; charset=utf-8';

/** The analysis of a record (its compressed JSON, compact or full), as a derive job takes it. */
function documentOf(record: AnalysisRecord): AnalysisInput {
  const d = record.document;
  return { form: d.form ?? 'full', encoding: d.encoding, data: d.data };
}

/** An incident's stored analysis, as a derive job takes it; null: no such incident. */
async function storedAnalysis(store: IncidentStore, id: string): Promise<AnalysisInput | null> {
  const stored = await store.getStored(id);
  return stored ? analysisInputOf(stored.analysis) : null;
}
