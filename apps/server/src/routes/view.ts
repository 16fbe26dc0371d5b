// The incident page's own API: what the page draws first, without the whole analysis.
//
// The analysis of a 50 MB sysrq-t dump is ~90 MB of JSON (80,000 tasks with their
// stacks, 83,000 coverage segments); the page draws a graph of a few thousand nodes,
// the findings and the verdict. Downloading and parsing the rest kept the page blank
// for a minute. These routes send the page what it shows:
//
//   GET /api/incidents/:id/view
//       the incident's fields and `view`: verdict, findings, titles, kernel, the whole
//       wait-for graph, the tasks, locks, CPUs and works that are graph nodes (tasks in
//       the compact form: each distinct stack once in `stacks`), coverage (all of it when
//       short, else counts and the unparsed and prose segments), counts, and
//       the stack groups of all tasks, largest first (up to GROUPS_INLINE);
//   GET /api/incidents/:id/view/tasks?ids=task:1,task:2
//       any tasks by id, same compact form (a deep link to a task that is not drawn);
//   GET /api/incidents/:id/view/task-groups?offset=&limit=
//       further stack groups, same order.
//
// The full document stays at GET /api/incidents/:id and the analysis.json export.
// A view is computed once per stored analysis (reading the document is the expensive
// part: ~1 s for a 50 MB dump's) and kept, compressed, in a small in-memory cache; a
// fresh upload's view is built by the analysis worker from the document still in
// memory (~85 ms for that dump) and kept at once, so the page that follows an upload
// does not read the document back. A big analysis's view is also stored beside it in the
// database (migrations/0006; analyses of 1 MB of JSON and more), so the first page after
// a restart does not rebuild it either. The rest of the document is not kept: /view/tasks
// reads it again (a deep link to a task that is not drawn is rare). The view itself is
// built in view/page-view.ts.
//
// Documents stored by analyzer 0.1 carry each frame's input line on the frame, so no two
// tasks share a stack; the view moves those lines to `frameLines`, as 0.2 writes them,
// so its stacks are shared either way.
import { createHash } from 'node:crypto';
import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import { analysisInputOf } from '../derive/jobs.js';
import type { DeriveRunner } from '../derive/pool.js';
import { GROUPS_INLINE, VIEW_VERSION, type TaskGroupSummary } from '../view/page-view.js';
import { badRequest, notFound } from '../errors.js';
import { incidentUrl, isIncidentId } from '../ids.js';
import { gzipAround, inflateDocument, inflateDocumentSync, type StoredDocument } from '../store/document.js';
import type { IncidentStore, StoredIncidentDetail } from '../store/types.js';
import type { RouteDeps } from './deps.js';
import { readLimit } from '../plugins/external.js';
import { acceptsGzip } from './incidents.js';
import { errorSchema, idParams } from './schemas.js';

export {
  COVERAGE_INLINE,
  GROUPS_INLINE,
  VIEW_VERSION,
  buildView,
  coverageView,
  packTasks,
  taskGroups,
  type TaskGroupSummary,
} from '../view/page-view.js';

/** Cached views may take this many bytes (compressed view and stack groups) in all. */
const CACHE_BYTES = 64 * 1024 * 1024;
/** Bound on the count too, but memory is what the bytes bound guards: most incidents'
 *  views are a few KB compressed, and a team looks at more than a few dozen of them (a
 *  count of 64 made every view of a busy server recomputed on almost every request). */
const CACHE_ENTRIES = 20_000;
const MAX_IDS = 500;

export interface ViewEntry {
  tag: string;
  /** The `view` JSON, compressed as the store compresses documents (spliced into gzip). */
  doc: StoredDocument;
  /** All stack groups, in view order. */
  groups: TaskGroupSummary[];
}

/** A small LRU of computed views, bounded by entries and by their size. */
export class ViewCache {
  private entries = new Map<string, { tag: string; entry: Promise<ViewEntry>; bytes: number }>();

