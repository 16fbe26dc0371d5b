// The incident page's shareable state lives in the URL: ?node=task:4790&lines=41-57.
// Parsing is forgiving (a hand-edited link must not crash the page): anything invalid
// reads as "nothing selected".
import type { Span } from '@hangscope/analyzer';

export interface LineRange {
  from: number;
  to: number;
}

const RANGE = /^(\d{1,9})(?:-(\d{1,9}))?$/;

export function parseLines(value: string | null | undefined): LineRange | null {
  if (!value) return null;
  const m = RANGE.exec(value.trim());
  if (!m) return null;
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  if (a < 1 || b < 1) return null;
  return a <= b ? { from: a, to: b } : { from: b, to: a };
}

export function formatLines(r: LineRange | null): string | null {
  if (!r) return null;
  return r.from === r.to ? String(r.from) : `${r.from}-${r.to}`;
}

/** Evidence spans, merged and sorted, so a node's evidence can be highlighted at once. */
export function mergeSpans(spans: readonly Span[]): LineRange[] {
  const sorted = spans
    .filter((s) => Number.isFinite(s.line) && s.line >= 1)
    .map((s) => ({ from: s.line, to: Math.max(s.line, s.endLine ?? s.line) }))
    .sort((a, b) => a.from - b.from);
  const out: LineRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to + 1) last.to = Math.max(last.to, r.to);
    else out.push({ ...r });
  }
  return out;
}

export function inRanges(line: number, ranges: readonly LineRange[]): boolean {
  // Ranges are few (a node's evidence); a linear scan is fine.
  return ranges.some((r) => line >= r.from && line <= r.to);
}

/** Node ids are `TYPE:KEY`; reject anything else before looking it up. */
export function parseNodeParam(value: string | null): string | null {
  if (!value) return null;
  return /^(task|cpu|lock|work|wq|external):.{1,300}$/.test(value) ? value : null;
}

/** The absolute permalink of an incident, a node in it and/or a line range. */
export function permalink(origin: string, incidentId: string, node: string | null, lines: LineRange | null): string {
  const p = new URLSearchParams();
  if (node) p.set('node', node);
  const l = formatLines(lines);
  if (l) p.set('lines', l);
  const q = p.toString();
  return `${origin}/i/${encodeURIComponent(incidentId)}${q ? `?${q}` : ''}`;
}
