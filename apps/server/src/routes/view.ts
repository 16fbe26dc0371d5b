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
// part) and kept, compressed, in a small in-memory cache; the rest of the document is
// not kept: /view/tasks reads it again (a deep link to a task that is not drawn is rare).
//
// Documents stored by analyzer 0.1 carry each frame's input line on the frame, so no two
// tasks share a stack; the view moves those lines to `frameLines`, as 0.2 writes them,
// so its stacks are shared either way.
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import {
  isCompact,
  stackKey,
  type AnalysisDocument,
  type CompactAnalysis,
  type CompactTask,
  type CoverageSegment,
  type Frame,
  type Task,
} from '@hangscope/analyzer';
import { badRequest, notFound } from '../errors.js';
import { incidentUrl, isIncidentId } from '../ids.js';
import { compressDocument, gzipAround, inflateDocument, inflateDocumentSync, type StoredDocument } from '../store/document.js';
import type { IncidentStore, StoredIncidentDetail } from '../store/types.js';
import type { RouteDeps } from './deps.js';
import { acceptsGzip } from './incidents.js';
import { errorSchema, idParams } from './schemas.js';

/** Bump when the view's shape changes: part of the ETag, so browsers do not reuse an old one. */
export const VIEW_VERSION = 1;
/** Coverage lists longer than this send counts and the unparsed and prose segments, up to this many. */
export const COVERAGE_INLINE = 200;
/** Stack groups in the view; more through /view/task-groups. */
export const GROUPS_INLINE = 200;
/** Cached views may take this many bytes (compressed view and stack groups) in all. */
const CACHE_BYTES = 64 * 1024 * 1024;
/** Bound on the count too, but memory is what the bytes bound guards: most incidents'
 *  views are a few KB compressed, and a team looks at more than a few dozen of them (a
 *  count of 64 made every view of a busy server recomputed on almost every request). */
const CACHE_ENTRIES = 20_000;
const MAX_IDS = 500;

/** All tasks with the same function sequence (offsets differ across builds): one table row. */
export interface TaskGroupSummary {
  key: string;
  count: number;
  /** Distinct states, in input order. */
  states: string[];
  /** "comm (pid)" of the first few tasks, in input order. */
  comms: string[];
  /** The function names of the group's stack, innermost first (empty: no stack). */
  fns: string[];
  /** The first task of the group that is a graph node (or folded into one), if any. */
  node: string | null;
}

export interface ViewEntry {
  tag: string;
  /** The `view` JSON, compressed as the store compresses documents (spliced into gzip). */
  doc: StoredDocument;
  /** All stack groups, in view order. */
  groups: TaskGroupSummary[];
}

type AnyTask = Task | CompactTask;
type AnyDocument = AnalysisDocument | CompactAnalysis;

const COMMS_SHOWN = 6;
const NO_FRAMES: Frame[] = [];

/** A task's frames in either form of the document. */
function framesReader(doc: AnyDocument): (t: AnyTask) => Frame[] {
  if (isCompact(doc)) return (t) => doc.stacks[(t as CompactTask).stack] ?? NO_FRAMES;
  return (t) => (t as Task).frames ?? NO_FRAMES;
}

function graphTaskIds(doc: AnyDocument): Set<string> {
  const ids = new Set<string>();
  for (const n of doc.graph?.nodes ?? []) {
    ids.add(n.id);
    for (const m of n.members ?? []) ids.add(m);
  }
  return ids;
}

