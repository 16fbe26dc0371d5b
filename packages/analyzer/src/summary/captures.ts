// Several captures of one incident (a first dump, then what hangscope-collect took
// next) analysed as one text. The first capture keeps its own line numbers (its stored
// annotations and links name them); each later one follows a marker line
//   === hangscope capture 2 at 2026-12-06T18:29:16.123Z ===
// parse/run.ts segments each capture on its own. The document then lists each capture's lines, every evidence span names its capture
// and its line there, and the verdict says what the newest capture added.

import type { AnalysisDocument, CaptureRange, Frame, Span, Task } from '../contract.js';
import { stackKey } from './diff.js';

export const CAPTURE_MARKER = /^=== hangscope capture (\d{1,6}) at ([\w:.+-]{1,40}) ===$/;

/** The text of several captures, in order: each later one after its marker. */
export function joinCaptures(captures: readonly { text: string; createdAt: string }[]): string {
  let out = '';
  captures.forEach((c, k) => {
    if (k > 0) {
      if (out !== '' && !out.endsWith('\n')) out += '\n';
      out += `=== hangscope capture ${k + 1} at ${c.createdAt} ===\n`;
    }
    out += c.text;
  });
  return out;
}

/** Each capture's lines, from the markers found (null: one capture). */
export function captureRanges(
  marks: readonly { seq: number; line: number; createdAt: string }[],
  lineCount: number,
): CaptureRange[] | null {
  if (marks.length === 0) return null;
  const ranges: CaptureRange[] = [{ seq: 1, line: 1, endLine: Math.max(0, marks[0].line - 1), createdAt: null }];
  marks.forEach((m, k) => {
    const next = marks[k + 1];
    ranges.push({ seq: m.seq, line: m.line + 1, endLine: next ? next.line - 1 : lineCount, createdAt: m.createdAt });
  });
  return ranges;
}

/** The capture a line lies in (the last one starting at or before it). */
export function captureOf(ranges: readonly CaptureRange[], line: number): CaptureRange {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ranges[mid].line <= line) lo = mid;
    else hi = mid - 1;
  }
  return ranges[lo];
}

/**
 * Name the capture of every evidence span of the document (any object with numeric
 * `line` and `endLine`: tasks', CPUs', locks', nodes', edges', findings' evidence and the
 * coverage). One walk over the document; a span shared by two places is named once.
 */
export function nameCaptures(doc: AnalysisDocument, ranges: readonly CaptureRange[]): void {
  const seen = new Set<object>();
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    const o = v as Record<string, unknown>;
    if (typeof o.line === 'number' && typeof o.endLine === 'number' && !Object.isFrozen(o)) {
      const c = captureOf(ranges, o.line);
      (o as unknown as Span).capture = c.seq;
      (o as unknown as Span).captureLine = o.line - c.line + 1;
    }
    for (const k in o) if (k !== 'frames' && k !== 'frameLines' && k !== 'captures') walk(o[k]);
  };
  walk(doc.tasks);
  walk(doc.cpus);
  walk(doc.locks);
  walk(doc.works);
  walk(doc.graph);
  walk(doc.findings);
  walk(doc.coverage);
}

/** Tasks named in each sentence at most; the rest are counted. */
const MAX_NAMED = 3;

/** A task of the document as the model made it: with the stack an earlier capture showed. */
type TaskWithBefore = Task & { readonly stackBefore?: { frames: readonly Frame[]; capture: number } | null };

/**
 * What the newest capture shows that the earlier ones did not: the tasks whose stack is
 * read from it for the first time (a task an earlier capture only named, or did not name
 * at all), each with what it waits for in the graph; and of the tasks an earlier capture
 * showed a stack of, which are still on the same stack (stuck) and which moved.
 */
export function whatTheLastCaptureAdded(doc: AnalysisDocument, ranges: readonly CaptureRange[]): string {
  const last = ranges[ranges.length - 1];
  const labels = new Map(doc.graph.nodes.map((n) => [n.id, n.label]));
  const firstEdge = new Map<string, { to: string; kind: string }>();
  for (const e of doc.graph.edges) if (!firstEdge.has(e.from)) firstEdge.set(e.from, e);
  const seen: string[] = [];
  const still: string[] = [];
  const moved: string[] = [];
  const counts = { seen: 0, still: 0, moved: 0 };
  for (const t of doc.tasks as TaskWithBefore[]) {
    const at = t.frameLines?.[0];
    if (at === undefined || at < last.line || t.frames.length === 0) continue;
    const name =
      t.comm && t.pid !== null ? `${t.comm} ${t.pid}` : t.pid !== null ? `task ${t.pid}` : (t.comm ?? 'a task');
    const where = t.waitFrame ?? t.frames[0].fn;
    const before = t.stackBefore;
    if (before) {
      if (stackKey(before) === stackKey(t)) {
        if (counts.still++ < MAX_NAMED) still.push(`${name} in ${where}`);
      } else if (counts.moved++ < MAX_NAMED)
        moved.push(`${name} (now in ${where}, was in ${before.frames[0]?.fn ?? '?'} in capture ${before.capture})`);
      continue;
    }
    if (counts.seen++ >= MAX_NAMED) continue;
    const e = firstEdge.get(t.id);
    const what = e
      ? `it ${e.kind === 'flushes' ? 'flushes' : e.kind === 'ipi_wait' ? 'waits for an answer from' : 'waits for'} ${labels.get(e.to) ?? e.to}`
      : `it is in ${where}`;
    seen.push(`${name} is now seen: ${what}`);
  }
  const when = last.createdAt ? ` (${last.createdAt})` : '';
  const more = (n: number, shown: number) => (n > shown ? `; and ${n - shown} more` : '');
  const parts: string[] = [];
  parts.push(
    counts.seen === 0
      ? `Capture ${last.seq}${when} shows no task stack the earlier captures did not.`
      : `Capture ${last.seq}${when} adds: ${seen.join('; ')}${more(counts.seen, seen.length)}.`,
  );
  if (counts.still)
    parts.push(`On the same stack as before (stuck): ${still.join(', ')}${more(counts.still, still.length)}.`);
  if (counts.moved) parts.push(`Moved: ${moved.join(', ')}${more(counts.moved, moved.length)}.`);
  return parts.join(' ');
}
