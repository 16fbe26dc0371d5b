import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { analysisInputOf, type AnalysisInput, type DeriveJob } from '../derive/jobs.js';
import type { RouteDeps } from './deps.js';
import { loadIncident, loadStoredHead, sendPieces } from './incidents.js';
import { notFound } from '../errors.js';
import { fullJsonPieces } from '../store/compact-json.js';
import { inflateDocument } from '../store/document.js';
import { errorSchema, idParams } from './schemas.js';
import { readLimit } from '../plugins/external.js';
import { redactIncident, type RedactedIncident } from '../services/redaction.js';
import type { Annotation, IncidentDetail, MitigationRevision } from '../store/types.js';

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

/** What a report or graph is built from, besides the analysis. */
type ExportInputs =
  Omit<Extract<DeriveJob, { kind: 'md' }>, 'analysis'> | Omit<Extract<DeriveJob, { kind: 'dot' | 'svg' }>, 'analysis'>;

/** What an export is made of: the incident as stored, or its redacted copy. */
export interface ExportSource {
  incident: Omit<IncidentDetail, 'analysisJson'>;
  /** Its analysis as stored (compressed), read only when an export is built from it. */
  analysis: () => Promise<AnalysisInput>;
  annotations: () => Promise<Annotation[]>;
  mitigation: () => Promise<MitigationRevision | null>;
  /** A redacted copy: its analysis is the redacted text's, not the stored one. */
  redacted: boolean;
  /** Names the analysis for the cache of built exports (incident id and analysis tag); null: not kept. */
  analysisKey: string | null;
}

export function redactedSource(r: RedactedIncident): ExportSource {
  return {
    incident: r.incident,
    analysis: async () => ({ form: r.document.form ?? 'full', encoding: r.document.encoding, data: r.document.data }),
    annotations: async () => r.annotations,
    mitigation: async () => r.mitigation,
    redacted: true,
    analysisKey: null,
  };
}

/**
 * Send one export of `src`; `pageUrl` is where the report says the incident lives. The
 * report and graphs are built in the derive workers (derive/jobs.ts), once for the same
 * analysis and inputs (kept in `deps.exports`): the event loop only reads rows and sends
 * bytes. A full derive queue answers 503 with Retry-After.
 */
export async function sendExport(
  kind: 'md' | 'dot' | 'svg' | 'json',
  request: FastifyRequest,
  reply: FastifyReply,
  deps: Pick<RouteDeps, 'derive' | 'exports'>,
  src: ExportSource,
  pageUrl: string,
): Promise<FastifyReply> {
  const { incident } = src;
  const name = src.redacted ? `${incident.id}.redacted` : incident.id;
  if (src.redacted) reply.header('x-hangscope-redacted', '1');
  /**
   * Built in a derive worker, once for the same analysis and inputs (derive/cache.ts):
   * a request that finds it built reads no analysis at all.
   */
  const built = (inputs: ExportInputs): Promise<Buffer> => {
    const run = async () =>
      deps.derive.run({ ...inputs, analysis: await src.analysis() } as DeriveJob) as Promise<Buffer>;
    if (src.analysisKey === null) return run();
    const hash = createHash('sha256').update(JSON.stringify(inputs)).digest('base64url');
    return deps.exports.get(`${src.analysisKey}\0${hash}`, run);
  };
  if (kind === 'md') {
    const [mitigation, annotations] = [await src.mitigation(), await src.annotations()];
    const report = await built({ kind: 'md', incident, pageUrl, mitigation, annotations });
    return reply
      .type('text/markdown; charset=utf-8')
      .header('content-disposition', disposition(request, name, 'md'))
      .send(report);
  }
  if (kind === 'dot') {
    const dot = await built({ kind: 'dot', title: incident.title });
    return reply
      .type('text/vnd.graphviz; charset=utf-8')
      .header('content-disposition', disposition(request, name, 'dot'))
      .send(dot);
  }
  if (kind === 'svg') {
    const svg = await built({ kind: 'svg', title: incident.title });
    // An SVG opened directly is a document: forbid any script in it, whatever it holds.
    return reply
      .type('image/svg+xml; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .header('content-disposition', disposition(request, name, 'svg'))
      .send(svg);
  }
  reply
    .type('application/json; charset=utf-8')
    .header('content-disposition', disposition(request, name, 'analysis.json'));
  // The full document, expanded from the compact form where stored so (a byte scan, no
  // parse), inflated on the thread pool, streamed.
  const analysis = await src.analysis();
  const data = Buffer.from(analysis.data.buffer, analysis.data.byteOffset, analysis.data.byteLength);
  const json = analysis.encoding === 'identity' ? data : await inflateDocument(data);
  const { pieces, length } = fullJsonPieces({ form: analysis.form, json });
  return sendPieces(reply, pieces, length, false);
}

/** The page URL a report links to: absolute when the Host header is plain. */
export function absoluteUrl(request: FastifyRequest, path: string): string {
  const host = request.headers.host;
  return host && /^[\w.:[\]-]+$/.test(host) ? `${request.protocol}://${host}${path}` : path;
}

export const exportRoutes: FastifyPluginAsync<{ deps: RouteDeps }> = async (app, { deps }) => {
  const { store } = deps;

  async function load(request: FastifyRequest<{ Params: { id: string } }>): Promise<ExportSource> {
    const q = request.query as { redact?: string; kaslr?: string };
    if (yes(q.redact)) {
      const incident = await loadIncident(store, request.params.id);
      return redactedSource(
        await redactIncident(store, deps, incident, { kaslr: q.kaslr === undefined || yes(q.kaslr) }),
      );
    }
    const { analysisTag, ...incident } = await loadStoredHead(store, request.params.id);
    return {
      incident,
      analysis: async () => {
        const stored = await store.getStored(incident.id);
        if (!stored) throw notFound();
        return analysisInputOf(stored.analysis);
      },
      annotations: () => store.listAnnotations(incident.id),
      mitigation: async () => (await store.mitigationHistory(incident.id))[0] ?? null,
      redacted: false,
      // An uncompressed analysis (from before 0003) has no tag: its exports are not kept.
      analysisKey: analysisTag ? `${incident.id}\0${analysisTag}` : null,
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
        const src = await load(request);
        return sendExport(kind, request, reply, deps, src, absoluteUrl(request, `/i/${src.incident.id}`));
      },
    );
  }
};
