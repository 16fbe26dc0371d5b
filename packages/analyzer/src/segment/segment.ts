// Walk the lines once. At each line try the format parsers in priority order; the
// first that parses consumes its lines as one segment. Lines no parser takes are
// prose, unless they look like part of a capture (a stack frame, a register line),
// which the coverage report lists as "unparsed" so a user sees what was ignored.

import type { CoverageSegment } from '../contract.js';
import type { FormatParser, ParseContext } from '../parse/parser.js';
import type { Line, LineTable } from '../text/lines.js';

/** Lines that look like machine output even though no parser took them. */
const CAPTURE_LIKE = [
  /^\[<[0-9a-f]{6,16}>\]/,
  /^(\? )?[A-Za-z_][\w.]{0,127}\+0x[0-9a-f]{1,8}\/0x[0-9a-f]{1,8}/,
  /^#\d{1,4} {1,3}\[[0-9a-f]{6,16}\]/,
  /^[RE]?[A-Z]{2,3}: [0-9a-f]{4}:?[0-9a-f]{0,16}/,
  /^[0-9a-f]{8,16}: [0-9a-f]{8,16}/,
];

export function looksLikeCapture(line: Line): boolean {
  const t = line.trimmed;
  return CAPTURE_LIKE.some((re) => re.test(t));
}

/**
 * The parsers to try at a line, by its first character (ASCII; any other, or none, gets
 * them all), in the table's order: those whose `startChars` hold it, and every parser
 * that declares none. Made once per parser table (the parser tables are constant, so
 * this is too: no analysis changes it).
 */
const byFirstChar = new WeakMap<FormatParser[], FormatParser[][]>();
function parsersByFirstChar(parsers: FormatParser[]): FormatParser[][] {
  let table = byFirstChar.get(parsers);
  if (!table) {
    table = [];
    for (let c = 0; c < 128; c++) {
      const ch = String.fromCharCode(c);
      table.push(parsers.filter((p) => p.startChars === undefined || p.startChars.includes(ch)));
    }
    byFirstChar.set(parsers, table);
  }
  return table;
}

/** Segments of lines `from` (0: the first) to the table's end. */
export function segment(lines: LineTable, parsers: FormatParser[], ctx: ParseContext, from = 0): CoverageSegment[] {
  const table = parsersByFirstChar(parsers);
  const coverage: CoverageSegment[] = [];
  const push = (seg: CoverageSegment) => {
    const last = coverage[coverage.length - 1];
    // Merge neighbouring prose/unparsed runs (blank lines between them included).
    if (
      last &&
      last.status === seg.status &&
      seg.status !== 'parsed' &&
      last.format === seg.format &&
      seg.line - last.endLine <= 2
    ) {
      last.endLine = seg.endLine;
      return;
    }
    coverage.push(seg);
  };
  let i = from;
  while (i < lines.length) {
    if (lines.blank(i)) {
      i++;
      continue;
    }
    // One view per line, shared by every parser's `starts` (its strings made once).
    const line = lines.at(i);
    let end: number | null = null;
    let by: FormatParser | null = null;
    const c = lines.firstCode(i);
    const candidates = c >= 0 && c < 128 ? table[c] : parsers;
    for (let k = 0; k < candidates.length; k++) {
      const p = candidates[k];
      if (!p.starts(line, ctx)) continue;
      let r: number | null = null;
      // (Tested first: setting an array's length is a call into the runtime, and parsers
      // are tried at nearly every line.)
      if (ctx.strays.length !== 0) ctx.strays.length = 0;
      try {
        r = p.parse(lines, i, ctx);
      } catch {
        // A parser bug must not lose the rest of the text: treat as "did not parse".
        r = null;
      }
      if (r !== null && r > i) {
        end = r;
        by = p;
        break;
      }
    }
    if (by && ctx.strays.length) parseStrays(lines, table, parsers, ctx);
    if (by && end !== null) {
      // Captures of one format back to back (the 50,000 task dumps of a sysrq-t) are one
      // segment with a count: the coverage report says what was read, not each record.
      const last = coverage[coverage.length - 1];
      if (last && last.status === 'parsed' && last.format === by.name && line.no - last.endLine <= 2) {
        last.endLine = lines.endNo(end - 1);
        last.count = (last.count ?? 1) + 1;
      } else {
        coverage.push({ format: by.name, line: line.no, endLine: lines.endNo(end - 1), status: 'parsed' });
      }
      i = end;
      continue;
    }
    if (looksLikeCapture(line)) push({ format: 'capture', line: line.no, endLine: line.endNo, status: 'unparsed' });
    else push({ format: 'prose', line: line.no, endLine: line.endNo, status: 'prose' });
    i++;
  }
  return coverage;
}

/**
 * Lines the capture just parsed read past as another context's (ParseContext.strays):
 * each is given to the parsers on its own, through a table that ends at it, so a
 * one-line message (`unregister_netdevice: waiting for lo …`) printed into a trace is
 * still read as what it is, and no parser reads on into the trace around it.
 */
function parseStrays(lines: LineTable, table: FormatParser[][], parsers: FormatParser[], ctx: ParseContext): void {
  const strays = ctx.strays.slice();
  ctx.strays.length = 0;
  for (const s of strays) {
    const only = lines.through(s);
    const line = only.at(s);
    const c = only.firstCode(s);
    for (const p of c >= 0 && c < 128 ? table[c] : parsers) {
      if (!p.starts(line, ctx)) continue;
      let r: number | null = null;
      try {
        r = p.parse(only, s, ctx);
      } catch {
        r = null;
      }
      // Whatever it found there is kept; strays of a stray are not followed.
      if (ctx.strays.length !== 0) ctx.strays.length = 0;
      if (r !== null && r > s) break;
    }
  }
}
