import type { AnalysisDocument } from '@hangscope/analyzer';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { graphToDot } from '../export/graph-dot.js';
import { graphToSvg } from '../export/graph-svg.js';
import { buildMarkdownReport } from '../export/report-md.js';
import type { RouteDeps } from './deps.js';
import { loadIncident, sendPieces } from './incidents.js';
import { fullJsonPieces, parseFullDocument } from '../store/compact-json.js';
import { errorSchema, idParams } from './schemas.js';
import { readLimit } from '../plugins/external.js';

const attachment = (id: string, ext: string) => `attachment; filename="hangscope-${id}.${ext}"`;

/** `?download=1` asks for a file download; by default exports open in the browser. */
const disposition = (request: FastifyRequest, id: string, ext: string) =>
  (request.query as { download?: string }).download ? attachment(id, ext) : `inline; filename="hangscope-${id}.${ext}"`;

const exportSchema = (summary: string) => ({
  summary,
  params: idParams,
  querystring: { type: 'object', properties: { download: { type: 'string', maxLength: 5 } } },
  response: { 200: { type: 'string' }, 404: errorSchema },
});

export const exportRoutes: FastifyPluginAsync<{ deps: RouteDeps }> = async (app, { deps }) => {
  const { store } = deps;

  async function load(id: string) {
    const incident = await loadIncident(store, id);
    const stored = await store.getAnalysis(incident.id);
    return { incident, doc: (stored ? parseFullDocument(stored) : null) as AnalysisDocument };
  }

  app.get<{ Params: { id: string } }>('/api/incidents/:id/report.md', { schema: exportSchema('Markdown report for a ticket'), config: readLimit(deps) }, async (request, reply) => {
    const { incident, doc } = await load(request.params.id);
    const host = request.headers.host;
    const path = `/i/${incident.id}`;
    const report = buildMarkdownReport({
      incident,
      doc,
      pageUrl: host && /^[\w.:[\]-]+$/.test(host) ? `${request.protocol}://${host}${path}` : path,
      mitigation: (await store.mitigationHistory(incident.id))[0] ?? null,
      annotations: await store.listAnnotations(incident.id),
    });
    return reply.type('text/markdown; charset=utf-8').header('content-disposition', disposition(request, incident.id, 'md')).send(report);
  });

  app.get<{ Params: { id: string } }>('/api/incidents/:id/graph.dot', { schema: exportSchema('Wait-for graph in Graphviz DOT'), config: readLimit(deps) }, async (request, reply) => {
    const { incident, doc } = await load(request.params.id);
    return reply
      .type('text/vnd.graphviz; charset=utf-8')
      .header('content-disposition', disposition(request, incident.id, 'dot'))
      .send(graphToDot(doc, incident.title));
  });

  app.get<{ Params: { id: string } }>('/api/incidents/:id/graph.svg', { schema: exportSchema('Wait-for graph as SVG'), config: readLimit(deps) }, async (request, reply) => {
    const { incident, doc } = await load(request.params.id);
    // An SVG opened directly is a document: forbid any script in it, whatever it holds.
    return reply
      .type('image/svg+xml; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .header('content-disposition', disposition(request, incident.id, 'svg'))
      .send(graphToSvg(doc, incident.title));
  });

  app.get<{ Params: { id: string } }>('/api/incidents/:id/analysis.json', { schema: exportSchema('The analysis document'), config: readLimit(deps) }, async (request, reply) => {
    const incident = await loadIncident(store, request.params.id);
    const stored = await store.getAnalysis(incident.id);
    reply.type('application/json; charset=utf-8').header('content-disposition', disposition(request, incident.id, 'analysis.json'));
    if (!stored) return reply.send('null');
    // The full document, expanded from the compact form where stored so, streamed.
    const { pieces, length } = fullJsonPieces(stored);
    return sendPieces(reply, pieces, length, false);
  });
};
