// Redacted sharing: the incident's dump and exports with host names, addresses, e-mail
// and home paths replaced, at a link anyone may open (to paste into a public bug
// report), while the original stays with those whose role may read it.
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { notFound } from '../errors.js';
import { isIncidentId } from '../ids.js';
import { readLimit, writeLimit } from '../plugins/external.js';
import { actorOf } from '../services/audit.js';
import { redactIncident } from '../services/redaction.js';
import type { RouteDeps } from './deps.js';
import { absoluteUrl, exportQuery, redactedSource, sendExport } from './exports.js';
import { loadIncident } from './incidents.js';
import { errorSchema, idParams } from './schemas.js';

const shareParams = {
  type: 'object',
  properties: { share: { type: 'string', maxLength: 64 } },
  required: ['share'],
} as const;

/** Where a share link's files are. */
export const shareUrl = (id: string, file = '') => `/api/shared/${id}${file ? `/${file}` : ''}`;

export const shareRoutes: FastifyPluginAsync<{ deps: RouteDeps }> = async (app, { deps }) => {
  const { store } = deps;

  app.get<{ Params: { id: string }; Querystring: { kaslr?: string } }>(
    '/api/incidents/:id/redacted.txt',
    {
      config: readLimit(deps),
      schema: {
        summary: 'The dump redacted (kaslr=0 keeps kernel addresses)',
        params: idParams,
        querystring: exportQuery,
        response: { 200: { type: 'string' }, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const incident = await loadIncident(store, request.params.id);
      const { text } = await redactIncident(store, deps, incident, { kaslr: request.query.kaslr !== '0' });
      return reply
        .type('text/plain; charset=utf-8')
        .header('x-content-type-options', 'nosniff')
        .header('x-hangscope-redacted', '1')
        .send(text);
    },
  );

  app.post<{ Params: { id: string }; Body: { kaslr?: boolean } | undefined }>(
    '/api/incidents/:id/shares',
    {
      config: { ...writeLimit(deps), access: 'write' },
      schema: {
        summary:
          'Make a redacted share link: the report, dump, graph and analysis, redacted, for anyone holding the link',
        params: idParams,
        body: { type: ['object', 'null'], properties: { kaslr: { type: 'boolean' } }, additionalProperties: false },
        response: {
          201: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              url: { type: 'string' },
              raw: { type: 'string' },
              analysis: { type: 'string' },
              svg: { type: 'string' },
              kaslr: { type: 'boolean' },
            },
            required: ['id', 'url', 'raw', 'analysis', 'svg', 'kaslr'],
          },
          404: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const incident = await loadIncident(store, request.params.id);
      const id = randomBytes(16).toString('base64url');
      const kaslr = request.body?.kaslr ?? true;
      await store.createShare({
        id,
        incidentId: incident.id,
        createdAt: new Date().toISOString(),
        createdBy: actorOf(request),
        kaslr,
      });
      request.log.info({ incident: incident.id, share: id }, 'redacted share link made');
      return reply.code(201).send({
        id,
        url: shareUrl(id),
        raw: shareUrl(id, 'raw'),
        analysis: shareUrl(id, 'analysis.json'),
        svg: shareUrl(id, 'graph.svg'),
        kaslr,
      });
    },
  );

  async function loadShare(shareId: string) {
    const share = isIncidentId(shareId) ? await store.getShare(shareId) : null;
    if (!share) throw notFound('share link');
    const incident = await store.get(share.incidentId);
    if (!incident) throw notFound('share link');
    return {
      share,
      redacted: await redactIncident(store, deps, incident, { kaslr: share.kaslr, shownId: share.id }),
    };
  }

  const files = [
    ['', 'md', 'The redacted report (Markdown)'],
    ['/report.md', 'md', 'The redacted report (Markdown)'],
    ['/graph.svg', 'svg', 'The redacted wait-for graph (SVG)'],
    ['/graph.dot', 'dot', 'The redacted wait-for graph (DOT)'],
    ['/analysis.json', 'json', 'The analysis of the redacted dump'],
  ] as const;
  for (const [file, kind, summary] of files) {
    app.get<{ Params: { share: string } }>(
      `/api/shared/:share${file}`,
      {
        config: { ...readLimit(deps), access: 'public' },
        schema: {
          summary,
          params: shareParams,
          querystring: exportQuery,
          response: { 200: { type: 'string' }, 404: errorSchema },
        },
      },
      async (request, reply) => {
        const { share, redacted } = await loadShare(request.params.share);
        return sendExport(
          kind,
          request,
          reply,
          deps,
          redactedSource(redacted),
          absoluteUrl(request, shareUrl(share.id)),
        );
      },
    );
  }

  app.get<{ Params: { share: string } }>(
    '/api/shared/:share/raw',
    {
      config: { ...readLimit(deps), access: 'public' },
      schema: {
        summary: 'The redacted dump',
        params: shareParams,
        response: { 200: { type: 'string' }, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const { share, redacted } = await loadShare(request.params.share);
      return reply
        .type('text/plain; charset=utf-8')
        .header('x-content-type-options', 'nosniff')
        .header('x-hangscope-redacted', '1')
        .header('content-disposition', `inline; filename="hangscope-${share.id}.redacted.txt"`)
        .send(redacted.text);
    },
  );
};
