import { analyze, type AnalysisDocument } from '@hangscope/analyzer';
import { compressDocument } from '../store/document.js';
import type { AnalysisRecord } from '../store/types.js';

/** Line count as an editor shows it: a final newline does not start another line. */
export function countLines(text: string): number {
  if (text.length === 0) return 0;
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') ? n - 1 : n;
}

/** What the store indexes and searches: everything of a record but the document. */
export function indexFields(doc: AnalysisDocument, text: string): Omit<AnalysisRecord, 'document' | 'documentJson' | 'timings'> {
  const frames = new Set<string>();
  const comms = new Set<string>();
  for (const task of doc.tasks ?? []) {
    if (task.comm) comms.add(task.comm);
    for (const frame of task.frames ?? []) frames.add(frame.fn);
  }
  return {
    analyzerVersion: doc.analyzerVersion,
    kind: doc.kind,
    title: doc.title,
    fingerprint: doc.fingerprint,
    kernel: doc.kernel,
    lineCount: countLines(text),
    search: {
      titles: [doc.title, ...(doc.altTitles ?? [])].join('\n'),
      verdict: [doc.verdict, ...(doc.findings ?? []).map((f) => f.summary)].join('\n'),
      frames: [...frames].join(' '),
      comms: [...comms].join(' '),
    },
  };
}

/** Reduce a document to what the store indexes and searches, with its JSON compressed. */
export function toAnalysisRecord(doc: AnalysisDocument, text: string): AnalysisRecord {
  const documentJson = JSON.stringify(doc);
  return { document: compressDocument(documentJson), documentJson, ...indexFields(doc, text) };
}

/** Analyze and reduce. Runs in an analysis worker, or in-process (see pool.ts). */
export function analyzeToRecord(text: string): AnalysisRecord {
  return toAnalysisRecord(analyze(text), text);
}
