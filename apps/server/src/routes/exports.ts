import type { AnalysisDocument } from '@hangscope/analyzer';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { graphToDot } from '../export/graph-dot.js';
import { graphToSvg } from '../export/graph-svg.js';
import { buildMarkdownReport } from '../export/report-md.js';
import type { RouteDeps } from './deps.js';
import { loadIncident, sendPieces } from './incidents.js';
import { fullJsonPieces, parseFullDocument } from '../store/compact-json.js';
import { errorSchema, idParams } from './schemas.js';
import { readLimit } from '../plugins/external.js';
import { redactIncident, type RedactedIncident } from '../services/redaction.js';
import type { Annotation, IncidentDetail, IncidentStore, MitigationRevision } from '../store/types.js';

const attachment = (id: string, ext: string) => `attachment; filename="hangscope-${id}.${ext}"`;

/** `?download=1` asks for a file download; by default exports open in the browser. */
const disposition = (request: FastifyRequest, id: string, ext: string) =>
  (request.query as { download?: string }).download ? attachment(id, ext) : `inline; filename="hangscope-${id}.${ext}"`;

export const exportQuery = {
  type: 'object',
  properties: {
    download: { type: 'string', maxLength: 5 },
    redact: {
      type: 'string',
      maxLength: 5,
      description: '1: host names, addresses, e-mail and home paths replaced (redact/redact.ts), analysed again',
    },
    kaslr: {
      type: 'string',
      maxLength: 5,
      description: 'with redact: 0 keeps kernel addresses (default: moved by secret offsets)',
    },
  },
} as const;

const exportSchema = (summary: string) => ({
  summary,
  params: idParams,
  querystring: exportQuery,
  response: { 200: { type: 'string' }, 404: errorSchema },
});

const yes = (v: string | undefined) => v !== undefined && v !== '' && v !== '0' && v !== 'false';

/** What an export is made of: the incident as stored, or its redacted copy. */
export interface ExportSource {
  incident: IncidentDetail;
  doc: AnalysisDocument | null;
  annotations: () => Promise<Annotation[]>;
  mitigation: () => Promise<MitigationRevision | null>;
  /** The redacted copy, when this is one (its analysis is sent as built, not as stored). */
  redacted: RedactedIncident | null;
}

export function redactedSource(r: RedactedIncident): ExportSource {
  return {
    incident: r.incident,
    doc: r.doc,
    annotations: async () => r.annotations,
    mitigation: async () => r.mitigation,
    redacted: r,
  };
}

/** Send one export of `src`; `pageUrl` is where the report says the incident lives. */
export async function sendExport(
  kind: 'md' | 'dot' | 'svg' | 'json',
  request: FastifyRequest,
  reply: FastifyReply,
  store: IncidentStore,
  src: ExportSource,
  pageUrl: string,
): Promise<FastifyReply> {
  const { incident, doc } = src;
  const name = src.redacted ? `${incident.id}.redacted` : incident.id;
  if (src.redacted) reply.header('x-hangscope-redacted', '1');
  if (kind === 'md') {
    const report = buildMarkdownReport({
      incident,
      doc: doc as AnalysisDocument,
      pageUrl,
      mitigation: await src.mitigation(),
      annotations: await src.annotations(),
    });
    return reply
      .type('text/markdown; charset=utf-8')
      .header('content-disposition', disposition(request, name, 'md'))
      .send(report);
  }
  if (kind === 'dot') {
    return reply
      .type('text/vnd.graphviz; charset=utf-8')
      .header('content-disposition', disposition(request, name, 'dot'))
      .send(graphToDot(doc as AnalysisDocument, incident.title));
  }
  if (kind === 'svg') {
    // An SVG opened directly is a document: forbid any script in it, whatever it holds.
    return reply
      .type('image/svg+xml; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .header('content-disposition', disposition(request, name, 'svg'))
      .send(graphToSvg(doc as AnalysisDocument, incident.title));
  }
  reply
    .type('application/json; charset=utf-8')
    .header('content-disposition', disposition(request, name, 'analysis.json'));
  if (src.redacted) return reply.send(JSON.stringify(doc));
  const stored = await store.getAnalysis(incident.id);
  if (!stored) return reply.send('null');
  // The full document, expanded from the compact form where stored so, streamed.
  const { pieces, length } = fullJsonPieces(stored);
  return sendPieces(reply, pieces, length, false);
}

/** The page URL a report links to: absolute when the Host header is plain. */
export function absoluteUrl(request: FastifyRequest, path: string): string {
  const host = request.headers.host;
  return host && /^[\w.:[\]-]+$/.test(host) ? `${request.protocol}://${host}${path}` : path;
}

export const exportRoutes: FastifyPluginAsync<{ deps: RouteDeps }> = async (app, { deps }) => {
  const { store } = deps;

  async function load(request: FastifyRequest<{ Params: { id: string } }>, withDoc: boolean): Promise<ExportSource> {
    const incident = await loadIncident(store, request.params.id);
    const q = request.query as { redact?: string; kaslr?: string };
    if (yes(q.redact)) {
      return redactedSource(
        await redactIncident(store, deps.analysis, incident, { kaslr: q.kaslr === undefined || yes(q.kaslr) }),
      );
    }
    const stored = withDoc ? await store.getAnalysis(incident.id) : null;
    return {
      incident,
      doc: stored ? parseFullDocument(stored) : null,
      annotations: () => store.listAnnotations(incident.id),
      mitigation: async () => (await store.mitigationHistory(incident.id))[0] ?? null,
      redacted: null,
    };
  }

  const routes = [
    ['report.md', 'md', 'Markdown report for a ticket'],
    ['graph.dot', 'dot', 'Wait-for graph in Graphviz DOT'],
    ['graph.svg', 'svg', 'Wait-for graph as SVG'],
    ['analysis.json', 'json', 'The analysis document'],
  ] as const;
  for (const [file, kind, summary] of routes) {
    app.get<{ Params: { id: string } }>(
      `/api/incidents/:id/${file}`,
      { schema: exportSchema(`${summary} (?redact=1: redacted)`), config: readLimit(deps) },
      async (request, reply) => {
        const src = await load(request, kind !== 'json');
        return sendExport(kind, request, reply, store, src, absoluteUrl(request, `/i/${src.incident.id}`));
      },
    );
  }
};
