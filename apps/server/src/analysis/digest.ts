import {
  FINGERPRINT_VERSION,
  analysisFailed,
  analyze,
  compactAnalysis,
  frameSignature,
  type AnalysisDocument,
  type CompactAnalysis,
  type Frame,
} from '@hangscope/analyzer';
import { HttpError } from '../errors.js';
import { decodeDump } from '../ingest/decode.js';
import { compressDocument, type DocumentForm } from '../store/document.js';
import type { AnalysisRecord } from '../store/types.js';
import { VIEW_VERSION, buildView } from '../view/page-view.js';

/**
 * Documents with at least this many tasks are stored in the compact form. Big dumps
 * are where tasks share stacks (thousands of idle kworkers): the 50 MB sysrq-t dump's
 * 80,000 tasks have 22 distinct stacks, and its document shrinks from 91 MB to 27 MB of
 * JSON (4.7 MB stored), which is what makes ingest cheaper. A small document gains
 * little, and stored full it is sent as stored; compact, every read would expand it.
 */
export const COMPACT_MIN_TASKS = 1000;

/** Line count as an editor shows it: a final newline does not start another line. */
export function countLines(text: string): number {
  if (text.length === 0) return 0;
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') ? n - 1 : n;
}

/** countLines of the bytes of a UTF-8 text, without decoding it. */
export function countLinesOfBytes(bytes: Uint8Array): number {
  if (bytes.length === 0) return 0;
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let n = 1;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return buf[buf.length - 1] === 10 ? n - 1 : n;
}

/** What the store indexes and searches: everything of a record but the document. */
export function indexFields(
  doc: AnalysisDocument,
  lineCount: number,
): Omit<AnalysisRecord, 'document' | 'documentJson' | 'timings'> {
  const frames = new Set<string>();
  const comms = new Set<string>();
  // Tasks with the same stack share one frames array: each array is read once.
  const seen = new Set<Frame[]>();
  for (const task of doc.tasks ?? []) {
    if (task.comm) comms.add(task.comm);
    const list = task.frames;
    if (!list || seen.has(list)) continue;
    seen.add(list);
    for (const frame of list) frames.add(frame.fn);
  }
  return {
    analyzerVersion: doc.analyzerVersion,
    kind: doc.kind,
    title: doc.title,
    fingerprint: doc.fingerprint,
    fingerprintVersion: FINGERPRINT_VERSION,
    signature: frameSignature(doc),
    kernel: doc.kernel,
    lineCount,
    search: {
      titles: [doc.title, ...(doc.altTitles ?? [])].join('\n'),
      verdict: [doc.verdict, ...(doc.findings ?? []).map((f) => f.summary)].join('\n'),
      frames: [...frames].join(' '),
      comms: [...comms].join(' '),
    },
  };
}

/** The document in the form it is stored in (see COMPACT_MIN_TASKS); `build: false`: the form only. */
export function storedForm(
  doc: AnalysisDocument,
  compactMinTasks = COMPACT_MIN_TASKS,
  build = true,
): { value: AnalysisDocument | CompactAnalysis; form: DocumentForm } {
  if ((doc.tasks?.length ?? 0) < compactMinTasks) return { value: doc, form: 'full' };
  return { value: build ? compactAnalysis(doc) : doc, form: 'compact' };
}

/** Reduce a document to what the store indexes and searches, with its JSON compressed. */
export function toAnalysisRecord(
  doc: AnalysisDocument,
  text: string,
  compactMinTasks = COMPACT_MIN_TASKS,
): AnalysisRecord {
  return recordOf(doc, countLines(text), compactMinTasks);
}

function recordOf(doc: AnalysisDocument, lineCount: number, compactMinTasks = COMPACT_MIN_TASKS): AnalysisRecord {
  const { value, form } = storedForm(doc, compactMinTasks);
  const documentJson = JSON.stringify(value);
  return {
    document: compressDocument(documentJson, form),
    documentJson,
    ...indexFields(doc, lineCount),
    view: pageView(doc),
  };
}

/**
 * The record of an analysis that did not finish (out of time or memory: see pool.ts),
 * so that the upload is stored all the same and says why it has no analysis. Built
 * from the bytes without decoding them: the failed worker was the one that had them as
 * text, and a 50 MB decode does not belong on the event loop.
 */
export function failedAnalysisRecord(bytes: Uint8Array, reason: string): AnalysisRecord {
  const lineCount = countLinesOfBytes(bytes);
  const doc = analysisFailed(lineCount, {
    summary:
      `The analysis did not finish: ${reason}. The dump is stored unchanged and is analysed again once when the server next starts (and once after each analyzer upgrade). ` +
      'If it is a very large capture, the report itself (the hung-task or lockup report with its stacks, or the sysrq-t section) uploaded on its own is analysed in seconds.',
    verdict: `The analysis of this dump did not finish (${reason}); the original is stored unchanged.`,
  });
  return recordOf(doc, lineCount);
}

/** The incident page's view of a document in memory, compressed (see view/page-view.ts):
 *  the page that follows an upload then needs no second read of the stored analysis. */
export function pageView(doc: AnalysisDocument): NonNullable<AnalysisRecord['view']> {
  const { view, groups } = buildView(doc);
  return {
    version: VIEW_VERSION,
    doc: compressDocument(JSON.stringify(view)),
    groups,
    groupsDoc: compressDocument(JSON.stringify(groups)),
  };
}

/** The dump's text, or the 400/415 that says why it is not one (see decode.ts). */
export function decodeOrReject(bytes: Uint8Array): string {
  const decoded = decodeDump(
    Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  );
  if (!decoded.ok) throw new HttpError(decoded.statusCode, decoded.error, decoded.message);
  return decoded.text;
}

/** Decode, analyze and reduce. Runs in an analysis worker, or in-process (see pool.ts). */
export function analyzeToRecord(bytes: Uint8Array): AnalysisRecord {
  const text = decodeOrReject(bytes);
  return toAnalysisRecord(analyze(text), text);
}
