import { createHash } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, badRequest, notFound } from '../errors.js';
import { incidentUrl, isIncidentId } from '../ids.js';
import { LIMITS, optionalText, parseTags } from '../ingest/metadata.js';
import { readRawBytes } from '../services/raw.js';
import { chunked, fullJsonPieces } from '../store/compact-json.js';
import { gzipAround, inflateDocument, inflateDocumentSync } from '../store/document.js';
import { toFtsQuery } from '../store/search-query.js';
import {
  INCIDENT_STATUSES,
  type IncidentDetail,
  type IncidentPatch,
  type IncidentStatus,
  type IncidentStore,
  type IncidentSummary,
  type ListFilter,
  type StoredIncidentDetail,
  type StoredIncidentHead,
} from '../store/types.js';
import { readLimit, writeLimit } from '../plugins/external.js';
import { recordAudit } from '../services/audit.js';
import type { RouteDeps } from './deps.js';
import { errorSchema, idParams, incidentDetailSchema, incidentSummarySchema } from './schemas.js';

export const summaryJson = (s: IncidentSummary) => ({ ...s, url: incidentUrl(s.id) });

/** The incident or a 404; a malformed id is a 404 too (it cannot name an incident). */
export async function loadIncident(store: IncidentStore, id: string): Promise<IncidentDetail> {
  const incident = isIncidentId(id) ? await store.get(id) : null;
  if (!incident) throw notFound();
  return incident;
}

/** The incident's fields and its analysis's tag, without reading the analysis; 404 if none. */
export async function loadStoredHead(store: IncidentStore, id: string): Promise<StoredIncidentHead> {
  const incident = isIncidentId(id) ? await store.getStoredHead(id) : null;
  if (!incident) throw notFound();
  return incident;
}

/** Compressed analyses up to this size (≈1 MB of JSON, well under a millisecond) are inflated on the event loop. */
const SYNC_INFLATE_MAX = 64 * 1024;

/** Whether an Accept-Encoding header allows gzip (q=0 refuses it, `*` allows it). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  if (header === undefined) return false;
  let gzip: number | null = null;
  let star: number | null = null;
  for (const part of (Array.isArray(header) ? header.join(',') : header).split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (name === 'gzip' || name === 'x-gzip') gzip = Number.isNaN(q) ? 0 : q;
    else if (name === '*') star = Number.isNaN(q) ? 0 : q;
  }
  return (gzip ?? star ?? 0) > 0;
}

/**
 * Send the detail response from the stored analysis without parsing it: the fields
 * as a small JSON head, then the analysis bytes, then `}`. A compressed analysis goes
 * out as stored inside one gzip member when the client accepts gzip, and is inflated
 * (on the thread pool) otherwise. The JSON is the same either way. An ETag over the
 * fields and the analysis version lets the web app revalidate for a 304.
 */
export async function sendDetail(
  request: FastifyRequest,
  reply: FastifyReply,
  incident: StoredIncidentDetail,
): Promise<FastifyReply> {
  const { analysis, analysisTag, userTitle: _userTitle, ...fields } = incident;
  const headJson = JSON.stringify({ ...fields, url: incidentUrl(incident.id) });
  const head = `${headJson.slice(0, -1)},"analysis":`;
  const gzip = analysis.encoding !== 'identity' && acceptsGzip(request.headers['accept-encoding']);
  const etag = `"${createHash('sha256').update(head).update('\0').update(analysisTag).digest('base64url').slice(0, 27)}${gzip ? '-gz' : ''}"`;
  reply
    .type('application/json; charset=utf-8')
    .header('cache-control', 'no-cache')
    .header('vary', 'accept-encoding')
    .header('etag', etag);
  const inm = request.headers['if-none-match'];
  if (inm !== undefined && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
    return reply.code(304).send();
  }
  if (analysis.encoding === 'identity') return reply.send(`${head}${analysis.json}}`);
  const headBytes = Buffer.from(head, 'utf8');
  const tail = Buffer.from('}');
  if (analysis.form === 'compact') {
    // Stored compact (a big analysis): the full JSON is spliced from the compact JSON's
    // bytes and streamed, never built as one string or object.
    const { pieces, length } = fullJsonPieces({ form: 'compact', json: await inflateDocument(analysis.data) });
    return sendPieces(
      reply,
      [headBytes, ...pieces, tail],
      headBytes.length + length + tail.length,
      acceptsGzip(request.headers['accept-encoding']),
    );
  }
  if (gzip) return reply.header('content-encoding', 'gzip').send(Buffer.concat(gzipAround(headBytes, analysis, tail)));
  // Small documents inflate faster in place than through the thread pool's streams.
  const json =
    analysis.data.length <= SYNC_INFLATE_MAX
      ? inflateDocumentSync(analysis.data)
      : await inflateDocument(analysis.data);
  return reply.send(Buffer.concat([headBytes, json, tail], headBytes.length + json.length + 1));
}