  constructor(
    private readonly maxBytes = CACHE_BYTES,
    private readonly maxEntries = CACHE_ENTRIES,
  ) {}

  /** The view of analysis `tag` of incident `id`: cached, being computed, or computed now. */
  get(id: string, tag: string, compute: () => Promise<ViewEntry>): Promise<ViewEntry> {
    const hit = this.entries.get(id);
    this.entries.delete(id);
    if (hit && hit.tag === tag) {
      this.entries.set(id, hit); // most recently used last
      return hit.entry;
    }
    const slot = { tag, entry: compute(), bytes: 0 };
    this.entries.set(id, slot);
    slot.entry.then(
      (e) => {
        slot.bytes = e.doc.data.length + e.groups.length * 200;
        this.evict();
      },
      () => {
        // A failure is not remembered: the next request tries again.
        if (this.entries.get(id) === slot) this.entries.delete(id);
      },
    );
    return slot.entry;
  }

  /** Keep a view computed elsewhere (the analysis worker, from a fresh upload's
   *  document still in memory): the page that follows the upload asks for it at once. */
  prime(id: string, entry: ViewEntry): void {
    this.entries.delete(id);
    this.entries.set(id, {
      tag: entry.tag,
      entry: Promise.resolve(entry),
      bytes: entry.doc.data.length + entry.groups.length * 200,
    });
    this.evict();
  }

  /** Drop an incident's view (the incident was deleted). */
  forget(id: string): void {
    this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }

  private evict() {
    let total = 0;
    for (const e of this.entries.values()) total += e.bytes;
    // Oldest first; the newest entry stays even when it alone is over the bound.
    for (const [id, e] of this.entries) {
      if ((total <= this.maxBytes && this.entries.size <= this.maxEntries) || this.entries.size === 1) break;
      this.entries.delete(id);
      total -= e.bytes;
    }
  }
}

/** The view built from the whole analysis, in a derive worker (derive/jobs.ts). */
async function computeEntry(
  derive: DeriveRunner,
  incident: StoredIncidentDetail,
): Promise<{ entry: ViewEntry; groupsDoc: StoredDocument }> {
  const { doc, groups, groupsDoc } = await derive.run({ kind: 'view', analysis: analysisInputOf(incident.analysis) });
  return { entry: { tag: incident.analysisTag, doc, groups }, groupsDoc };
}

/**
 * The view of a stored incident that is not in the cache: the one stored beside its
 * analysis (a few ms), else built from the analysis (~1 s for a 50 MB dump's) and stored
 * for the next time (after a restart, or when the cache let it go). Storing it is a
 * convenience: a failed write (disk full) still answers the request.
 */
async function loadEntry(
  store: IncidentStore,
  derive: DeriveRunner,
  incident: StoredIncidentDetail,
  log: FastifyBaseLogger,
): Promise<ViewEntry> {
  const tag = incident.analysisTag;
  // Only big analyses have their views kept (an identity-encoded one, from before
  // compression, never: its tag is of another form).
  const kept = tag !== '' && incident.analysis.encoding !== 'identity' && store.keepsViews(incident.analysis.length);
  const stored = kept ? await store.getView(incident.id, tag, VIEW_VERSION) : null;
  if (stored) {
    const json =
      stored.groups.length <= 64 * 1024
        ? inflateDocumentSync(stored.groups.data)
        : await inflateDocument(stored.groups.data);
    return { tag, doc: stored.doc, groups: JSON.parse(json.toString('utf8')) as TaskGroupSummary[] };
  }
  const { entry, groupsDoc } = await computeEntry(derive, incident);
  if (kept) {
    await store
      .putView(incident.id, { tag, version: VIEW_VERSION, doc: entry.doc, groups: groupsDoc })
      .catch((err: unknown) => log.warn({ err, incident: incident.id }, 'could not store the incident view'));
  }
  return entry;
}