/** Stack groups of all tasks, largest first (ties: input order of their first task). */
export function taskGroups(tasks: AnyTask[], framesOf: (t: AnyTask) => Frame[], inGraph: Set<string>): TaskGroupSummary[] {
  // Shared frame arrays (the compact form) are keyed once.
  const keys = new Map<Frame[], string>();
  const groups = new Map<string, TaskGroupSummary>();
  for (const t of tasks) {
    const frames = framesOf(t);
    let key: string;
    if (frames.length === 0) {
      // Tasks without frames are not "identical" to each other in any useful sense.
      key = `nostack:${t.id}`;
    } else {
      let k = keys.get(frames);
      if (k === undefined) {
        k = frames.map((f) => f.fn).join('<');
        keys.set(frames, k);
      }
      key = k;
    }
    let g = groups.get(key);
    if (!g) {
      g = { key, count: 0, states: [], comms: [], fns: frames.map((f) => f.fn), node: null };
      groups.set(key, g);
    }
    g.count++;
    const state = t.state ?? '?';
    if (!g.states.includes(state)) g.states.push(state);
    if (g.comms.length < COMMS_SHOWN) g.comms.push(`${t.comm ?? '?'} (${t.pid ?? t.id})`);
    if (g.node === null && inGraph.has(t.id)) g.node = t.id;
  }
  // Array.prototype.sort is stable: equal counts keep their first-seen order.
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

/**
 * The given tasks in the compact form, with only the stacks they use. Lines found on
 * the frames (analyzer 0.1) move to the task's `frameLines`, so equal stacks are shared.
 */
export function packTasks(tasks: AnyTask[], framesOf: (t: AnyTask) => Frame[]): { stacks: Frame[][]; tasks: CompactTask[] } {
  const stacks: Frame[][] = [];
  const byArray = new Map<Frame[], number>();
  const byKey = new Map<string, number>();
  const out: CompactTask[] = [];
  for (const t of tasks) {
    const { frames: _f, stack: _s, ...rest } = t as Task & CompactTask;
    const original = framesOf(t);
    let frames = original;
    let frameLines = t.frameLines;
    if (frameLines === undefined && frames.length > 0 && frames.every((f) => typeof f.line === 'number')) {
      frameLines = frames.map((f) => f.line as number);
      frames = frames.map(({ line: _line, ...f }) => f);
    }
    let at = frames === original ? byArray.get(original) : undefined;
    if (at === undefined) {
      const key = stackKey(frames);
      at = byKey.get(key);
      if (at === undefined) {
        at = stacks.length;
        stacks.push(frames);
        byKey.set(key, at);
      }
      if (frames === original) byArray.set(original, at);
    }
    out.push(frameLines === undefined ? { ...rest, stack: at } : { ...rest, frameLines, stack: at });
  }
  return { stacks, tasks: out };
}

/**
 * Coverage for the page: all of it when short, else what was not parsed. Counts are
 * of captures (a parsed segment may stand for `count` captures read back to back) and
 * of segments, so the page can say what it does not list.
 */
export function coverageView(segments: CoverageSegment[] | undefined): {
  coverage: CoverageSegment[];
  coverageCounts: Record<CoverageSegment['status'], number>;
  coverageSegments: number;
} {
  const all = segments ?? [];
  const coverageCounts = { parsed: 0, prose: 0, unparsed: 0 };
  for (const s of all) coverageCounts[s.status] = (coverageCounts[s.status] ?? 0) + (s.status === 'parsed' ? (s.count ?? 1) : 1);
  if (all.length <= COVERAGE_INLINE) return { coverage: all, coverageCounts, coverageSegments: all.length };
  // What a reader must know about: lines the analyzer could not parse, then prose; the
  // parsed segments are only counted (the full list is in the analysis document).
  const rank = { unparsed: 0, prose: 1, parsed: 2 } as const;
  const picked = all
    .map((s, i) => ({ s, i }))
    .filter((x) => x.s.status !== 'parsed')
    .sort((a, b) => rank[a.s.status] - rank[b.s.status] || a.i - b.i)
    .slice(0, COVERAGE_INLINE)
    .sort((a, b) => a.i - b.i)
    .map((x) => x.s);
  return { coverage: picked, coverageCounts, coverageSegments: all.length };
}

/** The page's view of one analysis document (either form). */
export function buildView(doc: AnyDocument): { view: Record<string, unknown>; groups: TaskGroupSummary[] } {
  const framesOf = framesReader(doc);
  const allTasks: AnyTask[] = doc.tasks ?? [];
  const inGraph = graphTaskIds(doc);
  const { stacks, tasks } = packTasks(
    allTasks.filter((t) => inGraph.has(t.id)),
    framesOf,
  );
  const groups = taskGroups(allTasks, framesOf, inGraph);
  const { tasks: _t, coverage: _c, ...rest } = doc;
  const { stacks: _s, compact: _k, ...head } = rest as Partial<CompactAnalysis> & typeof rest;
  const view = {
    ...head,
    graph: doc.graph ?? { nodes: [], edges: [] },
    findings: doc.findings ?? [],
    stacks,
    tasks,
    locks: (doc.locks ?? []).filter((l) => inGraph.has(l.id)),
    cpus: (doc.cpus ?? []).filter((c) => inGraph.has(c.id)),
    works: (doc.works ?? []).filter((w) => inGraph.has(w.id)),
    ...coverageView(doc.coverage),
    counts: {
      tasks: allTasks.length,
      locks: doc.locks?.length ?? 0,
      cpus: doc.cpus?.length ?? 0,
      works: doc.works?.length ?? 0,
      taskGroups: groups.length,
    },
    taskGroups: groups.slice(0, GROUPS_INLINE),
  };
  return { view, groups };
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

async function readDocument(incident: StoredIncidentDetail): Promise<AnyDocument | null> {
  const a = incident.analysis;
  const json = a.encoding === 'identity' ? a.json : (a.length <= 64 * 1024 ? inflateDocumentSync(a.data) : await inflateDocument(a.data)).toString('utf8');
  return JSON.parse(json) as AnyDocument | null;
}

async function computeEntry(incident: StoredIncidentDetail): Promise<ViewEntry> {
  const doc = await readDocument(incident);
  // An incident without an analysis gets an empty view, not an error page.
  const { view, groups } = buildView(doc ?? { graph: { nodes: [], edges: [] }, tasks: [], findings: [] } as unknown as AnalysisDocument);
  return { tag: incident.analysisTag, doc: compressDocument(JSON.stringify(view)), groups };
}

async function loadStored(store: IncidentStore, id: string): Promise<StoredIncidentDetail> {
  const incident = isIncidentId(id) ? await store.getStored(id) : null;
  if (!incident) throw notFound();
  return incident;
}

export const viewRoutes: FastifyPluginAsync<{ deps: RouteDeps }> = async (app, { deps }) => {
  const { store } = deps;
  const cache = new ViewCache();
  const entryFor = (incident: StoredIncidentDetail) => cache.get(incident.id, incident.analysisTag, () => computeEntry(incident));

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
      reply.type('application/json; charset=utf-8').header('cache-control', 'no-cache').header('vary', 'accept-encoding').header('etag', etag);
      const inm = request.headers['if-none-match'];
      if (inm !== undefined && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) return reply.code(304).send();
      const entry = await entryFor(incident);
      const headBytes = Buffer.from(head, 'utf8');
      const tail = Buffer.from('}');
      if (gzip) return reply.header('content-encoding', 'gzip').send(Buffer.concat(gzipAround(headBytes, entry.doc, tail)));
      const json = entry.doc.data.length <= 64 * 1024 ? inflateDocumentSync(entry.doc.data) : await inflateDocument(entry.doc.data);
      return reply.send(Buffer.concat([headBytes, json, tail]));
    },
  );

  app.get<{ Params: { id: string }; Querystring: { ids: string } }>(
    '/api/incidents/:id/view/tasks',
    {
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
    async (request) => {
      const ids = [...new Set(request.query.ids.split(',').map((s) => s.trim()).filter(Boolean))];
      if (ids.length > MAX_IDS) throw badRequest(`at most ${MAX_IDS} ids`);
      const doc = await readDocument(await loadStored(store, request.params.id));
      const wanted = new Set(ids);
      const found = (doc?.tasks ?? []).filter((x: AnyTask) => wanted.has(x.id));
      const { stacks, tasks } = doc ? packTasks(found, framesReader(doc)) : { stacks: [], tasks: [] };
      return { stacks, items: tasks };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { offset: number; limit: number } }>(
    '/api/incidents/:id/view/task-groups',
    {
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