/**
 * Send JSON pieces as one response body in ~1 MB writes: plain with its length, or
 * gzip-compressed (level 1, on the thread pool, streamed as it is produced).
 */
export function sendPieces(reply: FastifyReply, pieces: Buffer[], length: number, gzip: boolean): FastifyReply {
  const body = Readable.from(chunked(pieces), { objectMode: false });
  if (!gzip) return reply.header('content-length', length).send(body);
  const gz = createGzip({ level: 1 });
  pipeline(body, gz, () => {}); // an error destroys gz, which ends the response
  return reply.header('content-encoding', 'gzip').send(gz);
}

/** The stored incident or a 404 (a malformed id is a 404 too). */
async function loadStored(store: IncidentStore, id: string): Promise<StoredIncidentDetail> {
  const incident = isIncidentId(id) ? await store.getStored(id) : null;
  if (!incident) throw notFound();
  return incident;
}

/** ISO timestamp from a date or date-time; a bare date as `to` means the end of that day. */
function parseDateBound(value: string | undefined, field: string, endOfDay: boolean): string | undefined {
  if (value === undefined || value === '') return undefined;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const ms = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms))
    throw badRequest(`${field} is not a date (use ISO 8601, e.g. 2026-11-21 or 2026-11-21T10:00:00Z)`);
  return new Date(dateOnly && endOfDay ? ms + 86_400_000 - 1 : ms).toISOString();
}

interface ListQuery {
  cursor?: string;
  limit: number;
  kind?: string;
  fingerprint?: string;
  kernel?: string;
  host?: string;
  tag?: string;
  status?: IncidentStatus;
  from?: string;
  to?: string;
  q?: string;
}

interface PatchBody {
  pinned?: boolean;
  status?: IncidentStatus;
  duplicateOf?: string | null;
  groupSplit?: boolean;
  title?: string | null;
  host?: string | null;
  tags?: string[] | string;
}

const filterString = { type: 'string', minLength: 1, maxLength: 255 } as const;