async function loadStored(store: IncidentStore, id: string): Promise<StoredIncidentDetail> {
  const incident = isIncidentId(id) ? await store.getStored(id) : null;
  if (!incident) throw notFound();
  return incident;
}

export const viewRoutes: FastifyPluginAsync<{ deps: RouteDeps }> = async (app, { deps }) => {
  const { store } = deps;
  const cache = deps.views;
  const entryFor = (incident: StoredIncidentDetail) =>
    cache.get(incident.id, incident.analysisTag, () => loadEntry(store, deps.derive, incident, app.log));

  app.get<{ Params: { id: string } }>(
    '/api/incidents/:id/view',
    {
      schema: {
        summary: 'What the incident page shows first: fields, verdict, findings, graph, graph tasks, counts',
        params: idParams,
        response: { 200: { type: 'object', additionalProperties: true }, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const incident = await loadStored(store, request.params.id);
      const { analysis: _a, analysisTag, userTitle: _u, ...fields } = incident;
      const headJson = JSON.stringify({ ...fields, url: incidentUrl(incident.id) });
      const head = `${headJson.slice(0, -1)},"view":`;
      const gzip = acceptsGzip(request.headers['accept-encoding']);
      const etag = `"v${VIEW_VERSION}-${createHash('sha256').update(head).update('\0').update(analysisTag).digest('base64url').slice(0, 27)}${gzip ? '-gz' : ''}"`;
      reply
        .type('application/json; charset=utf-8')
        .header('cache-control', 'no-cache')
        .header('vary', 'accept-encoding')
        .header('etag', etag);
      const inm = request.headers['if-none-match'];
      if (inm !== undefined && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag))
        return reply.code(304).send();
      const entry = await entryFor(incident);
      const headBytes = Buffer.from(head, 'utf8');
      const tail = Buffer.from('}');
      if (gzip)
        return reply.header('content-encoding', 'gzip').send(Buffer.concat(gzipAround(headBytes, entry.doc, tail)));
      const json =
        entry.doc.data.length <= 64 * 1024
          ? inflateDocumentSync(entry.doc.data)
          : await inflateDocument(entry.doc.data);
      return reply.send(Buffer.concat([headBytes, json, tail]));
    },
  );

  app.get<{ Params: { id: string }; Querystring: { ids: string } }>(
    '/api/incidents/:id/view/tasks',
    {
      config: readLimit(deps),
      schema: {
        summary: 'Tasks by id, in the compact form (stacks once, tasks point into them)',
        params: idParams,
        querystring: {
          type: 'object',
          properties: { ids: { type: 'string', minLength: 1, maxLength: 64 * MAX_IDS } },
          required: ['ids'],
          additionalProperties: false,
        },
        response: { 200: { type: 'object', additionalProperties: true }, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const ids = [
        ...new Set(
          request.query.ids
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ];
      if (ids.length > MAX_IDS) throw badRequest(`at most ${MAX_IDS} ids`);
      // The tasks are picked out of the whole analysis in a derive worker (derive/jobs.ts).
      const incident = await loadStored(store, request.params.id);
      const json = await deps.derive.run({ kind: 'tasks', analysis: analysisInputOf(incident.analysis), ids });
      return reply.type('application/json; charset=utf-8').send(json);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { offset: number; limit: number } }>(
    '/api/incidents/:id/view/task-groups',
    {
      config: readLimit(deps),
      schema: {
        summary: 'Stack groups of all tasks, largest first',
        params: idParams,
        querystring: {
          type: 'object',
          properties: {
            offset: { type: 'integer', minimum: 0, default: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: GROUPS_INLINE },
          },
          additionalProperties: false,
        },
        response: { 200: { type: 'object', additionalProperties: true }, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const entry = await entryFor(await loadStored(store, request.params.id));
      const { offset, limit } = request.query;
      return { total: entry.groups.length, offset, items: entry.groups.slice(offset, offset + limit) };
    },
  );
};
