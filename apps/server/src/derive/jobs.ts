// What reads derive from a whole stored analysis: the exports (report.md, graph.dot,
// graph.svg), the tasks of the page's task view, a diff of two analyses, the ids an
// annotation may target. Each needs the analysis as objects — for a 50 MB dump, 27 MB of
// compact JSON parsed and expanded, ~0.5 s; the redaction pass over a whole dump to
// share costs as much (linear, ~0.4 s for 15 MB). They run in the derive workers (pool.ts),
// never on the event loop; the same functions run in-process only where no built worker
// exists (vitest runs the TypeScript source).
//
// Inputs and answers cross between threads by structured clone: an analysis goes as it
// is stored (compressed) and is inflated and parsed here; text answers come back as
// UTF-8 bytes, which the route sends as they are.
import { createHash } from 'node:crypto';
import { diffAnalyses, type AnalysisDocument } from '@hangscope/analyzer';
import { graphToDot } from '../export/graph-dot.js';
import { graphToSvg } from '../export/graph-svg.js';
import { buildMarkdownReport, type ReportInput } from '../export/report-md.js';
import { Redactor, type RedactOptions } from '../redact/redact.js';
import { annotatableIds } from '../services/analysis-ids.js';
import { parseFullDocument } from '../store/compact-json.js';
import { compressDocument, inflateDocumentSync, type DocumentForm, type StoredDocument } from '../store/document.js';
import type { StoredIncidentDetail } from '../store/types.js';
import {
  buildView,
  framesReader,
  packTasks,
  type AnyDocument,
  type AnyTask,
  type TaskGroupSummary,
} from '../view/page-view.js';

/** An analysis as the store keeps it: compressed (document.ts), or JSON text (identity). */
export interface AnalysisInput {
  form: DocumentForm;
  encoding: 'deflate-raw-sync' | 'identity';
  data: Uint8Array;
}

export type DeriveJob =
  | ({ kind: 'md'; analysis: AnalysisInput | null } & Omit<ReportInput, 'doc'>)
  | { kind: 'dot' | 'svg'; analysis: AnalysisInput | null; title: string }
  | { kind: 'tasks'; analysis: AnalysisInput | null; ids: string[] }
  | { kind: 'diff'; a: AnalysisInput; b: AnalysisInput; head: Record<string, unknown> }
  | { kind: 'has-target'; analysis: AnalysisInput | null; target: string }
  | { kind: 'view'; analysis: AnalysisInput | null }
  | { kind: 'redact'; raw: Uint8Array; options: RedactOptions; strings: (string | null)[] };

/** What each job answers. */
export interface DeriveResults {
  md: Uint8Array;
  dot: Uint8Array;
  svg: Uint8Array;
  /** `{"stacks":[…],"items":[…]}` */
  tasks: Uint8Array;
  /** `{…head,…diff}`; null: one of them has no analysis. */
  diff: Uint8Array | null;
  'has-target': boolean;
  /** The incident page's view (view/page-view.ts) and its stack groups, compressed as stored. */
  view: { doc: StoredDocument; groups: TaskGroupSummary[]; groupsDoc: StoredDocument };
  /** The dump redacted (UTF-8) and its SHA-256, and `strings` through the same redactor
   *  after it, in order (a name gets the pseudonym it has in the dump). */
  redact: { text: Uint8Array; sha256: string; strings: (string | null)[] };
}

export type DeriveResult = DeriveResults[keyof DeriveResults];

/** The analysis of a stored incident (store.getStored), as a job takes it. */
export function analysisInputOf(stored: StoredIncidentDetail['analysis']): AnalysisInput {
  return stored.encoding === 'identity'
    ? { form: 'full', encoding: 'identity', data: Buffer.from(stored.json, 'utf8') }
    : { form: stored.form ?? 'full', encoding: stored.encoding, data: stored.data };
}

const EMPTY = { graph: { nodes: [], edges: [] }, tasks: [], findings: [] } as unknown as AnalysisDocument;

const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');

function jsonOf(input: AnalysisInput): Buffer {
  const data = Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength);
  return input.encoding === 'identity' ? data : inflateDocumentSync(data);
}

/** The full document (compact forms expanded); null: none stored. */
export function fullDocument(input: AnalysisInput | null): AnalysisDocument | null {
  return input ? parseFullDocument({ form: input.form, json: jsonOf(input) }) : null;
}

/** The document as stored (compact or full), not expanded: the task view reads both. */
function storedDocument(input: AnalysisInput | null): AnyDocument | null {
  return input ? (JSON.parse(jsonOf(input).toString('utf8')) as AnyDocument | null) : null;
}

/** Run one job. Throws on a document it cannot read (the caller answers 500). */
export function runDeriveJob(job: DeriveJob): DeriveResult {
  switch (job.kind) {
    case 'md': {
      const { kind: _k, analysis, ...rest } = job;
      return utf8(buildMarkdownReport({ ...rest, doc: fullDocument(analysis) as AnalysisDocument }));
    }
    case 'dot':
      return utf8(graphToDot(fullDocument(job.analysis) as AnalysisDocument, job.title));
    case 'svg':
      return utf8(graphToSvg(fullDocument(job.analysis) as AnalysisDocument, job.title));
    case 'tasks': {
      const doc = storedDocument(job.analysis);
      const wanted = new Set(job.ids);
      const found = (doc?.tasks ?? []).filter((x: AnyTask) => wanted.has(x.id));
      const { stacks, tasks } = doc ? packTasks(found, framesReader(doc)) : { stacks: [], tasks: [] };
      return utf8(JSON.stringify({ stacks, items: tasks }));
    }
    case 'diff': {
      const a = fullDocument(job.a);
      const b = fullDocument(job.b);
      if (!a || !b) return null;
      return utf8(JSON.stringify({ ...job.head, ...diffAnalyses(a, b) }));
    }
    case 'view': {
      // An incident without an analysis gets an empty view, not an error page.
      const doc = storedDocument(job.analysis) ?? EMPTY;
      const { view, groups } = buildView(doc);
      return {
        doc: compressDocument(JSON.stringify(view)),
        groups,
        groupsDoc: compressDocument(JSON.stringify(groups)),
      };
    }
    case 'redact': {
      const raw = job.raw;
      const original = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
      const redactor = new Redactor(original, job.options);
      const text = utf8(redactor.redact(original));
      const sha256 = createHash('sha256').update(text).digest('hex');
      return { text, sha256, strings: job.strings.map((s) => (s === null ? null : redactor.redact(s))) };
    }
    case 'has-target':
      return annotatableIds(fullDocument(job.analysis)).has(job.target);
  }
}