export const incidentRoutes: FastifyPluginAsync<{ deps: RouteDeps }> = async (app, { deps }) => {
  const { store } = deps;

  app.get<{ Querystring: ListQuery }>(
    '/api/incidents',
    {
      schema: {
        summary: 'List incidents, newest first',
        querystring: {
          type: 'object',
          properties: {
            cursor: { type: 'string', maxLength: 64 },
            limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
            kind: filterString,
            fingerprint: filterString,
            kernel: filterString,
            host: filterString,
            tag: filterString,
            status: { type: 'string', enum: INCIDENT_STATUSES },
            from: { type: 'string', maxLength: 40 },
            to: { type: 'string', maxLength: 40 },
            q: {
              type: 'string',
              maxLength: 500,
              description: 'full-text search: titles, verdicts, frames, comms, annotations',
            },
          },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: incidentSummarySchema },
              nextCursor: { type: ['string', 'null'] },
            },
            required: ['items', 'nextCursor'],
          },
          400: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const filter: ListFilter = {
        kind: q.kind,
        fingerprint: q.fingerprint,
        kernel: q.kernel,
        host: q.host,
        tag: q.tag,
        status: q.status,
        from: parseDateBound(q.from, 'from', false),
        to: parseDateBound(q.to, 'to', true),
      };
      if (q.q !== undefined && q.q.trim() !== '') {
        const match = toFtsQuery(q.q);
        // Only punctuation: nothing can match, and an empty MATCH would be an error.
        if (match === null) return { items: [], nextCursor: null };
        filter.match = match;
      }
      // The body as the store wrote it (the response schema above documents it).
      const body = await store.listJson(filter, q.cursor || null, q.limit);
      return reply.type('application/json; charset=utf-8').send(body);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/incidents/:id',
    {
      schema: {
        summary: 'One incident with its analysis',
        params: idParams,
        response: { 200: incidentDetailSchema, 404: errorSchema },
      },
    },
    async (request, reply) => sendDetail(request, reply, await loadStored(store, request.params.id)),
  );

  app.get<{ Params: { id: string } }>(
    '/api/incidents/:id/raw',
    {
      config: readLimit(deps),
      schema: {
        summary: 'The dump exactly as uploaded',
        params: idParams,
        response: { 200: { type: 'string' }, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const bytes = isIncidentId(request.params.id) ? await readRawBytes(store, request.params.id) : null;
      if (!bytes) throw notFound();
      // The bytes may not be valid UTF-8 (a few invalid sequences are accepted); they
      // are sent as stored. nosniff keeps browsers from guessing another type.
      return reply
        .type('text/plain; charset=utf-8')
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', `inline; filename="${request.params.id}.txt"`)
        .send(bytes);
    },
  );

  app.patch<{ Params: { id: string }; Body: PatchBody }>(
    '/api/incidents/:id',
    {
      config: { ...writeLimit(deps), access: 'write' },
      schema: {
        summary:
          'Change status (duplicate: of another incident, whose group it joins), group (groupSplit: moved out of its group), pin, title, host or tags',
        params: idParams,
        body: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: INCIDENT_STATUSES },
            duplicateOf: { type: ['string', 'null'], maxLength: 64 },
            groupSplit: { type: 'boolean' },
            pinned: { type: 'boolean', description: 'kept by retention (HANGSCOPE_RETENTION_DAYS) whatever its age' },
            title: { type: ['string', 'null'], maxLength: LIMITS.title },
            host: { type: ['string', 'null'], maxLength: LIMITS.host },
            tags: {
              anyOf: [
                { type: 'array', items: { type: 'string', maxLength: LIMITS.tag }, maxItems: LIMITS.tags },
                { type: 'string', maxLength: 2000 },
              ],
            },
          },
          additionalProperties: false,
          minProperties: 1,
        },
        response: { 200: incidentDetailSchema, 400: errorSchema, 404: errorSchema, 422: errorSchema },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const current = await loadIncident(store, id);
      const body = request.body;
      const patch: IncidentPatch = {};
      if (body.status !== undefined) {
        patch.status = body.status;
        if (body.status === 'duplicate') {
          const target = body.duplicateOf;
          if (!target) throw badRequest('status "duplicate" needs duplicateOf: the id of the original incident');
          if (target === id) throw new HttpError(422, 'invalid_duplicate', 'an incident cannot duplicate itself');
          if (!isIncidentId(target) || !(await store.get(target))) {
            throw new HttpError(422, 'invalid_duplicate', 'duplicateOf does not name an existing incident');
          }
          patch.duplicateOf = target;
          // Marked a duplicate: it joins the original's group, even if moved out before.
          patch.groupSplit = false;
        } else {
          patch.duplicateOf = null;
        }
      } else if (body.duplicateOf !== undefined) {
        throw badRequest('duplicateOf is set together with status "duplicate"');
      }
      if (body.groupSplit !== undefined) patch.groupSplit = body.groupSplit;
      if (body.title !== undefined) patch.userTitle = optionalText(body.title, 'title', LIMITS.title);
      if (body.host !== undefined) patch.host = optionalText(body.host, 'host', LIMITS.host);
      if (body.tags !== undefined) patch.tags = parseTags(body.tags);
      if (body.pinned !== undefined) patch.pinned = body.pinned;
      const updated = await store.update(current.id, patch);
      if (!updated) throw notFound();
      if (body.status !== undefined && (body.status !== current.status || patch.duplicateOf !== undefined)) {
        await recordAudit(store, request, id, 'status', {
          from: current.status,
          to: body.status,
          ...(patch.duplicateOf ? { duplicateOf: patch.duplicateOf } : {}),
        });
      }
      if (body.groupSplit !== undefined)
        await recordAudit(store, request, id, 'status', { groupSplit: body.groupSplit });
      if (body.pinned !== undefined && body.pinned !== current.pinned)
        await recordAudit(store, request, id, 'pin', { pinned: body.pinned });
      const details = changedDetails(current, patch);
      if (details) await recordAudit(store, request, id, 'details', details);
      return sendDetail(request, reply, await loadStored(store, current.id));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/incidents/:id/audit',
    {
      schema: {
        summary:
          'Every change to status, pin, title, host, tags, mitigation note and annotations, oldest first: who and when',
        params: idParams,
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    at: { type: 'string' },
                    actor: { type: ['string', 'null'] },
                    action: { type: 'string' },
                    detail: { type: 'object', additionalProperties: true },
                  },
                  required: ['at', 'actor', 'action', 'detail'],
                },
              },
            },
            required: ['items'],
          },
          404: errorSchema,
        },
      },
    },
    async (request) => ({ items: await store.listAudit((await loadIncident(store, request.params.id)).id) }),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/incidents/:id',
    {
      config: { ...writeLimit(deps), access: 'admin' },
      schema: {
        summary:
          'Delete an incident and everything of it: dump, analysis, views, annotations, notes, audit list, share links, search rows',
        params: idParams,
        response: { 204: { type: 'null' }, 404: errorSchema },
      },
    },
    async (request, reply) => {
      if (!isIncidentId(request.params.id) || !(await store.deleteIncident(request.params.id))) throw notFound();
      deps.views.forget(request.params.id);
      request.log.info({ incident: request.params.id, by: request.principal?.name ?? null }, 'incident deleted');
      return reply.code(204).send();
    },
  );
};

/** Title, host and tags as they were and became, for the audit list; null when none changed. */
function changedDetails(
  current: { userTitle: string | null; host: string | null; tags: string[] },
  patch: IncidentPatch,
): Record<string, { from: unknown; to: unknown }> | null {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  if (patch.userTitle !== undefined && patch.userTitle !== current.userTitle)
    out.title = { from: current.userTitle, to: patch.userTitle };
  if (patch.host !== undefined && patch.host !== current.host) out.host = { from: current.host, to: patch.host };
  if (patch.tags !== undefined && patch.tags.join('\n') !== current.tags.join('\n'))
    out.tags = { from: current.tags, to: patch.tags };
  return Object.keys(out).length ? out : null;
}
